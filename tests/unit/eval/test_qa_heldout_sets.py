"""What every held-out QA set with its own generator must hold (heldout6–8, issue #19): ids, tags and
channels as specified, every span the agent's own words, no phone number or URL, greetings that name the
bank, the committed jsonl exactly what the generator builds, and malformed rows refused. Each set's brief
(its counts) is checked in its own test file."""

from __future__ import annotations

import importlib
import json
import re

import pytest

SETS = (6, 7, 8)


def _module(n: int):
    return importlib.import_module(f"eval.qa_compliance_heldout{n}_cases")


@pytest.fixture(scope="module", params=SETS, ids=[f"heldout{n}" for n in SETS])
def built(request) -> tuple[int, list[dict]]:
    return request.param, _module(request.param).build()


def test_ids_tags_and_channels_are_as_specified(built):
    n, cases = built
    assert [c["id"] for c in cases] == [f"qah{n}_{i:03d}" for i in range(1, len(cases) + 1)]
    assert len({c["id"] for c in cases}) == len(cases)
    for i, c in enumerate(cases, start=1):
        assert c["input"]["id"] == c["id"] and c["input"]["complete"] is True
        assert c["input"]["channel"] == ("bot" if i % 2 else "human")
        assert c["tags"] == {"difficulty": "hard", "category": c["tags"]["category"], "variant": f"heldout{n}"}
        assert c["tags"]["category"]


def test_every_span_is_inside_its_agent_turn(built):
    _, cases = built
    for c in cases:
        turns = c["input"]["turns"]
        for ev in c["expected"]["evidence"]:
            assert turns[ev["turn"]]["role"] == "agent", c["id"]
            assert turns[ev["turn"]]["text"][ev["start"]:ev["end"]] == ev["text"], c["id"]


def test_no_turn_quotes_a_phone_number_or_url(built):
    _, cases = built
    for c in cases:
        for t in c["input"]["turns"]:
            assert not re.search(r"\d{5,}", t["text"]), (c["id"], t["text"])
            assert "http" not in t["text"] and "www." not in t["text"], (c["id"], t["text"])


@pytest.mark.parametrize("n", SETS)
def test_greetings_and_closings_name_the_default_bank_and_no_number(n):
    mod = _module(n)
    greetings, closings = getattr(mod, f"GREETINGS{n}"), getattr(mod, f"CLOSINGS{n}")
    for table in (greetings, closings):
        assert set(table) == {"bot", "human"}
        for lines in table.values():
            assert lines and all(not re.search(r"\d{3,}", t) for t in lines)
    assert all("禾信银行" in g for lines in greetings.values() for g in lines)


def test_the_committed_jsonl_is_what_build_writes(built):
    n, cases = built
    assert [json.loads(x) for x in _module(n).OUT.read_text(encoding="utf-8").splitlines()] == cases


@pytest.mark.parametrize("n", SETS)
def test_a_label_quoting_no_agent_turn_is_refused(n):
    # the words are the customer's, so no agent turn quotes them
    with pytest.raises(ValueError, match="in no turn"):
        _module(n)._case(1, "rude", ["你们真烦人", "抱歉，我马上帮您查。", "好"], [("rude_language", "你们真烦人")])


@pytest.mark.parametrize("n", SETS)
def test_a_middle_that_does_not_end_with_the_customer_is_refused(monkeypatch, n):
    mod = _module(n)
    monkeypatch.setattr(mod, f"CASES{n}", [("clean", ["你好", "您好"], [])])
    with pytest.raises(ValueError, match="start and end with the customer"):
        mod.build()


@pytest.mark.parametrize("n", (7, 8))
def test_the_summary_counts_what_the_rows_say(n):
    mod = _module(n)
    cases = mod.build()
    counts = mod.summary(cases)
    assert counts["clean"] + sum(1 for c in cases if c["expected"]["rules"]) == len(cases)
    assert counts["bot"] == sum(c["input"]["channel"] == "bot" for c in cases) == len(cases) // 2
    for rule in ("rude_language", "forbidden_promise", "handoff_refused", "unresolved_no_handoff", "disclosure"):
        assert counts[rule] == sum(rule in c["expected"]["rules"] for c in cases), rule
