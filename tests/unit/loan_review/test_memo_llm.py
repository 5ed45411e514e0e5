"""The memo's prose paragraph: a scripted model's text is used only when its numbers are grounded."""

from agents.loan_review.memo import numbers_grounded
from tests.llm_fakes import ScriptedChatModel


def test_grounded_llm_paragraph_is_used(make_service, app_of):
    prose = ("丹阳市明视眼镜有限公司属丹阳眼镜制造，准入类别鼓励；申报年营业收入1200万元，月均入账约100万元，"
             "负债收入比12%，经营稳定，审查结论为同意授信。")
    model = ScriptedChatModel(script=[prose])
    r = make_service(chat_model=model).review(app_of("approve_danyang_eyewear"))
    assert r.memo_source == "llm" and prose in r.memo and r.decision == "approve"
    system = model.calls[0][0][0].content
    assert "不得编造" in system


def test_ungrounded_number_or_failure_falls_back(make_service, app_of):
    bad = "该企业年营业收入8888万元，审查结论为同意授信。"
    r = make_service(chat_model=ScriptedChatModel(script=[bad])).review(app_of("approve_danyang_eyewear"))
    assert r.memo_source == "fallback" and "8888" not in r.memo and "审查综述" in r.memo
    r2 = make_service(chat_model=ScriptedChatModel(script=[RuntimeError("502")])).review(app_of("approve_pharmacy"))
    assert r2.memo_source == "fallback" and r2.decision == "approve"


def test_numbers_grounded_accepts_percent_forms():
    facts = {"负债收入比": 0.125, "月均入账": 99.92, "评分": 661}
    assert numbers_grounded("负债收入比12.5%，评分661分，月均入账99.92万元", facts) is None
    assert numbers_grounded("评分700分", facts) == "ungrounded_number:700"
