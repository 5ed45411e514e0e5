"""The optional rubric judge: what it is shown, and which of its suggestions a reviewer gets to see.

The rules score every dialog; the model only suggests rubric rules the rules may have missed. A
suggestion is shown only when it can be checked against the dialog itself: it names a rule of the
loaded rubric that the rules did not already find in this dialog, and its evidence is a verbatim
quote of the agent turn it names (as the model saw it: PII-masked). Everything else is dropped and
counted — a small model's plausible-sounding guesses never reach the reviewer unanchored.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from kb.textnorm import fullwidth_to_halfwidth
from tools.pii import mask_pii
from tools.qa.dialogs import Dialog
from tools.qa.models import RubricSuggestion

#: a quote shorter than this matches almost any turn; longer than this is not a quote but a paraphrase
MIN_QUOTE, MAX_QUOTE = 2, 80
MAX_REASON = 200
#: what the prompt shows of a dialog (small models, 4k context): each turn cut, and a total budget
TURN_CHARS, DIALOG_CHARS = 200, 2400
_SPACE = re.compile(r"\s+")
_QUOTES = "\"'“”‘’「」『』"


def _norm(text: str) -> str:
    return _SPACE.sub("", fullwidth_to_halfwidth(text))


def prompt_turns(dialog: Dialog) -> tuple[list[dict], int]:
    """The dialog's turns as the prompt numbers them (1-based, masked, cut to a budget), and how many
    turns did not fit. The numbers are the ones a suggestion's ``turn`` refers to."""
    turns, used = [], 0
    for n, t in enumerate(dialog.turns, start=1):
        text = mask_pii(t.text)
        text = text if len(text) <= TURN_CHARS else text[:TURN_CHARS] + "…"
        if turns and used + len(text) > DIALOG_CHARS:
            return turns, len(dialog.turns) - len(turns)
        used += len(text)
        turns.append({"n": n, "role": "坐席" if t.role == "agent" else "客户", "text": text})
    return turns, 0


def quote_in_turn(dialog: Dialog, s: RubricSuggestion) -> bool:
    """The evidence is a 2–80 character verbatim quote of agent turn ``s.turn`` (1-based), compared
    with the masked text (whitespace and full-width letters/digits aside)."""
    i = s.turn - 1
    if not 0 <= i < len(dialog.turns) or dialog.turns[i].role != "agent":
        return False
    quote = _norm(s.evidence.strip(_QUOTES + " "))
    return MIN_QUOTE <= len(quote) <= MAX_QUOTE and quote in _norm(mask_pii(dialog.turns[i].text))


def ground_suggestions(suggestions: Iterable[RubricSuggestion], dialog: Dialog, rubric_ids: Collection[str],
                       found: Collection[str]) -> tuple[list[RubricSuggestion], int]:
    """The suggestions a reviewer is shown (masked, reason cut short) and how many were dropped:
    unknown rule id, a rule the rules already found, a quote not in the named agent turn, or a repeat."""
    kept: list[RubricSuggestion] = []
    seen: set[tuple[str, int, str]] = set()
    dropped = 0
    for s in suggestions:
        key = (s.rule_id, s.turn, _norm(s.evidence))
        if s.rule_id not in rubric_ids or s.rule_id in found or key in seen or not quote_in_turn(dialog, s):
            dropped += 1
            continue
        seen.add(key)
        kept.append(RubricSuggestion(rule_id=s.rule_id, turn=s.turn, evidence=mask_pii(s.evidence.strip(_QUOTES + " ")),
                                     reason=mask_pii(s.reason)[:MAX_REASON]))
    return kept, dropped
