"""Marketing and risk strategies derived from the chain position, the profile and the flags.

Rankings, eligibility and risk lists are deterministic (tools and corpus); only the two prose
paragraphs may come from a model (nodes.prose, grounded in prose_facts), and they never change these lists.
"""

from __future__ import annotations

from collections.abc import Sequence

from agents.chain_map.industry_text import bullets, sections
from agents.chain_map.role import load_lexicon
from agents.chain_map.schemas import CustomerProfile, MarketingStrategy, RiskStrategy, RoleEvidence, Screening
from kb.schema import FACTS, IndustryDoc, ProductDoc
from tools.monitoring.tracking import SegmentTracking
from tools.products import match_products
from tools.txn.flags import TYPOLOGY_NAMES_ZH

FLAG_QUESTIONS: dict[str, str] = {
    "implausible_counterparty": "与产业链无关行业的交易对手（见预警）是什么关系？请提供合同、发票和物流单据。",
    "circular_flow": "资金转出后又以相近金额转回的往来是什么业务？是否为关联方资金周转或刷流水？",
    "fan_in": "短期内大量新对手转入的资金来源是什么？是否为代收或归集他人资金？",
    "fan_out": "短期内向大量新对手转出的用途是什么？是否代付或分散转移资金？",
    "structuring": "多笔略低于大额报告阈值的现金/转账是否有意拆分？资金来源和用途是什么？",
    "round_amount": "重复出现的整数金额往来对应什么业务？能否提供对应合同和发票？",
    "pass_through": "当日进出的大额资金是什么交易？为何不在账户停留？",
    "dormancy_burst": "账户长期静默期间经营是否中断？恢复后交易突增的原因是什么？账户是否由本人使用？",
    "seasonality_mismatch": "淡季入账明显偏高的原因是什么？是否有新增业务或一次性收入？",
}


def marketing_strategy(products: Sequence[ProductDoc], facts: dict, industry: IndustryDoc | None) -> MarketingStrategy:
    preferred = industry.fitting_products if industry else []
    return MarketingStrategy(products=match_products(products, facts, preferred))


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i.strip() for i in items if i and i.strip()))


def risk_strategy(industry: IndustryDoc | None, body: str, profile: CustomerProfile,
                  screening: Screening | None, marketing: MarketingStrategy) -> RiskStrategy:
    sec = sections(body) if body else {}
    flags = screening.flags if screening else []
    enterprise = list(profile.risk_features)
    for f in flags:
        if f.severity in ("high", "medium"):
            enterprise.append(f"【{'高' if f.severity == 'high' else '中'}】{TYPOLOGY_NAMES_ZH[f.typology]}："
                              f"{len(f.evidence)}笔，合计{f.total_amount / 10_000:,.1f}万元")
    questions = bullets(sec.get("尽调要点", ""))
    questions += [FLAG_QUESTIONS[t] for t in dict.fromkeys(f.typology for f in flags)]
    top = next((m for m in marketing.products if m.category == "loan" and m.status != "fails"), None)
    if top and top.missing:
        questions.append(f"办理「{top.name}」还需确认：" + "、".join(o.label for o in top.missing) + "。")
    watch = list(industry.watch_signals) if industry else []
    watch += bullets(sec.get("贷后预警信号", ""))
    flow = profile.flow
    if flow and flow.n_txn and flow.avg_monthly_inflow > 0:
        watch.append(f"月入账连续2个月低于{flow.avg_monthly_inflow * 0.5 / 10_000:,.1f}万元（当前月均的50%）")
        tops = [c for c in flow.top_counterparties if c.direction == "in"][:1]
        if tops and tops[0].share >= 0.2:
            watch.append(f"主要付款方「{tops[0].counterparty}」（占入账{tops[0].share:.0%}）回款中断或明显减少")
    if industry is None:
        questions.insert(0, "行业未能识别：请补充主营业务、主要产品和上下游客户的说明。")
    return RiskStrategy(
        risk_grade=industry.risk_grade if industry else None,
        industry_risks=_dedupe((list(industry.risk_tags) if industry else []) + bullets(sec.get("风险要点", ""))),
        enterprise_risks=_dedupe(enterprise), due_diligence=_dedupe(questions), watch_signals=_dedupe(watch))


def with_role(risk: RiskStrategy, role: RoleEvidence) -> RiskStrategy:
    """The questions and signals of the business's own role first (data/roles.yaml), then the industry's."""
    spec = load_lexicon().roles[role.stage]
    return risk.model_copy(update={"due_diligence": _dedupe(spec.due_diligence + risk.due_diligence),
                                   "watch_signals": _dedupe(spec.watch_signals + risk.watch_signals)})


def apply_tracking(risk: RiskStrategy, tracked: SegmentTracking) -> RiskStrategy:
    """Industry signals (issue #15) set the stance: 收紧 raises the grade one step and adds the evidence to
    the watch list; 放宽 lowers it one step. The evidence names the month and the series."""
    grade = risk.risk_grade
    if grade is not None and tracked.stance != "维持":
        grade = min(5, grade + 1) if tracked.stance == "收紧" else max(1, grade - 1)
    watch = risk.watch_signals + [f"行业指标：{e}" for e in tracked.evidence() if "收紧" in e]
    return risk.model_copy(update={"risk_grade": grade, "stance": tracked.stance,
                                   "industry_signals": tracked.evidence(), "watch_signals": _dedupe(watch)})


def prose_facts(name: str, industry: IndustryDoc | None, marketing: MarketingStrategy, risk: RiskStrategy,
                profile: CustomerProfile, stage: str | None = None) -> dict:
    """The only facts the prose writer (model or template) may use; ``stage`` is the business's own."""
    fits = [m for m in marketing.products if m.status == "fits"][:3]
    info = [m for m in marketing.products if m.status == "needs_info"][:3]
    return {
        "enterprise": name,
        "industry": industry.name if industry else None,
        "chain_stage": stage or (industry.chain_stage if industry else None),
        "fitting_products": [{"name": m.name, "why": [o.text for o in m.met][:4]} for m in fits],
        "needs_info_products": [{"name": m.name, "missing": [FACTS.get(o.fact, o.fact) for o in m.missing]} for m in info],
        "fund_features": profile.fund_features[:4],
        "risk_grade": risk.risk_grade,
        "industry_risks": risk.industry_risks[:4],
        "enterprise_risks": risk.enterprise_risks[:5],
        "watch_signals": risk.watch_signals[:4],
    }
