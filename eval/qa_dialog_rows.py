"""The row every held-out QA compliance set writes (issue #19): turns framed by a greeting and a closing,
labels placed on the turn that quotes them, the jsonl written one row per line.

Each set's generator keeps its own dialogs, greetings, closings and how it picks them; what they all
share — the middle must start and end with the customer, a label must quote a turn (a typo raises
instead of reaching the jsonl), the row's shape and its counts — is here once.
"""

from __future__ import annotations

import json
from pathlib import Path

RULES = ("rude_language", "forbidden_promise", "handoff_refused", "unresolved_no_handoff", "disclosure")


def evidence_turn(turns: list[dict], words: str, roles: tuple[str, ...] = ("agent", "customer")) -> int:
    """The first agent turn after the greeting quoting the words, else the first customer turn (only the
    ``roles`` given are searched). Raises when no such turn quotes them, so a mistyped label cannot slip in."""
    for role in roles:
        for k, t in enumerate(turns):
            if k > 0 and t["role"] == role and words in t["text"]:
                return k
    raise ValueError(f"evidence {words!r} is in no turn")


def framed(greeting: str, middle: list[str], closing: str) -> list[dict]:
    """The agent's greeting, the middle (customer first, alternating), the agent's closing."""
    turns = [{"role": "agent", "text": greeting}]
    turns += [{"role": "customer" if k % 2 == 0 else "agent", "text": t} for k, t in enumerate(middle)]
    return turns + [{"role": "agent", "text": closing}]


def dialog_row(cid: str, channel: str, turns: list[dict], labels: list[tuple[str, str]], category: str,
               variant: str, roles: tuple[str, ...] = ("agent",)) -> dict:
    """One jsonl row: each ``(rule, words)`` label placed on the first turn of ``roles`` quoting the words."""
    evidence = []
    for rule, words in labels:
        turn = evidence_turn(turns, words, roles)
        start = turns[turn]["text"].index(words)
        evidence.append({"rule": rule, "turn": turn, "start": start, "end": start + len(words), "text": words})
    return {"id": cid, "input": {"id": cid, "channel": channel, "complete": True, "turns": turns},
            "expected": {"rules": sorted({r for r, _ in labels}), "evidence": evidence},
            "tags": {"difficulty": "hard", "category": category, "variant": variant}}


def check_middles(rows: list[tuple]) -> None:
    """Every row's middle (its second item) starts and ends with the customer, so it has an odd length."""
    for category, middle, *_ in rows:
        if len(middle) % 2 != 1:
            raise ValueError(f"{category}: the turns between greeting and closing must start and end with the customer")


def rotating_frame(i: int, greetings: dict[str, list[str]], closings: dict[str, list[str]]) -> tuple[str, str, str]:
    """Dialog ``i``'s channel (odd = bot), greeting and closing, by its rank on that channel, so every line of
    the channel is used and a greeting does not always come with the same closing (shifted once per round)."""
    channel = "bot" if i % 2 else "human"
    rank = i // 2
    lines = greetings[channel]
    return channel, lines[rank % len(lines)], closings[channel][(rank + rank // len(lines)) % len(closings[channel])]


def summary(cases: list[dict]) -> dict[str, int]:
    """The counts a set's README paragraph quotes, computed from the built rows so they cannot drift from the data."""
    rules = [set(c["expected"]["rules"]) for c in cases]
    out = {rule: sum(rule in r for r in rules) for rule in RULES}
    out["disclosure_with_promise"] = sum({"disclosure", "forbidden_promise"} <= r for r in rules)
    out["clean"] = sum(not r for r in rules)
    out["several_rules"] = sum(len(r) > 1 for r in rules)
    out["violation_in_2nd_or_3rd_agent_turn"] = sum(any(ev["turn"] >= 4 for ev in c["expected"]["evidence"]) for c in cases)
    out["single_exchange"] = sum(len(c["input"]["turns"]) == 5 for c in cases)
    out["bot"] = sum(c["input"]["channel"] == "bot" for c in cases)
    return out


def write_rows(path: Path, cases: list[dict]) -> None:
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
