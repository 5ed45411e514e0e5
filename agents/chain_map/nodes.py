"""Nodes of the chain-map graph: validate → extract → link → position → profile → screen → strategies
→ prose → report. Each reads the state and the run-time context and returns only its own keys.

Two nodes may use a chat model — ``extract`` (reading free text) and ``prose`` (writing two
paragraphs). Both go through agents.common.structured.invoke_structured, which returns the
deterministic result (same type) when no model is configured or the model fails, and says which.
The model's prose must also pass the shared grounding check (every sentence with a number or a
product term supported by one of the fact passages it was given), else the template text is used.
Facts, rankings and flags never come from the model.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from langgraph.runtime import Runtime

from agents.chain_map import positioning, profiling, strategy
from agents.chain_map.role import decide_role
from agents.chain_map.context import ChainMapContext
from agents.chain_map.schemas import (
    STAGE_ZH,
    ChainMapResult,
    EnterpriseInput,
    Extracted,
    Placement,
    Screening,
    StrategyProse,
)
from agents.chain_map.state import ChainMapState
from agents.chain_map.validation import validate_request
from agents.common.grounding import check_grounding
from agents.common.structured import invoke_structured
from kb.schema import ProductDoc
from prompts.loader import read, render
from tools.pii import mask_pii
from tools.txn.chain import ChainPlausibility
from tools.txn.screening import screen_transactions

_BOILERPLATE = re.compile(r"(一般项目|许可项目|依法须经批准的项目[^；;。]*|除依法须经批准的项目外[^；;。]*|"
                          r"凭营业执照依法自主开展经营活动|具体经营项目以[^；;。]*为准)[:：]?")
_SPLIT = re.compile(r"[；;，,、。\n]+")
_CORPORATE = ("有限公司", "有限责任公司", "股份", "集团", "合作社")
log = logging.getLogger("puhui.chain_map")


def validate(state: ChainMapState, runtime: Runtime[ChainMapContext]) -> dict:
    request, txns, errors = validate_request(state["raw"], runtime.context.places)
    return {"request": request, "transactions": txns, "errors": errors}


def extract_deterministic(ent: EnterpriseInput) -> Extracted:
    """Scope phrases without the registration boilerplate; the products as entered."""
    text = _BOILERPLATE.sub("；", ent.business_scope)
    acts = [p.strip("（）() ") for p in _SPLIT.split(text)]
    return Extracted(products=list(ent.main_products), activities=[a for a in dict.fromkeys(acts) if len(a) >= 2][:12])


def extract(state: ChainMapState, runtime: Runtime[ChainMapContext]) -> dict:
    ent: EnterpriseInput = state["request"].enterprise
    ctx = runtime.context
    messages = [("system", read("chain_map/extract_system.md")),
                ("human", render("chain_map/extract_user.md.j2", enterprise_name=ent.name, scope=ent.business_scope,
                                 products=ent.main_products, location=ent.location))]
    got = invoke_structured(ctx.chat_model, messages, Extracted, timeout_s=ctx.llm_timeout_s,
                            fallback=lambda: extract_deterministic(ent))
    failed = got.source == "fallback"
    return {"extracted": got.value, "llm": {"extract": got.source},
            "llm_reasons": {"extract": got.reason or "unknown"} if failed else {},
            "warnings": [f"实体抽取模型调用失败（{got.reason}），已改用确定性抽取"] if failed else []}


def link(state: ChainMapState, runtime: Runtime[ChainMapContext]) -> dict:
    ent: EnterpriseInput = state["request"].enterprise
    ctx = runtime.context
    placement = positioning.link_enterprise(ctx.linker, ent.name, ent.business_scope, ent.main_products, ent.location,
                                            state["extracted"], ctx.industries, ctx.gbt_names, ctx.semantic_linker)
    return {"placement": placement}


def position(state: ChainMapState, runtime: Runtime[ChainMapContext]) -> dict:
    """The segment's chain seen from the business's own role (role.py): its stage, its neighbours."""
    ctx = runtime.context
    ent: EnterpriseInput = state["request"].enterprise
    placement = state["placement"]
    doc = ctx.industries[placement.segment_id]  # type: ignore[index]
    role = decide_role(ent.name, ent.business_scope, ent.main_products, doc)
    own = positioning.own_node(doc, role, ctx.industries, placement.candidates)
    return {"position": positioning.role_position(ctx.graph, doc, ent.location, role, own)}


def _own_industry(state: ChainMapState, ctx: ChainMapContext):
    """The industry whose products and risks fit the business's own node (the segment unless its role differs)."""
    pos = state.get("position")
    own = pos.role.own_node_id if pos is not None and pos.role is not None else None
    seg = state["placement"].segment_id
    return ctx.industries.get(own) if own else (ctx.industries.get(seg) if seg else None)


