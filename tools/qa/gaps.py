"""Knowledge-base gap candidates: customer questions that a dialog left unanswered.

From the bot's transcripts the signal is explicit (each bot turn records its outcome and confidence);
from human-agent dialogs it is the agent saying it does not know. Near-duplicate questions are
grouped so the KB team sees "asked 7 times" rather than seven rows.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from tools.cs.phrases import contains_any
from tools.qa.dialogs import Dialog
from tools.qa.models import GapCandidate

LOW_CONFIDENCE = 0.5
_PUNCT = re.compile(r"[\W_]+")


def _question_before(dialog: Dialog, turn: int) -> int | None:
    return next((j for j in range(turn - 1, -1, -1) if dialog.turns[j].role == "customer"), None)


def find_gaps(dialog: Dialog, agent_unable: list[str]) -> list[GapCandidate]:
    out: list[GapCandidate] = []
    seen: set[int] = set()
    for i, t in enumerate(dialog.turns):
        if t.role != "agent":
            continue
        outcome = t.meta.get("outcome")
        confidence = t.meta.get("confidence")
        if outcome == "not_sure":
            reason = "bot_not_sure"
        elif outcome in ("grounded", "faq") and isinstance(confidence, (int, float)) and confidence < LOW_CONFIDENCE:
            reason = "bot_low_confidence"
        elif dialog.channel == "human" and contains_any(t.text, agent_unable):
            reason = "agent_unable"
        else:
            continue
        q = _question_before(dialog, i)
        if q is not None and q not in seen:
            seen.add(q)
            out.append(GapCandidate(question=dialog.turns[q].text, dialog_id=dialog.id, turn=q, reason=reason))  # type: ignore[arg-type]
    last = dialog.turns[-1]
    if dialog.complete and last.role == "customer" and re.search(r"[？?]\s*$", last.text):
        idx = len(dialog.turns) - 1
        if idx not in seen:
            out.append(GapCandidate(question=last.text, dialog_id=dialog.id, turn=idx, reason="unanswered"))
    return out


class GapGroup(BaseModel):
    question: str
    count: int
    dialog_ids: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)


def _grams(text: str) -> set[str]:
    t = _PUNCT.sub("", text)
    return {t[i:i + 2] for i in range(len(t) - 1)} or {t}


def group_gaps(gaps: list[GapCandidate], similarity: float = 0.6) -> list[GapGroup]:
    """Greedy grouping by character-bigram Jaccard similarity; biggest groups first."""
    groups: list[tuple[set[str], GapGroup]] = []
    for g in gaps:
        grams = _grams(g.question)
        for rep, group in groups:
            if len(grams & rep) / max(1, len(grams | rep)) >= similarity:
                group.count += 1
                group.dialog_ids.append(g.dialog_id)
                if g.reason not in group.reasons:
                    group.reasons.append(g.reason)
                break
        else:
            groups.append((grams, GapGroup(question=g.question, count=1, dialog_ids=[g.dialog_id], reasons=[g.reason])))
    return sorted((g for _, g in groups), key=lambda g: -g.count)
