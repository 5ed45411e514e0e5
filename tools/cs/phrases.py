"""Phrase detectors shared by the bot's reply check and the QA inspector, with character spans.

Forbidden promises are the subtle part: a reply that says "理财不保本" or "所谓包过都是骗局" is a
correct warning, not a promise. A phrase counts only when no negating or reported-speech word stands
before it in the same clause (within ``negator_window`` characters) and no debunking word follows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.cs.policy import PromisePolicy

_CLAUSE_END = re.compile(r"[，。！？；,.!?;\n]")
_EN_NEGATORS = ("not ", "no ", "never ", "n't ", "cannot ", "can't ")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    label: str = ""


def find_phrases(text: str, phrases: list[str], label: str = "") -> list[Span]:
    """Every occurrence of any phrase, longest first and non-overlapping, in text order."""
    taken: list[Span] = []
    for phrase in sorted(set(p for p in phrases if p), key=len, reverse=True):
        start = text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            if all(end <= s.start or start >= s.end for s in taken):
                taken.append(Span(start, end, phrase, label or phrase))
            start = text.find(phrase, start + 1)
    return sorted(taken, key=lambda s: s.start)


def _clause_before(text: str, start: int, window: int) -> str:
    piece = text[max(0, start - window):start]
    cut = [m.end() for m in _CLAUSE_END.finditer(piece)]
    return piece[cut[-1]:] if cut else piece


def _clause_after(text: str, end: int, window: int) -> str:
    piece = text[end:end + window]
    m = _CLAUSE_END.search(piece)
    return piece[:m.start()] if m else piece


def is_negated(text: str, span: Span, policy: PromisePolicy) -> bool:
    before = _clause_before(text, span.start, policy.negator_window)
    for token in policy.negator_exclusions:
        before = before.replace(token, "#" * len(token))
    if any(n in before for n in policy.negators):
        return True
    after = _clause_after(text, span.end, policy.negator_window)
    return any(p in after for p in policy.post_negators)


def find_promises(text: str, policy: PromisePolicy) -> list[Span]:
    """Forbidden promise phrases that are asserted (not negated or reported), Chinese and English."""
    found = [s for s in find_phrases(text, policy.phrases, "forbidden_promise") if not is_negated(text, s, policy)]
    lower = text.lower()
    for phrase in policy.english_phrases:
        start = lower.find(phrase.lower())
        while start >= 0:
            before = lower[max(0, start - 12):start]
            if not any(n in before for n in _EN_NEGATORS):
                found.append(Span(start, start + len(phrase), text[start:start + len(phrase)], "forbidden_promise"))
            start = lower.find(phrase.lower(), start + 1)
    return sorted(found, key=lambda s: s.start)


def contains_any(text: str, phrases: list[str]) -> bool:
    return any(p and p in text for p in phrases)
