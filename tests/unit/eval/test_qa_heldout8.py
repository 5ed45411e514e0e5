"""The eighth held-out QA set (issue #19, ``heldout8``): it meets its brief, its spans are the agent's own
words, and the committed jsonl is what the generator builds. Not wired into any suite: it is measured once."""

from __future__ import annotations

import json
import re

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


def test_ids_tags_and_channels_are_as_specified(cases):
    assert [c["id"] for c in cases] == [f"qah8_{i:03d}" for i in range(1, len(cases) + 1)]
    assert len({c["id"] for c in cases}) == len(cases)
    for i, c in enumerate(cases, start=1):
        assert c["input"]["id"] == c["id"] and c["input"]["complete"] is True
        assert c["input"]["channel"] == ("bot" if i % 2 else "human")
        assert c["tags"] == {"difficulty": "hard", "category": c["tags"]["category"], "variant": "heldout8"}
        assert c["tags"]["category"]


def test_every_span_is_short_and_inside_its_agent_turn(cases):
    for c in cases:
        turns = c["input"]["turns"]
        for ev in c["expected"]["evidence"]:
            assert turns[ev["turn"]]["role"] == "agent", c["id"]
            assert turns[ev["turn"]]["text"][ev["start"]:ev["end"]] == ev["text"], c["id"]
            assert 4 <= len(ev["text"]) <= 20, (c["id"], ev["text"])


def test_no_turn_quotes_a_phone_number_or_url(cases):
    for c in cases:
        for t in c["input"]["turns"]:
            assert not re.search(r"\d{5,}", t["text"]), (c["id"], t["text"])
            assert "http" not in t["text"] and "www." not in t["text"], (c["id"], t["text"])


def test_greetings_and_closings_name_the_default_bank_and_no_number():
    from eval.qa_compliance_heldout8_cases import CLOSINGS8, GREETINGS8

    for table in (GREETINGS8, CLOSINGS8):
        assert set(table) == {"bot", "human"}
        for lines in table.values():
            assert lines and all(not re.search(r"\d{3,}", t) for t in lines)
    assert all("禾信银行" in g for lines in GREETINGS8.values() for g in lines)


def test_the_bot_that_names_itself_only_speaks_on_the_bot_channel(cases):
    for c in cases:
        middle = " ".join(t["text"] for t in c["input"]["turns"][1:-1] if t["role"] == "agent")
        if "禾苗" in middle:
            assert c["input"]["channel"] == "bot", c["id"]


def test_the_committed_jsonl_is_what_build_writes(cases):
    from eval.qa_compliance_heldout8_cases import OUT

    assert [json.loads(x) for x in OUT.read_text(encoding="utf-8").splitlines()] == cases


def test_a_label_quoting_no_agent_turn_is_refused():
    from eval.qa_compliance_heldout8_cases import _case

    # the words are the customer's, so no agent turn quotes them
    with pytest.raises(ValueError, match="in no turn"):
        _case(1, "rude", ["你们真烦人", "抱歉，我马上帮您查。", "好"], [("rude_language", "你们真烦人")])


def test_a_middle_that_does_not_end_with_the_customer_is_refused(monkeypatch):
    import eval.qa_compliance_heldout8_cases as mod

    monkeypatch.setattr(mod, "CASES8", [("clean", ["你好", "您好"], [])])
    with pytest.raises(ValueError, match="start and end with the customer"):
        mod.build()


def test_the_summary_counts_what_the_rows_say(cases):
    from eval.qa_compliance_heldout8_cases import summary

    counts = summary(cases)
    assert counts["clean"] + sum(1 for c in cases if c["expected"]["rules"]) == len(cases)
    assert counts["bot"] == sum(c["input"]["channel"] == "bot" for c in cases) == len(cases) // 2
    for rule in RULES_BY_MEANING + ("disclosure",):
        assert counts[rule] == sum(rule in c["expected"]["rules"] for c in cases), rule
