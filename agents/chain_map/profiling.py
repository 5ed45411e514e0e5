"""Customer profile: the facts product rules test, and the flow figures said in plain Chinese.

Facts come from what the manager entered first, then from tax/invoice summaries, then from the
statement (marked 流水推算) and the segment (marked 行业); each fact records its source so a reader
knows which numbers were given and which were inferred.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agents.chain_map.schemas import CustomerProfile, EnterpriseInput, RoleEvidence
from kb.schema import IndustryDoc
from tools.txn.profile import FlowProfile, compute_profile
from tools.txn.transactions import Transaction

AGRI_GBT = ("01", "02", "03", "04", "05")  # GB/T 4754 门类 A 农、林、牧、渔业


def _wan(x: float) -> str:
    return f"{x / 10_000:,.1f}万元"


def derive_facts(ent: EnterpriseInput, flow: FlowProfile | None, industry: IndustryDoc | None,
                 industry_access: str | None = None, role: RoleEvidence | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Known and derived facts; ``role`` (the business's own) overrides what the segment implies:
    a shop selling crabs online does not farm, so it is not agricultural even though 大闸蟹养殖 is."""
    facts: dict[str, Any] = {}
    src: dict[str, str] = {}

    def put(name: str, value: Any, source: str) -> None:
        if value is not None and name not in facts:
            facts[name], src[name] = value, source

    for name, value in ent.facts.items():
        put(name, value, "输入")
    put("years_operating", ent.years_operating, "输入")
    put("annual_revenue_wan", ent.annual_revenue_wan, "输入")
    put("employee_count", ent.employee_count, "输入")
    if ent.tax:
        put("annual_tax_paid_wan", ent.tax.annual_tax_paid_wan, "纳税信息")
        put("tax_credit_grade", ent.tax.tax_credit_grade, "纳税信息")
        put("annual_revenue_wan", ent.tax.declared_revenue_wan, "纳税申报")
    if ent.invoices:
        put("invoice_months_12m", ent.invoices.invoice_months_12m, "开票信息")
        put("annual_invoice_wan", ent.invoices.annual_invoice_wan, "开票信息")
    if flow and flow.n_txn and len(flow.months) >= 3:
        put("monthly_inflow_wan", round(flow.avg_monthly_inflow / 10_000, 2), "流水推算")
        if len(flow.months) >= 6:
            put("annual_revenue_wan", round(flow.total_inflow / len(flow.months) * 12 / 10_000, 1), "流水推算")
    if industry is not None:
        if role is not None and role.differs:
            put("is_agricultural", role.role == "upstream" and role.input_supplied is None, "经营环节")
        else:
            put("is_agricultural", any(c.startswith(AGRI_GBT) for c in industry.gbt_codes), "行业")
        cross = industry.id == "cross_border_ecommerce" or "跨境" in ent.business_scope
        put("has_cross_border_sales", True if cross else None, "行业/经营范围")
    elif "跨境" in ent.business_scope:
        put("has_cross_border_sales", True, "经营范围")
    put("industry_access", industry_access, "授信政策")
    return facts, src


def fund_sentences(flow: FlowProfile) -> tuple[list[str], list[str], list[str]]:
    """(fund features, operating behaviour, risk features) as short Chinese sentences."""
    fund, ops, risk = [], [], []
    n = len(flow.months)
    fund.append(f"{flow.months[0]}至{flow.months[-1]}共{n}个月、{flow.n_txn}笔交易：入账{_wan(flow.total_inflow)}，"
                f"出账{_wan(flow.total_outflow)}，月均入账{_wan(flow.avg_monthly_inflow)}。")
    if flow.seasonality_corr is not None:
        r = flow.seasonality_corr
        verdict = "一致" if r >= 0.5 else ("基本一致" if r >= 0.2 else "不一致")
        fund.append(f"月度入账与行业季节指数的相关系数为{r:.2f}，季节规律与行业{verdict}。")
        if r < 0:
            risk.append(f"资金流季节性与行业相反（r={r:.2f}），需核实经营实质。")
    if flow.top5_share_in is not None:
        fund.append(f"前五大付款方占入账{flow.top5_share_in:.0%}（HHI {flow.hhi_in:.2f}），"
                    f"前五大收款方占出账{(flow.top5_share_out or 0):.0%}。")
        if (flow.hhi_in or 0) >= 0.25:
            risk.append(f"下游客户高度集中（HHI {flow.hhi_in:.2f}），单一客户流失影响大。")
    if flow.chain_consistent_share is not None:
        fund.append(f"可识别行业的交易对手中，{flow.chain_consistent_share:.0%}的金额与本企业产业链位置相符"
                    f"（可识别部分占全部流水{(flow.chain_linked_share or 0):.0%}）。")
        if flow.chain_consistent_share < 0.7:
            risk.append(f"仅{flow.chain_consistent_share:.0%}的可识别流水来自产业链上下游，交易背景需核实。")
    if flow.cash_share >= 0.3:
        risk.append(f"现金交易占比{flow.cash_share:.0%}，资金可追溯性弱。")
    if flow.trend_3m is not None and flow.trend_3m < 0.7:
        risk.append(f"近3个月入账仅为此前月均的{flow.trend_3m:.0%}，经营可能下滑。")
    if flow.inflow_cv is not None and flow.inflow_cv > 0.8:
        risk.append(f"月度入账波动大（变异系数{flow.inflow_cv:.2f}）。")
    if flow.total_outflow > 1.2 * flow.total_inflow > 0:
        risk.append("出账显著大于入账，可能依赖外部资金或有资金外流。")
    ops.append(f"活跃{flow.active_months}/{n}个月；付款方{flow.counterparties_in}个、收款方{flow.counterparties_out}个；"
               f"笔均入账{_wan(flow.avg_ticket_in or 0)}、笔均出账{_wan(flow.avg_ticket_out or 0)}。")
    labels = {"payroll": "代发工资/社保", "tax": "纳税", "rent": "房租", "utilities": "水电", "loan": "还贷"}
    routine = [f"{labels[k]}{v}个月" for k, v in flow.behaviour_months.items() if v]
    ops.append("规律性支出：" + ("、".join(routine) if routine else "流水中未见代发工资、纳税、房租等规律支出") + "。")
    if not flow.behaviour_months.get("tax"):
        risk.append("流水中未见纳税支出，需核实纳税情况。")
    return fund, ops, risk


def build_profile(ent: EnterpriseInput, txns: list[Transaction], industry: IndustryDoc | None,
                  plausible: Callable[[Transaction], bool | None] | None,
                  industry_access: str | None = None, role: RoleEvidence | None = None) -> CustomerProfile:
    flow = compute_profile(txns, industry.seasonality if industry else None, plausible) if txns else None
    facts, sources = derive_facts(ent, flow, industry, industry_access, role)
    fund, ops, risk = fund_sentences(flow) if flow else ([], [], [])
    if not txns:
        fund.append("未提供交易流水：资金特征待补充近12个月结算流水后生成。")
    return CustomerProfile(flow=flow, industry_seasonality=industry.seasonality if industry else None,
                           fund_features=fund, operating_behaviour=ops, risk_features=risk,
                           facts=facts, fact_sources=sources)
