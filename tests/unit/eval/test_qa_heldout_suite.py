"""The held-out QA suite of issue #19: the held-out sets, per-rule figures per set, real spans."""

from __future__ import annotations

import json

import pytest

from eval.schema import DATASETS_DIR, load_cases
from eval.suite import CaseResult
from eval.suites.qa_inspection import HELDOUT_VARIANTS, RETIRED_VARIANTS, QaComplianceHeldoutSuite, QaComplianceRetiredSuite


def test_the_second_held_out_set_is_built_as_committed_with_real_spans():
    from eval.qa_compliance_heldout_cases import OUT, build

    cases = build()
    assert len(cases) >= 60 and len({c["id"] for c in cases}) == len(cases)
    assert {c["tags"]["variant"] for c in cases} == {"heldout2", "heldout3", "heldout4", "heldout5"}
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


def _assert_brief(cases: list[dict], per_rule: int, clean: int) -> None:
    """What every independent author's set was asked for: ``per_rule`` dialogs for each rule caught by
    meaning, ≥ 10 missing disclosures, ``clean`` near-misses, some dialogs with several violations, both
    channels, and every evidence span the agent's own words inside a middle turn, one per labelled rule."""
    for rule in ("rude_language", "forbidden_promise", "handoff_refused", "unresolved_no_handoff"):
        assert sum(rule in c["expected"]["rules"] for c in cases) >= per_rule, rule
    assert sum("disclosure" in c["expected"]["rules"] for c in cases) >= 10
    assert sum(not c["expected"]["rules"] for c in cases) >= clean
    assert sum(len(c["expected"]["rules"]) > 1 for c in cases) >= 5  # several violations in one dialog
    assert {"bot", "human"} == {c["input"]["channel"] for c in cases}
    for c in cases:
        turns = c["input"]["turns"]
        assert turns[0]["role"] == turns[-1]["role"] == "agent"
        for ev in c["expected"]["evidence"]:
            assert turns[ev["turn"]]["role"] == "agent" and 0 < ev["turn"] < len(turns) - 1
            assert turns[ev["turn"]]["text"][ev["start"]:ev["end"]] == ev["text"] and ev["text"]
        assert sorted({ev["rule"] for ev in c["expected"]["evidence"]}) == c["expected"]["rules"]


def test_the_fourth_set_meets_its_brief_and_leaves_the_earlier_rows_as_they_were():
    """heldout4 (independent author): ≥ 130 dialogs, ≥ 24 per rule caught by meaning, ≥ 10 missing
    disclosures, ≥ 30 clean near-misses, both channels, every span the agent's own words."""
    from eval.qa_compliance_heldout_cases import CASES, CASES3, OUT, build

    cases = build()
    four = [c for c in cases if c["tags"]["variant"] == "heldout4"]
    assert len(four) >= 130 and len({c["id"] for c in cases}) == len(cases)
    assert cases[:len(CASES) + len(CASES3)] == [c for c in cases if c["tags"]["variant"] in ("heldout2", "heldout3")]
    _assert_brief(four, per_rule=24, clean=30)
    assert any(len(c["input"]["turns"]) > 5 for c in four)  # multi-turn, not only one exchange
    rows = OUT.read_text(encoding="utf-8").splitlines()
    start = len(CASES) + len(CASES3)
    assert [json.loads(x) for x in rows[start:start + len(four)]] == four


def test_the_fifth_set_meets_its_brief_and_is_appended_after_the_fourth():
    """heldout5 (a third independent author): ≥ 120 dialogs, ≥ 22 per rule caught by meaning, ≥ 10 missing
    disclosures, ≥ 28 clean near-misses, both channels, multi-turn, unique ids, every span the agent's own
    words — and the rows of heldout2–4 come first, unchanged, so appending it rewrote none of them."""
    from eval.qa_compliance_heldout_cases import CASES, CASES3, CASES4, CASES5, OUT, build

    cases = build()
    five = [c for c in cases if c["tags"]["variant"] == "heldout5"]
    earlier = len(CASES) + len(CASES3) + len(CASES4)
    assert len(five) == len(CASES5) >= 120 and cases[earlier:] == five
    assert len({c["id"] for c in cases}) == len(cases)
    _assert_brief(five, per_rule=22, clean=28)
    assert sum(len(c["input"]["turns"]) > 5 for c in five) >= 30  # violations in a later agent turn too
    assert all("安澜银行" in c["input"]["turns"][0]["text"] for c in five)  # its own greetings
    rows = OUT.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in rows[earlier:]] == five


def test_a_heldout5_label_quoting_only_the_customer_is_refused():
    from eval.qa_compliance_heldout_cases import _case

    with pytest.raises(ValueError, match="in no turn"):
        _case(400, "handoff_refused", ["我要人工", "您稍等。", "不转就算了"], [("handoff_refused", "不转就算了")], "heldout5")


def test_a_label_quoting_no_agent_turn_is_refused():
    from eval.qa_compliance_heldout_cases import _case

    with pytest.raises(ValueError, match="in no turn"):
        _case(200, "promise", ["能批吗", "以审批为准。", "包过吗"], [("forbidden_promise", "包过")], "heldout4")


def test_the_retired_suite_runs_round_3_and_held_out_sets_2_to_7():
    cases = QaComplianceRetiredSuite().load_cases(None)
    variants = [c.tags.variant for c in cases]
    assert variants.count("heldout") == 25
    held = len(load_cases(DATASETS_DIR / "qa_compliance_heldout.jsonl"))
    assert sum(variants.count(f"heldout{k}") for k in range(2, 6)) == held
    for k in (6, 7):
        assert variants.count(f"heldout{k}") == len(load_cases(DATASETS_DIR / f"qa_compliance_heldout{k}.jsonl"))


def test_the_held_out_suite_runs_only_the_set_nothing_was_fitted_to():
    variants = {c.tags.variant for c in QaComplianceHeldoutSuite().load_cases(None)}
    assert variants == set(HELDOUT_VARIANTS) == {"heldout8"}
    assert not set(HELDOUT_VARIANTS) & set(RETIRED_VARIANTS)


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
        _result("e", "heldout8", ["forbidden_promise"], ["forbidden_promise"], 0.25),
    ])
    assert summary["heldout8_forbidden_promise_precision"] == 1.0 and summary["heldout8_evidence_overlap"] == 0.25
    assert summary["rude_language_recall"] == 0.5 and summary["handoff_refused_precision"] == 0.5
    assert summary["heldout_rude_language_recall"] == 0.5 and summary["heldout_evidence_overlap"] == 1.0
    assert summary["heldout2_handoff_refused_precision"] == 0.5 and summary["heldout2_micro_recall"] == 1.0
    assert summary["heldout2_evidence_overlap"] == 0.5
