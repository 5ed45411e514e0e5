"""「您是不是想问」: the standard questions offered when no FAQ entry is sure enough to answer verbatim.

Issue #13 part 3. Below the verbatim threshold an approved answer is not shown (there, too many of
them would be for another question), yet the right standard question is often among the matcher's
top candidates. Offering them lets the customer get the approved answer in one click — sending the
question back scores it against itself, far above the threshold — instead of waiting for a human.
Offered only in place of a "not sure" reply (never beside a grounded answer, a complaint or a hand-off),
and only candidates that are about what was asked (the topic check) and above the calibrated
suggestion floor (``MatchParams.suggest_threshold``): a list of unrelated questions helps nobody.
"""

from __future__ import annotations

from collections.abc import Sequence

from agents.customer_service.compose import reply_text
from agents.customer_service.schemas import FaqHit, Suggestion
from tools.cs.policy import DEFAULT_BANK_NAME

MAX_SUGGESTIONS = 3


def suggestions(hits: Sequence[FaqHit], floor: float, k: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Up to ``k`` candidates, best first: topic agrees, score at or above ``floor``, one per entry."""
    out: list[Suggestion] = []
    for h in sorted(hits, key=lambda h: -h.score):
        if len(out) >= k:
            break
        if h.topic_ok and h.score >= floor and all(s.faq_id != h.faq_id for s in out):
            out.append(Suggestion(faq_id=h.faq_id, question=h.question, score=min(1.0, max(0.0, h.score))))
    return out


def suggestion_text(offered: Sequence[Suggestion], hotline: str, bank: str = DEFAULT_BANK_NAME) -> str:
    """The reply that lists the suggestions (numbered, in the order offered), from replies.yaml."""
    lines = "\n".join(f"{i}. {s.question}" for i, s in enumerate(offered, 1))
    outro = reply_text("suggest.outro", bank=bank, hotline=hotline)
    return f"{reply_text('suggest.intro', bank=bank)}\n{lines}\n{outro}"
