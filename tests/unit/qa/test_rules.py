"""Each QA rule on a dialog that breaks it and on one that does not; spans point at the evidence."""

from __future__ import annotations

import pytest

from tests.unit.qa.conftest import C, G, dialog
from tools.cs.phrases import find_promises
from tools.cs.policy import load_cs_compliance


def rules(inspector, d) -> set[str]:
    return inspector.inspect(d).rule_ids


def test_clean_dialog_passes(inspector):
    rep = inspector.inspect(dialog(G, "理财保本吗", "不保本，理财非存款、产品有风险、投资须谨慎。", "好的", C))
    assert rep.findings == [] and rep.passed and rep.score == 100


def test_greeting_and_closing(inspector):
    assert rules(inspector, dialog("说吧", "补卡多少钱", "工本费10元。", "好", "嗯。")) == {"greeting", "closing"}


def test_open_bot_session_is_not_checked_for_closing(inspector):
    d = dialog("您好，我是智能客服。", "信用卡年费多少", "这个问题我暂时无法确定。", complete=False, channel="bot")
    assert "closing" not in rules(inspector, d) and "unresolved_no_handoff" not in rules(inspector, d)


@pytest.mark.parametrize("text,flagged", [
    ("这款理财保本的，放心买。", True),
    ("您这个条件肯定能批。", True),
    ("理财产品不保本，也不保证收益。", False),
    ("所谓包过都是骗局，请不要相信。", False),
    ("我们无法保证通过，以审批结果为准。", False),
    ("非常稳赚，您放心。", True),  # 非常 is not a negation
    ("理财不保本，但是稳赚。", True),  # the second clause asserts it
    ("中介说包过都是骗人的。", False),
])
def test_forbidden_promise_negation(corpus, text, flagged):
    policy = load_cs_compliance(corpus).forbidden_promises
    assert bool(find_promises(text, policy)) == flagged


def test_promise_finding_has_its_span(inspector):
    d = dialog(G, "理财靠谱吗", "放心，这个理财保本，理财非存款、投资须谨慎。", "好", C)
    f = next(f for f in inspector.inspect(d).findings if f.rule_id == "forbidden_promise")
    assert f.severity == "critical" and f.evidence.turn == 2 and f.evidence.text == "保本"
    assert d.turns[2].text[f.evidence.start:f.evidence.end] == "保本"


def test_rude_language_only_from_the_agent(inspector):
    assert "rude_language" in rules(inspector, dialog(G, "还是不会", "你听不懂吗？转人工吧。", "好", C))
    assert "rude_language" not in rules(inspector, dialog(G, "什么破银行，你听不懂吗", "抱歉，我帮您转人工处理。", "好", C))


def test_pii_exposed_by_agent_is_found_and_masked_in_evidence(inspector):
    rep = inspector.inspect(dialog(G, "核对信息", "您的身份证号是110101199003074514对吗", "对", C))
    f = next(f for f in rep.findings if f.rule_id == "pii_exposed")
    assert "110101199003074514" not in f.evidence.text and f.evidence.text == "110***********4514"


def test_customer_pii_is_not_an_agent_exposure(inspector):
    assert "pii_exposed" not in rules(inspector, dialog(G, "我身份证110101199003074514", "好的，请带原件到网点。", "好", C))


def test_credential_request_and_its_negation(inspector):
    assert "credential_request" in rules(inspector, dialog(G, "改限额", "请把短信验证码告诉我。", "123456", C))
    assert "credential_request" not in rules(
        inspector, dialog(G, "有人要验证码", "禾信银行不会向您索要验证码，请勿透露。", "好", C))


def test_missing_disclosure(inspector):
    assert "disclosure" in rules(inspector, dialog(G, "税务贷利率", "税务贷年化利率3.45%至7.2%。", "好", C))
    assert "disclosure" not in rules(inspector, dialog(G, "税务贷利率", "税务贷年化利率3.45%至7.2%，以审批结果为准。", "好", C))


