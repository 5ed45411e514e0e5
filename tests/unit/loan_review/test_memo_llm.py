"""The memo's prose paragraph: a scripted model's text is used only when it states the system's
conclusion and every sentence with a number or a product term is supported by one of the fact
passages it was given (agents.common.grounding); otherwise the template paragraph is used."""

import logging

import pytest

from agents.loan_review.memo import check_prose
from tests.llm_fakes import ScriptedChatModel

# written as a faithful model writes it: the figures copied from the numbered facts, one fact a sentence
GROUNDED = ("丹阳市明视眼镜有限公司位于镇江市丹阳市，经营8年，属丹阳眼镜制造，行业准入类别鼓励，行业风险等级2级。"
            "企业申报年营业收入1200万元，近12个月月均入账100万元，负债收入比12.0%，经营稳定。"
            "评分卡得分662分（A档），预测违约概率0.24%，主要扣分项为增信方式为信用；政策校验未命中规则。"
            "测算额度180万元，执行年化利率3.65%，综上，审查结论为同意授信。")


def test_grounded_llm_paragraph_is_used(make_service, app_of):
    model = ScriptedChatModel(script=[GROUNDED])
    r = make_service(chat_model=model).review(app_of("approve_danyang_eyewear"))
    assert r.memo_source == "llm" and r.memo_reason is None and GROUNDED in r.memo and r.decision == "approve"
    assert "memo: prose from llm" in r.trace
    system, user = (m.content for m in model.calls[0][0])
    assert "不得编造" in system
    # the facts are numbered passages, numbers written as the check will look for them
    assert "[2] 经营与申请：申报年营业收入1,200万元" in user and "负债收入比12.0%" in user
    assert "[4] 额度、利率与结论：测算额度180万元，执行年化利率3.65%；综上，审查结论为同意授信。" in user


@pytest.mark.parametrize("bad, reason, unsupported", [
    # an invented number
    ("该企业年营业收入8888万元，审查结论为同意授信。", "ungrounded", "该企业年营业收入8888万元"),
    # a product claim no passage supports (the conclusion sentence before it is supported)
    ("审查结论为同意授信。该笔贷款可随借随还，审批当天放款。", "ungrounded", "该笔贷款可随借随还"),
    # the model may not decide, and a text that says nothing does not even state the conclusion
    ("评分卡得分662分（A档）。审查结论为不予授信。", "conclusion_mismatch", None),
    ("{not json", "conclusion_mismatch", None),
])
def test_unsupported_paragraph_falls_back_to_the_template(make_service, app_of, caplog, bad, reason, unsupported):
    template = make_service().review(app_of("approve_danyang_eyewear"))
    with caplog.at_level(logging.WARNING, logger="puhui.loan_review"):
        r = make_service(chat_model=ScriptedChatModel(script=[bad])).review(app_of("approve_danyang_eyewear"))
    assert r.memo_source == "fallback" and f"memo: prose from fallback ({reason})" in r.trace
    assert r.memo_reason == reason
    assert bad not in r.memo and r.decision == template.decision == "approve"
    assert r.memo.split("**审查综述**：")[1] == template.memo.split("**审查综述**：")[1]
    logged = "\n".join(rec.getMessage() for rec in caplog.records if "memo prose" in rec.getMessage())
    if unsupported:  # the offending sentence is logged, not the paragraph
        assert unsupported in logged and "审查结论为同意授信。该笔" not in logged
    else:
        assert not logged


def test_failing_model_falls_back_with_its_reason(make_service, app_of):
    r = make_service(chat_model=ScriptedChatModel(script=[RuntimeError("502")])).review(app_of("approve_pharmacy"))
    assert r.memo_source == "fallback" and r.decision == "approve"
    assert r.memo_reason == "error:RuntimeError" and "memo: prose from fallback (error:RuntimeError)" in r.trace


def test_check_prose_wants_the_passage_formatting_and_one_passage_per_sentence():
    passages = ["经营与申请：申报年营业收入1,200万元，负债收入比12.5%；申请金额180万元。",
                "额度、利率与结论：测算额度180万元，执行年化利率3.65%；综上，审查结论为同意授信。"]
    assert check_prose("申报年营业收入1200万元，负债收入比12.5%。审查结论为同意授信。", passages, "同意授信") is None
    assert check_prose("负债收入比0.125。审查结论为同意授信。", passages, "同意授信") == "ungrounded"
    # figures from two passages in one sentence: no single passage supports it
    assert check_prose("负债收入比12.5%，执行年化利率3.65%，审查结论为同意授信。", passages, "同意授信") == "ungrounded"
    assert check_prose("审查结论为同意授信，但建议转人工复核。", passages, "同意授信") == "conclusion_mismatch"
