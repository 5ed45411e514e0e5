"""The self-service method (eval/self_service.py): split, replayed verbatim decision, the threshold
chosen for a precision floor, the measured figures, and the suite's per-set summary."""

from __future__ import annotations

import pytest

from eval.self_service import (
    NEVER,
    Candidate,
    Question,
    TurnRecord,
    choose_threshold,
    measured_figures,
    operating_point,
    precision_lower_bound,
    split_halves,
    verbatim_at,
)
from eval.suite import CaseResult


def rec(gold: str | None, *cands: tuple[str, float, bool], outcome: str = "not_sure", faq_id: str | None = None,
        handed_off: bool = False, suggestions: tuple[str, ...] = (), expect_handoff: bool = False) -> TurnRecord:
    return TurnRecord(Question("q", "m", gold, expect_handoff), outcome, faq_id, handed_off,
                      [Candidate(f, s, ok) for f, s, ok in cands], list(suggestions))


def test_split_is_seeded_disjoint_and_complete():
    items = list(range(11))
    cal, test = split_halves(items, seed=3)
    assert (cal, test) == split_halves(items, seed=3)
    assert len(cal) == 5 and len(test) == 6 and sorted(cal + test) == items
    assert split_halves(items, seed=4) != (cal, test)


def test_the_replayed_decision_is_the_best_agreeing_candidate_at_the_threshold():
    r = rec("a", ("b", 0.9, False), ("a", 0.6, True), ("c", 0.4, True))
    assert verbatim_at(r, 0.5).faq_id == "a"  # the higher one is about something else
    assert verbatim_at(r, 0.7) is None
    assert verbatim_at(rec("a"), 0.0) is None  # the turn never reached the FAQ matcher


def test_the_lowest_threshold_meeting_the_precision_floor_is_chosen():
    # scores of right answers 0.9, 0.8, 0.7, 0.3; wrong ones 0.5, 0.2: precision ≥ 0.75 first at t=0.21
    records = [rec("a", ("a", 0.9, True)), rec("a", ("a", 0.8, True)), rec("a", ("a", 0.7, True)),
               rec("a", ("a", 0.3, True)), rec("a", ("x", 0.5, True)), rec("a", ("x", 0.2, True))]
    assert choose_threshold(records, 1.0, confidence=0.0).threshold == 0.51
    point = choose_threshold(records, 0.75, confidence=0.0)
    assert (point.threshold, point.answered, point.right) == (0.21, 5, 4)
    assert operating_point(records, 0.51).self_service == 0.5
    never = choose_threshold([rec("a", ("x", 0.9, True))], 0.95, confidence=0.0)
    assert never.threshold == NEVER and never.answered == 0


def test_the_bound_not_the_observed_share_must_reach_the_target():
    # Clopper–Pearson one-sided: 0 errors in n answers bound the precision at (1 - confidence) ** (1 / n)
    assert precision_lower_bound(45, 45, 0.9) == pytest.approx(0.1 ** (1 / 45))
    assert precision_lower_bound(19, 20, 0.0) == 0.95 and precision_lower_bound(0, 5, 0.9) == 0.0
    assert precision_lower_bound(95, 100, 0.9) < 0.95 < precision_lower_bound(990, 1000, 0.9)
    with pytest.raises(ValueError, match="confidence"):
        precision_lower_bound(1, 1, 1.0)
    # 40 right answers above 0.8, then 2 wrong among 40 right ones between 0.5 and 0.8
    records = [rec("a", ("a", 0.81 + i * 0.004, True)) for i in range(40)]
    records += [rec("a", ("a", 0.51 + i * 0.007, True)) for i in range(40)]
    records += [rec("a", ("x", 0.6, True)), rec("a", ("x", 0.7, True))]
    observed = choose_threshold(records, 0.95, confidence=0.0)
    assert observed.threshold == 0.01 and observed.precision == pytest.approx(80 / 82)  # 0.976 ≥ 0.95: all answered
    bounded = choose_threshold(records, 0.95, confidence=0.9)
    assert bounded.lower_bound(0.9) >= 0.95 and bounded.right == bounded.answered
    assert bounded.threshold > 0.7 and bounded.answered >= 45  # 0 errors need 45 answers for 95% at 90%
    assert choose_threshold(records[:30], 0.95).threshold == NEVER  # too few answers to guarantee it


def test_a_hand_off_entry_is_right_where_a_hand_off_is_expected():
    r = TurnRecord(Question("q", "m", None, True), "faq", "faq_c", True, [Candidate("faq_c", 0.9, True, True)])
    assert r.right("faq_c", r.hands_off("faq_c")) and not rec(None).right("faq_c")


def test_measured_figures_count_what_the_bot_did():
    records = [rec("a", outcome="faq", faq_id="a"), rec("a", outcome="faq", faq_id="b"),
               rec("a", outcome="not_sure", handed_off=True, suggestions=("c", "a")),
               rec("b", outcome="not_sure", handed_off=True, suggestions=("c",)), rec(None, outcome="grounded")]
    f = measured_figures(records)
    assert f["verbatim_precision"] == 0.5 and f["self_service_rate"] == 0.4
    assert f["handoff_share"] == 0.4 and f["other_answer_share"] == 0.2
    assert f["suggested_share"] == 0.4 and f["suggestion_hit"] == 0.5


def test_the_suite_summary_gives_each_sets_threshold_and_test_figures():
    from eval.suites.cs_self_service import CsSelfServiceSuite

    def result(i, set_name, outcome, faq_id, gold):
        return CaseResult(id=f"{set_name}:{i}", suite="cs_self_service", passed=True, scores={"verbatim": 1.0},
                          expected={"faq_id": gold, "handoff": False}, tags={"category": set_name},
                          output={"set": set_name, "outcome": outcome, "faq_id": faq_id, "handed_off": outcome != "faq",
                                  "suggestions": [], "threshold": 0.42, "calibration_precision": 0.96,
                                  "calibration_self_service": 0.5, "candidates": [[faq_id or "x", 0.5, True, False]]})

    suite = CsSelfServiceSuite()
    out = suite.summarize([result(1, "own", "faq", "a", "a"), result(2, "own", "not_sure", None, "a"),
                           result(3, "unionpay", "faq", "b", "c")])
    assert out["own.threshold"] == 0.42 and out["own.verbatim_precision"] == 1.0 and out["own.self_service_rate"] == 0.5
    assert out["own.handoff_share"] == 0.5 and out["unionpay.verbatim_precision"] == 0.0
    assert "own.verbatim_precision" not in suite.ungated and "own.threshold" in suite.ungated
