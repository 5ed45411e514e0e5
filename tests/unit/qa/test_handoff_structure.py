"""Iteration 5 of the refused hand-off (issue #19): a request for a human that no agent turn answers with a
hand-off is refused in any wording; what counts as a hand-off, and as a request, is one check each."""

from __future__ import annotations

import numpy as np
import pytest

from agents.qa_inspection.service import QaService
from tests.unit.qa.conftest import C, G, dialog
from tools.qa.rules import asks_for_human, hands_off


@pytest.fixture(scope="module")
def base(corpus):
    return QaService.from_corpus(corpus, classifier=False)


def _rule(svc: QaService, rule_id: str):
    return next(r for r in svc.ctx.rubric.rules if r.id == rule_id)


@pytest.mark.parametrize("reply", [
    "请简单描述您的问题，小助手帮您解答。",  # the bot answers as if nothing was asked
    "您可以继续向我提问~",
    "请回复数字选择业务类型。",
    "人工现在排队的多，您的问题我先记下，您先挂了吧。",  # 「排队」 alone hands nobody over
    "正在为您转接……当前排队人数过多，转接失败。",  # a failed transfer is none
])
def test_a_request_no_agent_turn_answers_with_a_hand_off_is_refused(base, reply):
    rep = base.inspect(dialog(G, "我要人工", reply, "好", C))
    f = next(f for f in rep.findings if f.rule_id == "handoff_refused")
    assert f.evidence.turn == 2 and f.evidence.text == reply


@pytest.mark.parametrize("reply", [
    "好的，正在为您接入人工客服，前面还有3位，请稍等。",
    "可以的，我这就请值班主管来接听，请您稍等一两分钟。",
    "好的呢，人工客服早上8点上班，我先帮您预约明早8点的回电可以吗？",
    "明白，我这就帮您转给值班主管，麻烦稍等一分钟别挂机。",
])
def test_a_transfer_in_other_words_is_clean(base, reply):
    assert "handoff_refused" not in base.inspect(dialog(G, "找你们主管", reply, "好", C)).rule_ids


def test_an_unanswered_request_counts_only_in_a_complete_dialog(base):
    turns = (G, "我要人工", "请简单描述您的问题。", "好")
    assert "handoff_refused" in base.inspect(dialog(*turns, C)).rule_ids
    assert "handoff_refused" not in base.inspect(dialog(*turns, complete=False)).rule_ids


@pytest.mark.parametrize(("text", "asks"), [
    ("人工", True), ("整个人工来，跟你唠不明白", True), ("我还是想问人工", True), ("我不想跟机器人说话", True),
    ("叫你们组长来", True), ("能帮我转到你们信用卡中心主管吗", True), ("你让个人跟我说吧", True),
    ("不用转人工了，谢谢", False), ("不要人工，你直接告诉我", False), ("信用卡年费怎么免", False),
])
def test_requests_for_a_human_in_other_words_and_declined_ones(base, text, asks):
    assert asks_for_human(text, _rule(base, "handoff_refused"), base.ctx) is asks


def test_hands_off_reads_patterns_and_a_failed_transfer(base):
    rule = _rule(base, "handoff_refused")
    assert hands_off("好的，已为您接入排队，请不要挂机。", rule)
    assert not hands_off("人工排队的多，您先挂了吧。", rule)
    assert not hands_off("正在为您转接……转接失败。", rule)


def test_a_gated_rule_threshold_is_chosen_over_the_turns_its_gate_opens():
    """Clauses where the gate is shut never get a finding, so they must not set the threshold: a clean clause
    at 0.9 in a turn without a request would otherwise force it above 0.9."""
    from eval.qa_classifier_train import Sample, negated_by, oof_threshold, rule_data
    from tools.qa.classifier import features

    rule = "handoff_refused"
    samples = [Sample("a", "转不了", "", {rule}, set(), frozenset({rule})),
               Sample("b", "人工不在", "", {rule}, set(), frozenset({rule})),
               Sample("c", "您好请讲", "", set(), set(), frozenset({rule})),
               Sample("d", "转账不了", "", set(), set(), frozenset())]  # no request before it
    feats = [dict.fromkeys(features(s.text), 1) for s in samples]
    d = rule_data(samples, feats, rule, negated_by()[rule])
    assert d.applies.tolist() == [True, True, True, False]
    threshold, stats = oof_threshold(d, np.array([0.6, 0.7, 0.1, 0.9]), rule)
    assert threshold == 0.5 and stats == {"precision": 1.0, "recall": 1.0}


def test_on_the_human_channel_i_am_the_human_answers_the_request(base):
    """「我就是人工客服」 answers 「我要人工」: the human is already there (heldout7 flagged it as refused)."""
    d = dialog(G, "我要人工", "您好，我就是人工客服，请问有什么可以帮您？", "我的卡被锁了", "我帮您解锁，已经好了。", "谢谢", C)
    assert "handoff_refused" not in base.inspect(d).rule_ids


@pytest.mark.parametrize("reply", ["等待时间不确定，小信也无能为力。", "境外交易问题较复杂，小信无法处理。"])
def test_giving_up_in_so_many_words_is_a_deflection(base, reply):
    assert "unresolved_no_handoff" in base.inspect(dialog(G, "我的卡在国外刷不了", reply, "好吧", C)).rule_ids
