"""The strategy prose a model writes must be grounded in the fact passages it was given (issue 9):
grounded prose is used (source llm); a sentence with an invented number or an unsupported product
claim sends the node back to the template text (source fallback, reason ungrounded)."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from agents.chain_map import strategy
from agents.chain_map.nodes import product_terms, prose_passages
from agents.chain_map.service import run_chain_map
from agents.common.grounding import check_grounding
from tests.llm_fakes import ScriptedChatModel, tool_reply
from tools.txn.synth.generate import generate_history

EXTRACTED = tool_reply("Extracted", {"products": ["树脂镜片"], "activities": ["眼镜制造"]})
GROUNDED = {"marketing_pitch": "建议优先推荐禾信税务贷：企业纳税信用等级为A、B或M级之一，且持续经营满2年。"
                               "补充近12个月月均入账流水后，可进一步评估禾信普惠经营贷。",
            "risk_summary": "丹阳眼镜制造行业风险等级2级（1低5高），主要风险为同质化和汇率波动。"
                            "贷后重点盯住订单骤减和回款拖延。"}


def _run(ctx, request, prose: dict):
    model = ScriptedChatModel(script=[EXTRACTED, tool_reply("StrategyProse", prose)])
    return run_chain_map(request, replace(ctx, chat_model=model)), model


def test_grounded_prose_is_used_and_the_prompt_numbers_the_fact_passages(ctx, eyewear_request):
    res, model = _run(ctx, eyewear_request, GROUNDED)
    assert res.llm == {"extract": "llm", "prose": "llm"} and res.llm_reasons == {} and not res.warnings
    assert res.marketing.pitch == GROUNDED["marketing_pitch"] and res.risk.summary == GROUNDED["risk_summary"]
    prompt = model.calls[1][0][-1].content
    assert "[1] 企业：丹阳市明瑞眼镜有限公司" in prompt and "[2] 建议优先推荐的产品" in prompt
    assert "行业风险等级2级（1低5高）" in prompt  # numbers as the check will look for them


@pytest.mark.parametrize("pitch, bad", [
    # an invented figure: no passage has 200
    ("建议优先推荐禾信税务贷，可给予额度200万元。", "额度200万元"),
    # a product claim without a number that no passage supports
    ("建议优先推荐禾信税务贷。禾信税务贷支持随借随还，最快当天放款。", "随借随还"),
])
def test_unsupported_sentence_falls_back_to_the_template(ctx, eyewear_request, caplog, pitch, bad):
    baseline = run_chain_map(eyewear_request, ctx)
    with caplog.at_level(logging.WARNING, logger="puhui.chain_map"):
        res, _ = _run(ctx, eyewear_request, {**GROUNDED, "marketing_pitch": pitch})
    assert res.llm == {"extract": "llm", "prose": "fallback"} and res.llm_reasons == {"prose": "ungrounded"}
    assert res.marketing.pitch == baseline.marketing.pitch and res.risk.summary == baseline.risk.summary
    assert any("（ungrounded）" in w for w in res.warnings)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert bad in logged and GROUNDED["risk_summary"] not in logged  # the offending sentence only


@pytest.mark.parametrize("name, typologies", [("eyewear with flags", ("implausible_counterparty", "circular_flow")),
                                              ("eyewear without transactions", None)])
def test_the_template_prose_is_grounded_in_the_same_passages(ctx, eyewear_request, name, typologies):
    """The passages state the facts the template states, numbers written the same way: a faithful
    writer can pass the check (flags bring amounts and counts into the facts)."""
    request = eyewear_request
    if typologies:
        h = generate_history(ctx.industries["danyang_eyewear"], ctx.industries, 5, list(typologies), n_txn=300,
                             distance=ctx.distance, universal=ctx.universal)
        request = {**request, "transactions": [t.model_dump(mode="json") for t in h.transactions]}
    res = run_chain_map(request, ctx)
    facts = strategy.prose_facts(res.enterprise.name, ctx.industries[res.placement.segment_id], res.marketing,
                                 res.risk, res.profile)
    report = check_grounding(res.marketing.pitch + "\n" + res.risk.summary, prose_passages(facts),
                             product_terms=product_terms(ctx.products))
    assert report.grounded, report.unsupported
    assert any(s.needs_support for s in report.sentences)  # the check had claims to check


def test_unknown_industry_passages_say_so(ctx):
    res = run_chain_map({"name": "星河量子软件工作室", "business_scope": "量子计算软件开发", "location": "南京市"}, ctx)
    facts = strategy.prose_facts(res.enterprise.name, None, res.marketing, res.risk, res.profile)
    passages = prose_passages(facts)
    assert "所属细分行业未能识别" in passages[0] and "行业未识别，行业风险无法评估。" in passages
    assert check_grounding(res.marketing.pitch + "\n" + res.risk.summary, passages,
                           product_terms=product_terms(ctx.products)).grounded
