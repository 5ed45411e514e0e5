"""Training rounds 10 and 11 of the QA dialogs (eval/qa_compliance_round10.py, round11.py; issue #19), each
by an independent author: the brief's minimums per rule, evidence that really quotes an agent turn, and the
rows before each round left byte-for-byte alone — earlier classifiers and held-out figures are only
comparable if their data did not move. Round 11 weighs quiet rudeness, deflection, jargon promises and
innocent look-alikes more heavily, so its minimums are higher."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass

import pytest

from eval.qa_compliance_cases import OUT, build


@dataclass(frozen=True)
class Round:
    variant: str
    earlier_rows: int  # rows of qa_compliance_dialogs.jsonl before the round
    earlier_sha256: str  # sha256 of those lines, newline included
    minimums: dict[str, int]
    clean: int


ROUNDS = (
    Round("round10", 696, "8413bd7672b8dd6951558484ced8cd7bbb46258aa58ffc83bed82b73694ecf9f",
          {"rude_language": 28, "forbidden_promise": 28, "handoff_refused": 28, "unresolved_no_handoff": 28,
           "disclosure": 12}, clean=45),
    Round("round11", 872, "447bba4e659bec6437a3c84edcabac6093424ac6c2555b589a812547b0a7df0b",
          {"rude_language": 35, "forbidden_promise": 30, "handoff_refused": 28, "unresolved_no_handoff": 35,
           "disclosure": 12}, clean=50),
)


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module", params=ROUNDS, ids=[r.variant for r in ROUNDS])
def rnd(request, rows) -> tuple[Round, list[dict]]:
    return request.param, [r for r in rows if r["tags"]["variant"] == request.param.variant]


def test_the_rows_before_the_round_are_byte_identical(rnd):
    spec, _ = rnd
    lines = OUT.read_bytes().splitlines(keepends=True)
    assert hashlib.sha256(b"".join(lines[:spec.earlier_rows])).hexdigest() == spec.earlier_sha256


def test_the_round_is_appended_after_the_earlier_rows(rnd, rows):
    spec, _ = rnd
    variants = [r["tags"]["variant"] for r in rows]
    first = variants.index(spec.variant)
    assert first == spec.earlier_rows and spec.variant not in variants[:first]


def test_round_11_is_the_last_one(rows):
    variants = [r["tags"]["variant"] for r in rows]
    assert set(variants[variants.index("round11"):]) == {"round11"}


def test_committed_file_is_what_the_generator_builds(rows):
    assert rows == build()


def test_count_and_per_rule_minimums(rnd):
    spec, dialogs = rnd
    assert len(dialogs) >= 160
    per_rule = Counter(rule for r in dialogs for rule in r["expected"]["rules"])
    for rule, least in spec.minimums.items():
        assert per_rule[rule] >= least, rule
    assert sum(1 for r in dialogs if not r["expected"]["rules"]) >= spec.clean
    assert sum(1 for r in dialogs if len(r["expected"]["rules"]) >= 2) >= 5


def test_ids_are_unique_across_the_whole_file(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) and all(r["input"]["id"] == r["id"] for r in rows)


def test_evidence_quotes_its_own_agent_turn(rnd):
    _, dialogs = rnd
    for r in dialogs:
        turns = r["input"]["turns"]
        assert sorted({ev["rule"] for ev in r["expected"]["evidence"]}) == r["expected"]["rules"]
        for ev in r["expected"]["evidence"]:
            turn = turns[ev["turn"]]
            assert turn["role"] == "agent", r["id"]
            assert turn["text"][ev["start"]:ev["end"]] == ev["text"] and ev["text"], r["id"]


def test_violations_mostly_sit_in_a_later_agent_turn(rnd):
    _, dialogs = rnd
    later = [r for r in dialogs if r["expected"]["evidence"]
             and max(ev["turn"] for ev in r["expected"]["evidence"]) > 2]
    assert len(later) >= 40


def test_both_channels_bank_greeting_and_no_contact_details(rnd):
    _, dialogs = rnd
    assert {r["input"]["channel"] for r in dialogs} == {"bot", "human"}
    for r in dialogs:
        assert "禾信银行" in r["input"]["turns"][0]["text"]
        text = " ".join(t["text"] for t in r["input"]["turns"])
        assert not re.search(r"\d{7,}|https?://|www\.", text), r["id"]


def test_clean_wealth_dialogs_carry_a_risk_disclosure(rnd):
    """A clean dialog that talks about an investment product must give the disclosure, or it is not clean."""
    import importlib

    spec, dialogs = rnd
    disclosure = importlib.import_module(f"eval.qa_compliance_{spec.variant}").D
    wealth = re.compile(r"理财|基金|私募|黄金|结构性存款|fund", re.I)
    clean_wealth = [r for r in dialogs if not r["expected"]["rules"]
                    and any(t["role"] == "agent" and wealth.search(t["text"]) for t in r["input"]["turns"][1:])]
    assert len(clean_wealth) >= 8
    for r in clean_wealth:
        assert any(disclosure in t["text"] for t in r["input"]["turns"] if t["role"] == "agent"), r["id"]


def test_round_11_dialogs_that_talk_to_a_bot_run_on_the_bot_channel(rows):
    """A customer calling the agent a robot, or asking a bot for a real person, only makes sense on the bot channel."""
    botty = re.compile(r"机器|智能客服|智能助手|\bbot\b|human agent|real person", re.I)
    round11 = [r for r in rows if r["tags"]["variant"] == "round11"]
    hits = [r for r in round11 if any(botty.search(t["text"]) for t in r["input"]["turns"][1:])]
    assert len(hits) >= 6 and all(r["input"]["channel"] == "bot" for r in hits), [r["id"] for r in hits]
