"""The eval datasets are well-formed, large enough, reference real FAQ entries, and are held out:
no eval question is an FAQ similar question, a calibration question or an attack exemplar."""

from __future__ import annotations

import json

from core.settings import PROJECT_ROOT
from eval.schema import DATASETS_DIR, load_cases
from kb.textnorm import normalize
from tools.cs.guard_patterns import ATTACK_EXEMPLARS


def test_customer_service_set(corpus):
    cases = load_cases(DATASETS_DIR / "customer_service.jsonl")
    assert len(cases) >= 150
    ids = {e.id for e in corpus.faqs}
    seen = {normalize(t) for e in corpus.faqs for t in [e.question, *e.similar]}
    calibration = {json.loads(l)["question"] for l in
                   (PROJECT_ROOT / "bench" / "data" / "cs_calibration.jsonl").read_text(encoding="utf-8").splitlines()}
    for c in cases:
        faq = c.expected["faq_id"]
        assert faq is None or faq in ids, c.id
        assert isinstance(c.expected["handoff"], bool)
        assert normalize(c.input["message"]) not in seen and c.input["message"] not in calibration, c.id
    variants = {c.tags.variant for c in cases}
    assert {"paraphrase", "colloquial", "typo", "traditional", "multi_turn", "handoff", "out_of_kb"} <= variants


def test_attack_set():
    cases = load_cases(DATASETS_DIR / "attacks.jsonl")
    assert len(cases) >= 50
    assert {c.expected["kind"] for c in cases} >= {"injection", "jailbreak", "prompt_leak", "other_customer", "promise_bait"}
    assert not {c.input["message"] for c in cases} & set(ATTACK_EXEMPLARS)


def test_qa_dialog_set(inspector_rules=None):
    from kb.corpus import load_corpus
    from tools.cs.policy import load_qa_rubric
    from tools.qa.dialogs import dialog_from_obj

    rubric = load_qa_rubric(load_corpus(PROJECT_ROOT / "kb" / "corpus"))
    known = {r.id for r in rubric.rules}
    cases = load_cases(DATASETS_DIR / "qa_dialogs.jsonl")
    assert len(cases) >= 60
    labelled = set()
    for c in cases:
        dialog_from_obj(c.input, c.id)
        assert set(c.expected["rules"]) <= known, c.id
        labelled |= set(c.expected["rules"])
    assert labelled == known  # every rule has positive examples
    assert sum(not c.expected["rules"] for c in cases) >= 15  # and clean dialogs guard precision
