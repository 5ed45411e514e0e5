"""The held-out QA suite of issue #19: both held-out sets, per-rule figures per set, real spans."""

from __future__ import annotations

import json

from eval.schema import DATASETS_DIR, load_cases
from eval.suite import CaseResult
from eval.suites.qa_inspection import QaComplianceHeldoutSuite


def test_the_second_held_out_set_is_built_as_committed_with_real_spans():
    from eval.qa_compliance_heldout_cases import OUT, build

    cases = build()
    assert len(cases) >= 60 and len({c["id"] for c in cases}) == len(cases)
    assert {c["tags"]["variant"] for c in cases} == {"heldout2", "heldout3"}
    assert sum(c["tags"]["variant"] == "heldout2" for c in cases) >= 60
    assert sum(not c["expected"]["rules"] for c in cases) >= 15  # clean near-misses
    assert {"bot", "human"} == {c["input"]["channel"] for c in cases}
    for c in cases:
        for ev in c["expected"]["evidence"]:
            assert c["input"]["turns"][ev["turn"]]["text"][ev["start"]:ev["end"]] == ev["text"]
        assert sorted({ev["rule"] for ev in c["expected"]["evidence"]}) == c["expected"]["rules"]
    for rule in ("rude_language", "forbidden_promise", "handoff_refused", "unresolved_no_handoff"):
        assert sum(rule in c["expected"]["rules"] for c in cases) >= 10, rule
    assert [json.loads(x) for x in OUT.read_text(encoding="utf-8").splitlines()] == cases


def test_the_suite_runs_round_3_and_the_second_set():
    cases = QaComplianceHeldoutSuite().load_cases(None)
    variants = [c.tags.variant for c in cases]
    assert variants.count("heldout") == 25
    assert variants.count("heldout2") + variants.count("heldout3") == len(load_cases(DATASETS_DIR / "qa_compliance_heldout.jsonl"))


def _result(cid: str, variant: str, expected: list[str], predicted: list[str], overlap: float | None) -> CaseResult:
    scores = {"evidence_overlap": overlap} if overlap is not None else {}
    return CaseResult(id=cid, suite="qa_compliance_heldout", passed=expected == predicted, scores=scores,
                      output={"expected": expected, "predicted": predicted}, tags={"variant": variant})


def test_summary_reports_per_rule_figures_for_each_held_out_set():
    summary = QaComplianceHeldoutSuite().summarize([
        _result("a", "heldout", ["rude_language"], ["rude_language"], 1.0),
        _result("b", "heldout", ["rude_language"], [], None),
        _result("c", "heldout2", ["handoff_refused"], ["handoff_refused"], 0.5),
        _result("d", "heldout2", [], ["handoff_refused"], None),
    ])
    assert summary["rude_language_recall"] == 0.5 and summary["handoff_refused_precision"] == 0.5
    assert summary["heldout_rude_language_recall"] == 0.5 and summary["heldout_evidence_overlap"] == 1.0
    assert summary["heldout2_handoff_refused_precision"] == 0.5 and summary["heldout2_micro_recall"] == 1.0
    assert summary["heldout2_evidence_overlap"] == 0.5
