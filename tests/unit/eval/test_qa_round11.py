"""Round 11 of the QA training dialogs (eval/qa_compliance_round11.py, issue #19): the brief's minimums
per rule (with the heavier weight on quiet rudeness, deflection, jargon promises and innocent
look-alikes), evidence that really quotes an agent turn, and the 872 rows before it left byte-for-byte
alone — earlier classifiers and held-out figures are only comparable if their data did not move."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter

import pytest

from eval.qa_compliance_cases import OUT, build

#: the 872 rows of qa_compliance_dialogs.jsonl before round 11 (sha256 of those lines, newline included)
EARLIER_ROWS, EARLIER_SHA256 = 872, "447bba4e659bec6437a3c84edcabac6093424ac6c2555b589a812547b0a7df0b"
MINIMUMS = {"rude_language": 35, "forbidden_promise": 30, "handoff_refused": 28, "unresolved_no_handoff": 35,
            "disclosure": 12}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def round11(rows) -> list[dict]:
    return [r for r in rows if r["tags"]["variant"] == "round11"]


def test_the_rows_before_round_11_are_byte_identical():
    lines = OUT.read_bytes().splitlines(keepends=True)
    assert hashlib.sha256(b"".join(lines[:EARLIER_ROWS])).hexdigest() == EARLIER_SHA256


def test_round_11_is_appended_after_the_earlier_rows(rows):
    variants = [r["tags"]["variant"] for r in rows]
    first = variants.index("round11")
    assert first == EARLIER_ROWS and set(variants[first:]) == {"round11"}


def test_committed_file_is_what_the_generator_builds(rows):
    assert rows == build()


def test_round_11_count_and_per_rule_minimums(round11):
    assert len(round11) >= 160
    per_rule = Counter(rule for r in round11 for rule in r["expected"]["rules"])
    for rule, least in MINIMUMS.items():
        assert per_rule[rule] >= least, rule
    assert sum(1 for r in round11 if not r["expected"]["rules"]) >= 50
    assert sum(1 for r in round11 if len(r["expected"]["rules"]) >= 2) >= 5


def test_ids_are_unique_across_the_whole_file(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) and all(r["input"]["id"] == r["id"] for r in rows)


def test_evidence_quotes_its_own_agent_turn(round11):
    for r in round11:
        turns = r["input"]["turns"]
        assert sorted({ev["rule"] for ev in r["expected"]["evidence"]}) == r["expected"]["rules"]
        for ev in r["expected"]["evidence"]:
            turn = turns[ev["turn"]]
            assert turn["role"] == "agent", r["id"]
            assert turn["text"][ev["start"]:ev["end"]] == ev["text"] and ev["text"], r["id"]


def test_violations_mostly_sit_in_a_later_agent_turn(round11):
    later = [r for r in round11 if r["expected"]["evidence"]
             and max(ev["turn"] for ev in r["expected"]["evidence"]) > 2]
    assert len(later) >= 40


def test_both_channels_bank_greeting_and_no_contact_details(round11):
    assert {r["input"]["channel"] for r in round11} == {"bot", "human"}
    for r in round11:
        assert "禾信银行" in r["input"]["turns"][0]["text"]
        text = " ".join(t["text"] for t in r["input"]["turns"])
        assert not re.search(r"\d{7,}|https?://|www\.", text), r["id"]


def test_clean_wealth_dialogs_carry_a_risk_disclosure(round11):
    """A clean dialog that talks about an investment product must give the disclosure, or it is not clean."""
    from eval.qa_compliance_round11 import D

    wealth = re.compile(r"理财|基金|私募|黄金|结构性存款|fund", re.I)
    clean_wealth = [r for r in round11 if not r["expected"]["rules"]
                    and any(t["role"] == "agent" and wealth.search(t["text"]) for t in r["input"]["turns"][1:])]
    assert len(clean_wealth) >= 8
    for r in clean_wealth:
        assert any(D in t["text"] for t in r["input"]["turns"] if t["role"] == "agent"), r["id"]



def test_dialogs_that_talk_to_a_bot_run_on_the_bot_channel(round11):
    """A customer calling the agent a robot, or asking a bot for a real person, only makes sense on the bot channel."""
    botty = re.compile(r"机器|智能客服|智能助手|\bbot\b|human agent|real person", re.I)
    hits = [r for r in round11 if any(botty.search(t["text"]) for t in r["input"]["turns"][1:])]
    assert len(hits) >= 6 and all(r["input"]["channel"] == "bot" for r in hits), [r["id"] for r in hits]
