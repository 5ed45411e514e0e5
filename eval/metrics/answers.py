"""Answer-level checks without an LLM: FAQ id / key facts, citation support, hand-off correctness."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

# One definition of "supported" for the bot's grounding check and these metrics.
from agents.common.grounding import bigrams, check_grounding, sentence_supported

__all__ = ["answer_correct", "citation_support", "claim_support", "handoff_correct", "key_facts_recall",
           "reference_overlap", "sentence_supported"]


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


def claim_support(answer: str, passages: Mapping[str, str] | Sequence[str],
                  product_terms: Collection[str] = ()) -> tuple[float, list[str]]:
    """(share of claim sentences supported by the passages, the unsupported sentences).

    The rule-based faithfulness judge: the bot's own grounding check (``check_grounding``: a sentence
    with a number or a product term is a claim; ``[n]`` markers point it at passage n) scored as a
    fraction instead of a yes/no. An answer with no claim sentence makes no unsupported claim → 1.0.
    """
    report = check_grounding(answer, passages, product_terms=product_terms)
    claims = [s for s in report.sentences if s.needs_support]
    if not claims:
        return 1.0, []
    return sum(s.supported for s in claims) / len(claims), report.unsupported


def reference_overlap(answer: str, reference: str) -> float:
    """F1 of the character bigrams of the answer and a reference answer (ROUGE-2 on characters:
    Chinese has no spaces). The rule-based helpfulness judge; either side empty → 0.0."""
    got, want = bigrams(answer), bigrams(reference)
    common = len(got & want)
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(want)
    return 2 * precision * recall / (precision + recall)