@pytest.mark.parametrize("text", ["客服热线是400-800-5678。", "税务贷额度最高800万元，以审批为准。",
                                  "个人快速赎回单日上限5万元、实时到账。", "经营贷最长可以贷5年，以审批为准。"])
def test_wrong_facts(inspector, text):
    assert "wrong_fact" in rules(inspector, dialog(G, "问一下", text, "好", C))


def test_right_facts_are_not_flagged(inspector, corpus):
    for e in corpus.faqs[:60]:  # the approved answers themselves contradict nothing
        assert "wrong_fact" not in rules(inspector, dialog(G, e.question, e.answer, "好", C)), e.id


def test_product_named_by_the_customer(inspector):
    assert "wrong_fact" in rules(inspector, dialog(G, "税务贷能贷多少", "最高能贷1000万，以审批为准。", "好", C))


def test_unresolved_without_hand_off(inspector):
    assert "unresolved_no_handoff" in rules(inspector, dialog(G, "POS连不上网", "这个我也不清楚。", "那我怎么办", "您再试试，再见。"))
    assert "unresolved_no_handoff" not in rules(
        inspector, dialog(G, "POS连不上网", "这个我不太清楚，我帮您转人工客服。", "好", "正在为您转接，请稍候。"))


def test_long_wait_needs_timestamps(inspector):
    slow = dialog(G, "转账失败", "请问提示什么？", "余额不足", C, ts=[0, 10, 100, 110, 120])
    assert "long_wait" in rules(inspector, slow)
    assert "long_wait" not in rules(inspector, dialog(G, "转账失败", "请问提示什么？", "余额不足", C))


def test_hold_after_please_wait(inspector):
    d = dialog(G, "查限额", "请稍等，我帮您查询。", "好", "您的限额是单笔5万元。" + C, ts=[0, 10, 15, 20, 300])
    f = [f for f in inspector.inspect(d).findings if f.rule_id == "long_wait"]
    assert f and "285" in f[0].message


def test_score_deducts_once_per_rule_and_fails_on_high(inspector):
    rep = inspector.inspect(dialog("说吧", "补卡多少钱", "工本费10元。", "好", "嗯。"))
    assert rep.score == 90 and rep.passed  # two low findings
    rep = inspector.inspect(dialog(G, "核对", "您的身份证号是110101199003074514，手机13912345678", "对", C))
    assert rep.score == 70 and not rep.passed


def test_gap_candidates_from_bot_and_human_dialogs(inspector):
    from tools.qa.dialogs import Dialog

    bot = Dialog.model_validate({"id": "b", "channel": "bot", "complete": False, "turns": [
        {"role": "agent", "text": "您好"}, {"role": "customer", "text": "保险箱怎么租"},
        {"role": "agent", "text": "抱歉，这个问题我暂时无法确定。", "meta": {"outcome": "not_sure"}}]})
    gaps = inspector.inspect(bot).gaps
    assert [g.question for g in gaps] == ["保险箱怎么租"] and gaps[0].reason == "bot_not_sure"
    human = dialog(G, "外币现钞能存吗", "这个我不太清楚。", "好吧", C)
    assert inspector.inspect(human).gaps[0].reason == "agent_unable"


def test_a_replace_mode_banks_hotline_is_official(corpus, inspector):
    """``import-faq --replace --hotline``: the bot built on that scope gives the bank's number, so the
    inspector of that deployment takes it as official (kb/faq_scope.py Branding); ours flags it."""
    from agents.qa_inspection.service import QaService
    from kb.faq_scope import Branding

    turn = dialog(G, "挂失电话多少", "您可以拨打客服热线400-600-0631办理挂失。", "好", C)
    assert "wrong_fact" in rules(inspector, turn)
    branded = QaService.from_corpus(corpus, classifier=False, branding=Branding(bank_name="威海银行", hotline="400-600-0631"))
    assert "wrong_fact" not in rules(branded, turn)
    other = dialog(G, "挂失电话多少", "您可以拨打客服热线400-600-0632办理挂失。", "好", C)
    found = branded.inspect(other)
    assert any("不是威海银行的官方服务电话" in f.message for f in found.findings if f.rule_id == "wrong_fact"), found