def _judge(placement: Placement, ctx: ChainMapContext) -> ChainPlausibility | None:
    if placement.segment_id is None:
        return None
    return ChainPlausibility(placement.segment_id, ctx.counterparty_resolver, ctx.distance, universal=ctx.universal)


def profile(state: ChainMapState, runtime: Runtime[ChainMapContext]) -> dict:
    ctx = runtime.context
    ent: EnterpriseInput = state["request"].enterprise
    seg = state["placement"].segment_id
    industry = ctx.industries.get(seg) if seg else None
    judge = _judge(state["placement"], ctx)
    access = ctx.industry_access(seg) if (ctx.industry_access and seg) else None
    pos = state.get("position")
    prof = profiling.build_profile(ent, state.get("transactions", []), industry,
                                   (lambda t: judge.judge(t).plausible) if judge else None, access,
                                   pos.role if pos is not None else None)
    return {"profile": prof}


def account_type(ent: EnterpriseInput) -> str:
    """Corporate accounts report transfers from 200万元, personal ones from 50万元 (PBOC 2016 No.3)."""
    if ent.account_type:
        return ent.account_type
    return "corporate" if any(k in ent.name for k in _CORPORATE) else "personal"


def screen(state: ChainMapState, runtime: Runtime[ChainMapContext]) -> dict:
    txns = state.get("transactions", [])
    if not txns:
        return {"screening": None}
    ctx = runtime.context
    ent: EnterpriseInput = state["request"].enterprise
    corporate = account_type(ent) == "corporate"
    params = ctx.params.model_copy(update={"transfer_report_threshold": 2_000_000.0 if corporate else 500_000.0})
    seg = state["placement"].segment_id
    names = {k: d.name for k, d in ctx.industries.items()}
    res = screen_transactions(txns, params, _judge(state["placement"], ctx),
                              ctx.industries[seg].seasonality if seg else None, names)
    return {"screening": Screening(flags=res.flags, counts=res.counts, rules_skipped=res.rules_skipped,
                                   thresholds=params.model_dump())}


def strategies(state: ChainMapState, runtime: Runtime[ChainMapContext]) -> dict:
    """Products and risks follow the business's own node: a crab e-shop gets the e-commerce
    seller's products and risks plus its role's questions, not the crab farm's."""
    ctx = runtime.context
    industry = _own_industry(state, ctx)
    pos = state.get("position")
    role = pos.role if pos is not None else None
    marketing = strategy.marketing_strategy(ctx.products, state["profile"].facts, industry)
    tracked = ctx.track(industry.id) if industry else None
    risk = strategy.risk_strategy(industry, ctx.body(industry.id, tracked) if industry else "", state["profile"],
                                  state.get("screening"), marketing)
    if role is not None and role.differs:
        risk = strategy.with_role(risk, role)
    if tracked is not None:
        risk = strategy.apply_tracking(risk, tracked)
    return {"marketing": marketing, "risk": risk, "profile_version": tracked.profile_label if tracked else None}


def prose_deterministic(facts: dict) -> StrategyProse:
    pitch = render("chain_map/pitch.md.j2", fits=facts["fitting_products"], needs=facts["needs_info_products"],
                   industry=facts["industry"]).strip()
    risk = render("chain_map/risk_summary.md.j2", **facts).strip()
    return StrategyProse(marketing_pitch=pitch[:1500] or "暂无营销建议。", risk_summary=risk[:1500] or "暂无风险提示。")


