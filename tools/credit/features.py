"""From an application to (1) the policy facts in ``kb.schema.FACTS`` and (2) the scorecard's features.

Cash flow comes from the bank-flow summary or from raw transactions. Raw transactions go through the
chain-map assistant's statement profile (``tools.txn.profile.compute_profile``) — the adapter point:
any callable returning monthly series can be passed as ``profiler`` instead. Monthly inflows are
divided by the industry's seasonality index before measuring volatility and trend, so a crab farm's
autumn peak is not mistaken for instability and a teapot maker's quiet summer is not a decline.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import BaseModel

from tools.credit.application import Application, BankFlowSummary
from tools.credit.industry import IndustryContext
from tools.credit.scorecard import FeatureSpec
from tools.txn.profile import compute_profile
from tools.txn.transactions import Transaction

#: (months "YYYY-MM", inflow 万元, outflow 万元) for each calendar month, oldest first
MonthlySeries = tuple[list[str], list[float], list[float | None]]
FlowProfiler = Callable[[Sequence[Transaction]], MonthlySeries]

NO_TAX = "无"


class LoanFlow(BaseModel):
    """What the loan needs from the account flows (万元)."""

    source: Literal["summary", "transactions"]
    months: int
    first_month: str
    last_month: str
    monthly_inflow_wan: float
    monthly_outflow_wan: float | None
    annual_inflow_wan: float
    inflow_cv: float | None  # seasonality-adjusted coefficient of variation
    inflow_trend: float | None  # last 3 months / earlier months, seasonality-adjusted
    monthly_inflow_series: list[float]


def chain_map_profiler(txns: Sequence[Transaction]) -> MonthlySeries:
    """Monthly series from the chain-map statement profile (元 → 万元)."""
    prof = compute_profile(txns)
    return (prof.months, [x / 10_000 for x in prof.monthly_inflow], [x / 10_000 for x in prof.monthly_outflow])


def _from_summary(summary: BankFlowSummary) -> MonthlySeries:
    months = summary.months[-12:]
    return [m.month for m in months], [m.inflow_wan for m in months], [m.outflow_wan for m in months]


def _deseasonalised(months: list[str], values: list[float], seasonality: Sequence[float] | None) -> list[float]:
    if not seasonality or len(seasonality) != 12:
        return list(values)
    return [v / max(seasonality[int(m[5:7]) - 1], 0.05) for m, v in zip(months, values)]


def loan_flow(app: Application, seasonality: Sequence[float] | None = None,
              profiler: FlowProfiler | None = None) -> LoanFlow:
    """Monthly inflow, stability and trend over the last 12 months of flows (summary preferred)."""
    if app.bank_flow is not None:
        months, inflow, outflow = _from_summary(app.bank_flow)
        source = "summary"
    else:
        months, inflow, outflow = (profiler or chain_map_profiler)(app.transactions or [])
        months, inflow, outflow = months[-12:], inflow[-12:], outflow[-12:]
        source = "transactions"
    adj = _deseasonalised(months, inflow, seasonality)
    mean_adj = statistics.fmean(adj) if adj else 0.0
    cv = round(statistics.pstdev(adj) / mean_adj, 4) if mean_adj > 0 and len(adj) >= 3 else None
    trend = None
    if len(adj) >= 6 and statistics.fmean(adj[:-3]) > 0:
        trend = round(statistics.fmean(adj[-3:]) / statistics.fmean(adj[:-3]), 4)
    mean_in = statistics.fmean(inflow) if inflow else 0.0
    outs = [o for o in outflow if o is not None]
    return LoanFlow(source=source, months=len(months), first_month=months[0] if months else "",  # type: ignore[arg-type]
                    last_month=months[-1] if months else "", monthly_inflow_wan=round(mean_in, 2),
                    monthly_outflow_wan=round(statistics.fmean(outs), 2) if len(outs) == len(outflow) and outs else None,
                    annual_inflow_wan=round(mean_in * 12, 2), inflow_cv=cv, inflow_trend=trend,
                    monthly_inflow_series=[round(x, 2) for x in inflow])


def build_facts(app: Application, industry: IndustryContext, flow: LoanFlow) -> dict[str, Any]:
    """Every fact in ``kb.schema.FACTS`` (None when the application does not say)."""
    ent, cr, loan = app.enterprise, app.owner.credit_report, app.loan
    return {
        "years_operating": ent.years_operating,
        "annual_revenue_wan": ent.annual_revenue_wan,
        "annual_tax_paid_wan": app.tax.annual_tax_paid_wan if app.tax else None,
        "tax_credit_grade": app.tax.tax_credit_grade if app.tax else None,
        "invoice_months_12m": app.invoice.invoice_months_12m if app.invoice else None,
        "annual_invoice_wan": app.invoice.annual_invoice_wan if app.invoice else None,
        "monthly_inflow_wan": flow.monthly_inflow_wan,
        "has_core_enterprise_orders": ent.has_core_enterprise_orders,
        "is_agricultural": ent.is_agricultural,
        "has_cross_border_sales": ent.has_cross_border_sales,
        "has_collateral": loan.collateral is not None,
        "has_guarantee": loan.guarantee is not None,
        "employee_count": ent.employee_count,
        "owner_age": app.owner_age,
        "overdue_count_24m": cr.overdue_count_24m,
        "max_overdue_days_24m": cr.max_overdue_days_24m,
        "current_overdue": cr.current_overdue,
        "inquiries_3m": cr.inquiries_3m,
        "inquiries_6m": cr.inquiries_6m,
        "debt_to_revenue": round(cr.existing_debt_wan / ent.annual_revenue_wan, 4),
        "industry_access": industry.access,
        "requested_amount_wan": loan.requested_amount_wan,
        "tenor_months": loan.tenor_months,
    }


def credit_support(app: Application) -> str:
    if app.loan.collateral is not None:
        return "抵押"
    if app.loan.guarantee is not None:
        return "担保"
    return "信用"


def build_features(app: Application, industry: IndustryContext, flow: LoanFlow) -> dict[str, Any]:
    """The scorecard's inputs (names match ``SME_FEATURES``); None means missing."""
    ent, cr, loan = app.enterprise, app.owner.credit_report, app.loan
    return {
        "years_operating": ent.years_operating,
        "owner_age": app.owner_age,
        "industry_risk_grade": industry.risk_grade,
        "overdue_count_24m": cr.overdue_count_24m,
        "max_overdue_days_24m": cr.max_overdue_days_24m,
        "inquiries_3m": cr.inquiries_3m,
        "inquiries_6m": cr.inquiries_6m,
        "debt_to_revenue": round(cr.existing_debt_wan / ent.annual_revenue_wan, 4),
        "tax_credit_grade": app.tax.tax_credit_grade if app.tax else NO_TAX,
        "invoice_months_12m": app.invoice.invoice_months_12m if app.invoice else None,
        "inflow_cv": flow.inflow_cv,
        "inflow_trend": flow.inflow_trend,
        "flow_to_revenue": round(flow.annual_inflow_wan / ent.annual_revenue_wan, 4),
        "loan_to_revenue": round(loan.requested_amount_wan / ent.annual_revenue_wan, 4),
        "credit_support": credit_support(app),
        "annual_revenue_wan": ent.annual_revenue_wan,
    }


