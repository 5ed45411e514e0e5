"""Deterministic understanding: intents, slots, follow-ups."""

from __future__ import annotations

import pytest

from agents.customer_service.understand import ProductLexicon, resolve_follow_up, strip_masked, subject_of, understand
from tools.cs.policy import load_cs_compliance


@pytest.fixture(scope="module")
def ctx(corpus):
    return load_cs_compliance(corpus), ProductLexicon.from_corpus(corpus)


@pytest.mark.parametrize("text,intent", [
    ("转人工", "handoff_request"),
    ("我要找真人客服", "handoff_request"),
    ("I want to talk to a human agent", "handoff_request"),
    ("你好", "chitchat"),
    ("谢谢！", "chitchat"),
    ("我的贷款批了没有", "account_specific"),
    ("帮我查一下我的余额", "account_specific"),
    ("我下个月要还多少", "account_specific"),
    ("你们服务太差了，我要投诉", "complaint"),
    ("税务贷的申请条件", "product_inquiry"),
    ("银行卡丢了怎么办", "faq"),
])
def test_intents(ctx, text, intent):
    assert understand(text, None, *ctx).intent == intent


@pytest.mark.parametrize("text", [
    "我的额度是多少", "上个月还了没有", "我的贷款还剩多少", "嗯，我现在还欠多少啊", "上个月的月供扣了没",
    "我的钱到账了没", "我有没有逾期", "帮我看下我的账单", "我的申请到哪一步了", "我的月供是多少",
    "我的額度還有多少",  # traditional
])
def test_own_account_questions_go_to_identity(ctx, text):
    """Issue #17: a question about the caller's own records is never answered from the FAQ or KB."""
    assert understand(text, None, *ctx).intent == "account_specific"


@pytest.mark.parametrize("text", ["贷款额度最高多少", "税务贷能贷多少", "提前还款有违约金吗", "信用卡额度怎么提升",
                                  "转账限额是多少"])
def test_product_questions_about_limits_are_not_account_questions(ctx, text):
    assert understand(text, None, *ctx).intent != "account_specific"


def test_query_is_normalised_before_matching(ctx):
    u = understand("嗯…那个，我想问一下稅務貸的利律是多少啊", None, *ctx)
    assert u.query == "税务贷的利率是多少" and u.intent == "product_inquiry"


def test_general_loan_question_is_not_account_specific(ctx):
    assert understand("我能贷多少钱", None, *ctx).intent != "account_specific"


def test_slots(ctx):
    u = understand("尾号3721的卡和贷款LN20240117，借30万3年", None, *ctx)
    assert u.slots["card_tail"] == "3721" and u.slots["loan_id"] == "LN20240117"
    assert u.slots["amount"] == "30万" and u.slots["tenor"] == "3年"


def test_follow_up_uses_previous_product(ctx):
    u = understand("那它的利率呢", {"products": ["prod_tax_loan"], "subject": "税务贷"}, *ctx)
    assert u.follow_up and u.products == ["prod_tax_loan"]
    assert "利率" in u.query and ("税" in u.query)


def test_follow_up_uses_previous_subject(ctx):
    _, lexicon = ctx
    assert resolve_follow_up("那要多久", {"subject": "对公账户开户"}, lexicon) == "对公账户开户要多久"


def test_standalone_question_is_not_a_follow_up(ctx):
    u = understand("理财保本吗", {"products": ["prod_tax_loan"], "subject": "税务贷"}, *ctx)
    assert not u.follow_up and u.query == "理财保本吗"


def test_subject_of():
    assert subject_of("对公账户开户需要准备哪些材料") == "对公账户开户"
    assert subject_of("怎么办") == ""


def test_masked_numbers_are_not_part_of_the_query():
    assert strip_masked("我的手机号138****5678，理财保本吗") == "理财保本吗"
