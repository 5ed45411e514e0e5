"""The retrieval dataset stays valid against the corpus it points into (ids renamed → caught here)."""

from __future__ import annotations

from collections import Counter

import pytest

from core.settings import PROJECT_ROOT
from eval.schema import DATASETS_DIR, load_cases
from kb.corpus import load_corpus


@pytest.fixture(scope="module")
def cases():
    return load_cases(DATASETS_DIR / "retrieval.jsonl")


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(PROJECT_ROOT / "kb" / "corpus")


def test_every_expected_document_exists_with_the_right_category(cases, corpus):
    kinds = {**{i: "industry" for i in corpus.industries}, **{p: "product" for p in corpus.products},
             **{f.id: "faq" for f in corpus.faqs}}
    for case in cases:
        doc = case.expected["doc_id"]
        assert doc in kinds, f"{case.id}: {doc} is not in the corpus"
        assert case.tags.category == kinds[doc], case.id
        if "type" in case.input:
            assert case.input["type"] == kinds[doc], f"{case.id}: type filter excludes its own answer"


def test_coverage_and_variants(cases):
    docs = {cat: {c.expected["doc_id"] for c in cases if c.tags.category == cat}
            for cat in ("industry", "product", "faq")}
    assert len(cases) >= 150
    assert len(docs["industry"]) >= 70 and len(docs["product"]) == 13 and len(docs["faq"]) >= 40
    variants = Counter(c.tags.variant for c in cases)
    assert set(variants) == {"standard", "colloquial", "typo", "traditional"}
    assert 0.10 <= 1 - variants["standard"] / len(cases) <= 0.25
    assert {c.tags.difficulty for c in cases} == {"easy", "medium", "hard"}
    assert sum("type" in c.input for c in cases) >= 10


def test_questions_are_not_copied_from_faq_wording(cases, corpus):
    """An FAQ question must not be its entry's standard or similar question verbatim (that tests nothing)."""
    wording = {f.id: {f.question, *f.similar} for f in corpus.faqs}
    for case in cases:
        if case.tags.category == "faq":
            assert case.input["query"] not in wording[case.expected["doc_id"]], case.id
