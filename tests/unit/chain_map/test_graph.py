"""The chain-map graph end to end: no LLM, a scripted fake chat model, unknown industries, bad input."""

import json
from dataclasses import replace

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from agents.chain_map.graph import after_link, after_validate
from agents.chain_map.schemas import ChainMapErrors, ChainMapResult, Placement
from agents.chain_map.service import run_chain_map
from tools.txn.synth.generate import generate_history


def _with_txns(request, ctx, typologies=("implausible_counterparty", "circular_flow"), seed=5):
    ind = ctx.industries["danyang_eyewear"]
    h = generate_history(ind, ctx.industries, seed, list(typologies), n_txn=300, distance=ctx.distance,
                         universal=ctx.universal)
    return {**request, "transactions": [t.model_dump(mode="json") for t in h.transactions]}, h


def test_end_to_end_without_llm(ctx, eyewear_request):
    req, hist = _with_txns(eyewear_request, ctx)
    res = run_chain_map(req, ctx)
    assert isinstance(res, ChainMapResult)
    assert res.placement.verdict == "linked" and res.placement.segment_id == "danyang_eyewear"
    assert res.placement.gbt_codes[0].code == "3587" and res.placement.gbt_codes[0].name == "眼镜制造"
    pos = res.position
    assert pos.stage == "midstream" and pos.in_home_region is True
    assert "小型化工" in [u.name for u in pos.upstream] and "眼镜零售店" in [d.name for d in pos.downstream]
    assert all(len(link.path) >= 2 for link in pos.upstream + pos.downstream)
    flow = res.profile.flow
    assert flow.n_txn == len(hist.transactions) and flow.seasonality_corr is not None
    assert res.profile.facts["tax_credit_grade"] == "B" and res.profile.fact_sources["monthly_inflow_wan"] == "流水推算"
    # marketing: every product ranked with the facts behind it; an industry fit comes first
    prods = res.marketing.products
    assert len(prods) == 4 and prods[0].industry_fit
    tax = next(m for m in prods if m.product_id == "prod_tax_loan")
    assert tax.status == "fits" and {o.fact for o in tax.met} == {"tax_credit_grade", "years_operating"}
    farm = next(m for m in prods if m.product_id == "prod_farmer_breeding")
    assert farm.status == "fails"
    # risk: industry risks + due-diligence from the corpus, plus questions raised by the flags
    assert any("同质化" in r for r in res.risk.industry_risks)
    assert any("订单是否真实" in q for q in res.risk.due_diligence)
    typs = {f.typology for f in res.screening.flags}
    assert {"implausible_counterparty", "circular_flow"} <= typs
    assert any("闭环" in q or "转回" in q for q in res.risk.due_diligence)
    assert res.llm == {"extract": "none", "prose": "none"} and res.llm_reasons == {} and not res.warnings
    assert res.marketing.pitch and res.risk.summary
    md = res.report_markdown
    for heading in ("一、行业定位", "二、产业链位置", "三、客户画像", "四、营销策略", "五、风险策略", "六、可疑交易筛查"):
        assert heading in md
    assert "TS01" in md and "丹阳眼镜制造" in md


def test_enterprise_without_transactions(ctx, eyewear_request):
    res = run_chain_map(eyewear_request, ctx)
    assert res.screening is None and res.profile.flow is None
    assert "未提供交易流水" in res.report_markdown


def test_unknown_industry_is_reported_not_forced(ctx):
    res = run_chain_map({"name": "星河量子软件工作室", "business_scope": "量子计算软件开发；区块链技术服务",
                         "location": "南京市"}, ctx)
    assert res.placement.verdict == "unknown" and res.placement.segment_id is None
    assert res.position is None and "未能识别" in res.report_markdown
    assert res.risk.due_diligence[0].startswith("行业未能识别")


def test_misleading_name_does_not_override_scope(ctx):
    res = run_chain_map({"name": "丹阳眼镜城海鲜批发部", "business_scope": "水产品批发；冷藏保鲜；食用农产品批发",
                         "main_products": ["鲜活水产"]}, ctx)
    assert res.placement.segment_id == "seafood_wholesale"


