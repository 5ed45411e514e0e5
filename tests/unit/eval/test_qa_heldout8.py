"""The eighth held-out QA set (issue #19, ``heldout8``): it meets its own brief. What every such set
must hold (ids, spans, no numbers, jsonl = build, malformed rows refused) is in test_qa_heldout_sets.py."""

from __future__ import annotations

import pytest

from tests.unit.eval.test_qa_heldout_suite import _assert_brief

RULES_BY_MEANING = ("rude_language", "forbidden_promise", "handoff_refused", "unresolved_no_handoff")


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    from eval.qa_compliance_heldout8_cases import build

    return build()


def test_the_set_meets_its_brief(cases):
    _assert_brief(cases, per_rule=24, clean=30)
    assert len(cases) >= 130
    for rule in RULES_BY_MEANING:
        assert sum(rule in c["expected"]["rules"] for c in cases) >= 24, rule
    assert sum("disclosure" in c["expected"]["rules"] for c in cases) >= 12
    assert sum(not c["expected"]["rules"] for c in cases) >= 30
    assert sum(len(c["expected"]["rules"]) > 1 for c in cases) >= 6
    # the violation sits in the 2nd or 3rd agent turn of the middle (turn 4 or later) in at least 35 dialogs
    assert sum(any(ev["turn"] >= 4 for ev in c["expected"]["evidence"]) for c in cases) >= 35
    # both short (one exchange) and multi-turn dialogs, on both channels
    assert any(len(c["input"]["turns"]) == 5 for c in cases)
    assert sum(len(c["input"]["turns"]) > 5 for c in cases) >= 35
    for channel in ("bot", "human"):
        assert sum(c["input"]["channel"] == channel and bool(c["expected"]["rules"]) for c in cases) >= 30


def test_every_span_is_short(cases):
    for c in cases:
        for ev in c["expected"]["evidence"]:
            assert 4 <= len(ev["text"]) <= 20, (c["id"], ev["text"])


def test_the_bot_that_names_itself_only_speaks_on_the_bot_channel(cases):
    for c in cases:
        middle = " ".join(t["text"] for t in c["input"]["turns"][1:-1] if t["role"] == "agent")
        if "禾苗" in middle:
            assert c["input"]["channel"] == "bot", c["id"]
