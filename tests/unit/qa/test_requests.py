"""Issue #19, iteration 4: the refused hand-off is gated on the customer's request for a human, so the
request must be recognised in any wording — a role, someone with authority, another person, English —
and a request stays open across one clarifying exchange unless the agent hands off in between.
(Wordings written for this test; none is taken from a held-out set.)"""

from __future__ import annotations

import pytest

from tests.unit.qa.conftest import C, G, dialog
from tools.qa.requests import request_before
from tools.qa.rules import asks_for_human


@pytest.fixture(scope="module")
def ctx_rule(inspector):
    rule = next(r for r in inspector.rubric.rules if r.id == "handoff_refused")
    return inspector.ctx, rule


@pytest.mark.parametrize("text", [
    "我要转人工", "给我找个真人", "让你们主管来跟我说", "叫你们领导出来", "我要见你们经理", "请帮我找一下负责人",
    "转给信用卡专员", "找个能做主的人跟我谈", "你做不了主就换个能拍板的", "找个有权限的来", "换个人来跟我说",
    "你们主管呢", "有没有人啊", "let me talk to your manager", "I want a real person", "get me a supervisor",
    "我要和你们上级反映", "找个懂行的跟我说",
])
def test_requests_for_a_human_in_many_wordings(ctx_rule, text):
    ctx, rule = ctx_rule
    assert asks_for_human(text, rule, ctx)


@pytest.mark.parametrize("text", [
    "我的信用卡额度能提高吗", "你们的理财产品收益怎么样", "好的谢谢", "我卡被锁了", "这个人工费是什么费用",
])
def test_ordinary_questions_are_not_requests(ctx_rule, text):
    ctx, rule = ctx_rule
    assert not asks_for_human(text, rule, ctx)


def test_a_request_stays_open_across_one_clarifying_exchange(ctx_rule):
    ctx, rule = ctx_rule
    d = dialog(G, "我要找你们经理", "请问是什么事呢", "信用卡被盗刷了", "经理也是一样的流程", "好吧", C)
    assert request_before(d, 5, rule, ctx)  # turn 5: the agent's reply after the clarification


def test_a_hand_off_in_between_closes_the_request(ctx_rule):
    ctx, rule = ctx_rule
    d = dialog(G, "我要转人工", "好的，正在为您转接人工客服", "信用卡被盗刷了", "这个您跟我说就行", "好", C)
    assert not request_before(d, 4, rule, ctx)
    d = dialog(G, "我要转人工", "您先说说什么事", "信用卡被盗刷了", "这个您跟我说就行", "好", C)
    assert request_before(d, 4, rule, ctx)


def test_a_request_three_customer_turns_back_has_lapsed(ctx_rule):
    ctx, rule = ctx_rule
    d = dialog(G, "我要转人工", "您先说说什么事", "信用卡", "哪张卡", "尾号1234", "好的", "怎么办", "跟我说就行", "好", C)
    assert not request_before(d, 9, rule, ctx)


@pytest.mark.parametrize("turns", [
    ("让你们主管来跟我说", "主管很忙的，这点小事就别惊动领导了，找谁都一样。", "好吧"),
    ("我要见你们经理", "经理不接待个人客户的，有什么您跟我说就行。", "好吧"),
])
def test_a_refused_request_for_a_role_is_flagged(inspector, turns):
    assert "handoff_refused" in inspector.inspect(dialog(G, *turns, C)).rule_ids


@pytest.mark.parametrize("turns", [
    ("让你们主管来跟我说", "好的，我马上为您转接值班主管，请稍候。", "好"),
    ("我要见你们经理", "好的，已为您登记回电，经理会在半小时内联系您。", "好"),
])
def test_a_granted_request_for_a_role_is_not(inspector, turns):
    assert "handoff_refused" not in inspector.inspect(dialog(G, *turns, C)).rule_ids