def test_traditional_characters(ctx):
    res = run_chain_map({"name": "陽澄湖蟹業合作社", "business_scope": "淡水水產養殖；水產品零售；禮品卡券銷售",
                         "main_products": "大閘蟹"}, ctx)
    assert res.placement.segment_id == "yangchenghu_crab" and res.position.stage == "upstream"
    farm = next(m for m in res.marketing.products if m.product_id == "prod_farmer_breeding")
    assert farm.status == "fits" and res.profile.facts["is_agricultural"] is True


def test_bad_input_gives_field_errors(ctx):
    res = run_chain_map({"enterprise": {"name": "", "business_scope": "；", "location": "火星市", "years_operating": -1,
                                        "facts": {"shoe_size": 1}},
                         "transactions": [{"date": "2024-02-30", "amount": 0, "direction": "in", "counterparty": "x"},
                                          {"date": "2024-02-01", "amount": 5, "direction": "up", "counterparty": "y"}]},
                        ctx)
    assert isinstance(res, ChainMapErrors)
    locs = {e.loc for e in res.errors}
    assert {"enterprise.name", "enterprise.business_scope", "enterprise.location", "enterprise.years_operating",
            "enterprise.facts", "transactions[0].date", "transactions[0].amount", "transactions[1].direction"} <= locs
    scope = next(e for e in res.errors if e.loc == "enterprise.business_scope")
    assert "经营范围不能为空" in scope.msg
    assert isinstance(run_chain_map("not an object", ctx), ChainMapErrors)
    assert run_chain_map({"enterprise": {"name": "x", "business_scope": "眼镜制造"}, "transactions": "abc"},
                         ctx).errors[0].loc == "transactions"


def test_routers_return_literal_names():
    assert after_validate({"errors": [1]}) == "__end__" and after_validate({"errors": []}) == "extract"
    assert after_link({"placement": Placement(verdict="unknown")}) == "profile"
    assert after_link({"placement": Placement(verdict="linked", segment_id="x")}) == "position"


def _fake(*replies):
    return GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))


def test_with_scripted_chat_model(ctx, eyewear_request):
    extracted = json.dumps({"products": ["树脂镜片"], "activities": ["眼镜制造"], "industry_hint": "丹阳树脂镜片生产"},
                           ensure_ascii=False)
    prose = json.dumps({"marketing_pitch": "建议优先推荐禾信税务贷，企业纳税信用良好，经营稳定。",
                        "risk_summary": "行业同质化竞争明显，需关注订单骤减和回款拖延。"}, ensure_ascii=False)
    res = run_chain_map(eyewear_request, replace(ctx, chat_model=_fake(extracted, prose)))
    assert res.llm == {"extract": "llm", "prose": "llm"} and res.llm_reasons == {} and not res.warnings
    assert res.placement.segment_id == "danyang_eyewear"
    assert res.marketing.pitch.startswith("建议优先推荐禾信税务贷") and "回款拖延" in res.risk.summary
    # the model writes; it does not rank: the product order is the same as without a model
    assert [m.product_id for m in res.marketing.products] == \
        [m.product_id for m in run_chain_map(eyewear_request, ctx).marketing.products]


def test_chat_model_garbage_or_invented_numbers_fall_back(ctx, eyewear_request):
    invented = json.dumps({"marketing_pitch": "可给予额度888万元、利率2.1%的授信，保证通过。",
                           "risk_summary": "风险很低，基本没有问题，可以放心。"}, ensure_ascii=False)
    res = run_chain_map(eyewear_request, replace(ctx, chat_model=_fake("not json at all", "still not json", invented)))
    assert res.llm == {"extract": "fallback", "prose": "fallback"}
    assert res.llm_reasons == {"extract": "invalid_output", "prose": "ungrounded"}
    assert "888" not in res.marketing.pitch and res.placement.segment_id == "danyang_eyewear"
    assert any("确定性抽取" in w and "invalid_output" in w for w in res.warnings)
    assert any("（ungrounded）" in w and "888" not in w for w in res.warnings)


def test_industry_access_from_the_credit_policy_becomes_a_fact(mini_corpus, eyewear_request):
    from agents.chain_map.context import build_context
    from kb.graph import build_graph

    ctx = build_context(mini_corpus, build_graph(mini_corpus), gbt_names={}, industry_access=lambda seg: "审慎")
    res = run_chain_map(eyewear_request, ctx)
    assert res.profile.facts["industry_access"] == "审慎" and res.profile.fact_sources["industry_access"] == "授信政策"
