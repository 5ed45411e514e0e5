"""The sixth held-out QA set (issue #19, ``heldout6``): it meets its own brief. What every such set
must hold (ids, spans, no numbers, jsonl = build, malformed rows refused) is in test_qa_heldout_sets.py."""

from __future__ import annotations

import pytest

from tests.unit.eval.test_qa_heldout_suite import _assert_brief

RULES_BY_MEANING = ("rude_language", "forbidden_promise", "handoff_refused", "unresolved_no_handoff")


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    from eval.qa_compliance_heldout6_cases import build

    return build()


def test_the_set_meets_its_brief(cases):
    _assert_brief(cases, per_rule=24, clean=30)
    assert len(cases) >= 130
    assert sum("disclosure" in c["expected"]["rules"] for c in cases) >= 12
    assert sum(len(c["expected"]["rules"]) > 1 for c in cases) >= 6
    # the violation sits in the 2nd or 3rd agent turn of the middle (turn 4 or later) in at least 35 dialogs
    assert sum(any(ev["turn"] >= 4 for ev in c["expected"]["evidence"]) for c in cases) >= 35
    for rule in RULES_BY_MEANING:
        assert sum(rule in c["expected"]["rules"] for c in cases) >= 24, rule


def test_a_self_naming_bot_only_speaks_on_the_bot_channel(cases):
    for c in cases:
        middle = " ".join(t["text"] for t in c["input"]["turns"][1:-1] if t["role"] == "agent")
        if "小助手" in middle or "小禾" in middle:
            assert c["input"]["channel"] == "bot", c["id"]
