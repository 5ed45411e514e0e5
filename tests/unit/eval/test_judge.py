"""The judge metrics: a valid model verdict is used (source llm), garbage is repaired once and then
replaced by the rule's verdict (source fallback, with the reason), no model means rules only, and
model-judged and rule-judged scores never share a key."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from eval.judge import Judge, JudgeItem, judge, judge_scores, rule_faithfulness, rule_helpfulness
from eval.metrics.answers import claim_support, reference_overlap
from tests.llm_fakes import ScriptedChatModel, tool_reply

PASSAGE = "小号保管箱每年300元，需本人持身份证到开户网点办理。"
ITEM = JudgeItem(question="保管箱一年多少钱", answer="小号保管箱每年300元[1]。需本人持身份证到开户网点办理[1]。",
                 passages={"1": PASSAGE}, reference="小号保管箱每年300元，本人带身份证到网点办理。")
INVENTED = JudgeItem(question="保管箱一年多少钱", answer="小号保管箱每年99元[1]。贷款利率3.5%。",
                     passages={"1": PASSAGE})


def verdict(score, claims=()):
    return tool_reply("JudgeVerdict", {"score": score, "rationale": "依据充分", "unsupported_claims": list(claims)})


def test_rules_score_claims_and_reference_overlap():
    assert claim_support(ITEM.answer, ITEM.passages) == (1.0, [])
    share, unsupported = claim_support(INVENTED.answer, INVENTED.passages)
    assert share == 0.0 and len(unsupported) == 2
    assert claim_support("您好，请问还有什么可以帮您？", {"1": PASSAGE}) == (1.0, [])  # no claim, nothing unsupported
    assert reference_overlap("每年300元", "每年300元") == 1.0
    assert reference_overlap("营业执照", "每年300元") == 0.0
    assert 0 < reference_overlap(ITEM.answer, ITEM.reference) < 1
    assert rule_helpfulness(INVENTED) is None  # no reference: the rule does not guess


def test_valid_model_verdict_is_used_and_the_prompt_carries_the_evidence():
    model = ScriptedChatModel(script=[verdict(0.75, ["小号保管箱每年300元"])])
    scores, records = judge_scores("faithfulness", ITEM, Judge(model, 5))
    assert scores == {"faithfulness_rule": 1.0, "faithfulness_llm_judge": 0.75}
    (r,) = records
    assert (r.judge, r.llm, r.llm_reason, r.score) == ("llm", "llm", None, 0.75)
    assert r.unsupported_claims == ["小号保管箱每年300元"]
    messages, kwargs = model.calls[0]
    assert kwargs["tool_choice"] == "JudgeVerdict"
    assert isinstance(messages[0], SystemMessage) and "忠实度" in messages[0].content and "JSON" in messages[0].content
    assert isinstance(messages[1], HumanMessage) and f"[1] {PASSAGE}" in messages[1].content
    assert "参考答案" not in messages[1].content  # faithfulness is judged against the passages only


def test_helpfulness_prompt_shows_the_reference_not_the_passages():
    model = ScriptedChatModel(script=[verdict(1)])
    record = judge("helpfulness", ITEM, Judge(model, 5))
    assert record.judge == "llm" and record.score == 1
    user = model.calls[0][0][1].content
    assert ITEM.reference in user and "引用资料" not in user
    assert "有用性" in model.calls[0][0][0].content


def test_garbage_is_repaired_once_then_the_rule_stands_in():
    model = ScriptedChatModel(script=["我觉得挺好", verdict(7)])  # not JSON; then out of range
    scores, records = judge_scores("faithfulness", INVENTED, Judge(model, 5))
    assert len(model.calls) == 2 and "JudgeVerdict" in str(model.calls[1][0][-1].content)  # the repair turn
    assert scores == {"faithfulness_rule": 0.0}  # no model figure: nothing mixed into it
    (r,) = records
    assert (r.judge, r.llm, r.llm_reason, r.score) == ("rule", "fallback", "invalid_output", 0.0)
    assert r.unsupported_claims and r.rationale.startswith("规则")


def test_no_model_means_rules_only():
    scores, records = judge_scores("helpfulness", ITEM, Judge(None))
    assert set(scores) == {"helpfulness_rule"} and records[0].judge == "rule" and records[0].llm == "none"
    assert scores["helpfulness_rule"] == pytest.approx(rule_helpfulness(ITEM).score)
    assert rule_faithfulness(ITEM).score == 1.0
    # helpfulness without a reference and without a model: not reported at all
    assert judge_scores("helpfulness", INVENTED, Judge(None)) == ({}, [])


def test_failed_model_without_a_rule_is_counted_but_not_scored():
    model = ScriptedChatModel(script=[ConnectionError("down")])
    scores, records = judge_scores("helpfulness", INVENTED, Judge(model, 5))
    assert scores == {}
    (r,) = records
    assert (r.judge, r.score, r.llm, r.llm_reason) == ("none", None, "fallback", "error:ConnectionError")
