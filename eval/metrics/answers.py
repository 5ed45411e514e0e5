"""Answer-level checks without an LLM: FAQ id / key facts, citation support, hand-off correctness."""

from __future__ import annotations

import re
from collections.abc import Sequence

_NUM = re.compile(r"\d+(?:\.\d+)?%?")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def answer_correct(predicted_faq: str | None, expected_faq: str | None, handed_off: bool, expect_handoff: bool) -> float:
    """1.0 when the bot answered with the expected FAQ, or handed off when a hand-off was expected."""
    if expect_handoff:
        return 1.0 if handed_off else 0.0
    return 1.0 if expected_faq is not None and predicted_faq == expected_faq else 0.0


def key_facts_recall(answer: str, facts: Sequence[str]) -> float:
    """Share of expected key facts (strings) present in the answer; no facts → 1.0 (nothing to miss)."""
    if not facts:
        return 1.0
    return sum(f in answer for f in facts) / len(facts)


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if _CJK.match(c) or c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:])}


def sentence_supported(sentence: str, passage: str, min_overlap: float = 0.5) -> bool:
    """A sentence is supported when every number in it occurs in the passage and enough of its
    character bigrams do (Chinese has no spaces, so bigrams stand in for words)."""
    if any(n not in passage for n in _NUM.findall(sentence)):
        return False
    grams = _bigrams(sentence)
    if not grams:
        return True
    return len(grams & _bigrams(passage)) / len(grams) >= min_overlap


def citation_support(sentences: Sequence[tuple[str, Sequence[str]]], min_overlap: float = 0.5) -> float:
    """Share of cited sentences supported by at least one of their cited passages.

    ``sentences`` = [(sentence, [cited passage text, …]), …]; a sentence citing nothing is unsupported.
    No sentences → 1.0 (an empty answer makes no unsupported claim).
    """
    if not sentences:
        return 1.0
    ok = sum(any(sentence_supported(s, p, min_overlap) for p in cited) for s, cited in sentences)
    return ok / len(sentences)


def handoff_correct(handed_off: bool, expect_handoff: bool) -> float:
    return 1.0 if handed_off == expect_handoff else 0.0