#: The SME scorecard's characteristics. ``trend`` is the direction of the default rate as the value
#: grows, fixed from credit sense so that no fitted bin can reward a worse characteristic.
SME_FEATURES: list[FeatureSpec] = [
    FeatureSpec(name="years_operating", label="经营年限", trend="descending", unit="年"),
    FeatureSpec(name="owner_age", label="实际控制人年龄", trend="descending", unit="岁"),
    FeatureSpec(name="industry_risk_grade", label="行业风险等级", trend="ascending", unit="级"),
    FeatureSpec(name="overdue_count_24m", label="近24个月逾期次数", trend="ascending", unit="次"),
    FeatureSpec(name="max_overdue_days_24m", label="近24个月最长逾期天数", trend="ascending", unit="天"),
    FeatureSpec(name="inquiries_3m", label="近3个月贷款审批查询", trend="ascending", unit="次"),
    FeatureSpec(name="inquiries_6m", label="近6个月贷款审批查询", trend="ascending", unit="次"),
    FeatureSpec(name="debt_to_revenue", label="负债收入比", trend="ascending"),
    FeatureSpec(name="tax_credit_grade", label="纳税信用等级", kind="categorical"),
    FeatureSpec(name="invoice_months_12m", label="近12个月开票月数", trend="descending", unit="个月"),
    FeatureSpec(name="inflow_cv", label="月度入账波动（剔除季节性）", trend="ascending"),
    FeatureSpec(name="inflow_trend", label="近3个月入账较此前变化（倍）", trend="descending"),
    FeatureSpec(name="flow_to_revenue", label="银行流水与申报收入之比", trend="descending"),
    FeatureSpec(name="loan_to_revenue", label="申请金额与年收入之比", trend="ascending"),
    FeatureSpec(name="credit_support", label="增信方式", kind="categorical"),
    FeatureSpec(name="annual_revenue_wan", label="年营业收入", trend="descending", unit="万元"),
]