def prose_passages(facts: dict) -> list[str]:
    """The writer's facts as passages, one per line of chain_map/strategy_facts.md.j2: the prompt
    numbers exactly these, and the grounding check reads exactly these, so the two cannot drift."""
    text = render("chain_map/strategy_facts.md.j2", stage=STAGE_ZH.get(facts.get("chain_stage") or "", ""), **facts)
    return [line.strip() for line in text.splitlines() if line.strip()]


def product_terms(products: Iterable[ProductDoc]) -> list[str]:
    """Product names and aliases from the corpus: a sentence naming one is a product claim."""
    return [t for p in products for t in (p.name, *p.aliases) if len(t) >= 2]


def unsupported_sentences(prose: StrategyProse, passages: list[str], terms: Iterable[str]) -> list[str] | None:
    """None when the prose is grounded in ``passages``; else the sentences no passage supports."""
    report = check_grounding(prose.marketing_pitch + "\n" + prose.risk_summary, passages, product_terms=list(terms))
    return None if report.grounded else report.unsupported


def prose(state: ChainMapState, runtime: Runtime[ChainMapContext]) -> dict:
    ctx = runtime.context
    seg = state["placement"].segment_id
    industry = ctx.industries.get(seg) if seg else None
    pos = state.get("position")
    facts = strategy.prose_facts(state["request"].enterprise.name, industry, state["marketing"], state["risk"],
                                 state["profile"], stage=pos.stage if pos is not None else None)
    passages = prose_passages(facts)
    messages = [("system", read("chain_map/strategy_system.md")),
                ("human", render("chain_map/strategy_user.md.j2", passages=passages))]
    got = invoke_structured(ctx.chat_model, messages, StrategyProse, timeout_s=ctx.llm_timeout_s,
                            fallback=lambda: prose_deterministic(facts))
    value, source, reason, warnings = got.value, got.source, got.reason, []
    if source == "llm" and (bad := unsupported_sentences(value, passages, product_terms(ctx.products))) is not None:
        # only the offending sentences (masked, cut short) reach the log, never the whole prose
        log.warning("strategy prose ungrounded, template used; unsupported: %s", [mask_pii(b)[:80] for b in bad[:3]])
        value, source, reason = prose_deterministic(facts), "fallback", "ungrounded"
    if reason == "ungrounded":
        warnings.append("策略文字有句子在所给事实中找不到依据（ungrounded），已改用模板文字")
    elif source == "fallback":
        warnings.append(f"策略文字模型调用失败（{reason}），已改用模板文字")
    return {"marketing": state["marketing"].model_copy(update={"pitch": value.marketing_pitch}),
            "risk": state["risk"].model_copy(update={"summary": value.risk_summary}),
            "llm": {"prose": source}, "llm_reasons": {"prose": reason or "unknown"} if source == "fallback" else {},
            "warnings": warnings}


def report(state: ChainMapState, runtime: Runtime[ChainMapContext]) -> dict:
    result = ChainMapResult(
        enterprise=state["request"].enterprise, placement=state["placement"], position=state.get("position"),
        profile=state["profile"], marketing=state["marketing"], risk=state["risk"], screening=state.get("screening"),
        llm=dict(state.get("llm", {})), llm_reasons=dict(state.get("llm_reasons", {})),
        warnings=list(state.get("warnings", [])), profile_version=state.get("profile_version"))
    markdown = tidy_markdown(render("chain_map/report.md.j2", r=result, stage_names=STAGE_ZH))
    return {"result": result.model_copy(update={"report_markdown": markdown})}


def tidy_markdown(md: str) -> str:
    """A blank line before every heading and bold block title; never more than one blank line."""
    md = re.sub(r"\n(#{1,4} |\*\*[^*\n]+\*\*\n)", r"\n\n\1", md.strip() + "\n")
    return re.sub(r"\n{3,}", "\n\n", md)
