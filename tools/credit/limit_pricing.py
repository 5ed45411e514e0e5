"""Risk-based limit and price from the credit policy's grids, each with its explanation.

Limit = the smallest of: the amount asked; cash-flow capacity (monthly inflow × the score band's
multiple); leverage capacity (verified revenue × the band's ratio − existing debt); the collateral's
value × its loan-to-value; the industry's typical loan ceiling × the access multiplier; the product's
and the policy's caps. Collateral or a guarantee lifts the two capacity measures by
``secured_uplift``. The smallest term is named as the binding constraint, so a reviewer sees *why*
the number is what it is. Price = the grid rate for (band, industry risk grade) + adjustments,
clamped to the product's rate range and the policy's floor and cap.
"""

from __future__ import annotations

import math

from pydantic import BaseModel

from kb.schema import ProductDoc
from tools.credit.application import Application
from tools.credit.features import LoanFlow
from tools.credit.industry import IndustryContext
from tools.credit.policy import CreditPolicy

COLLATERAL_NAMES = {"property": "房产", "equipment": "设备", "deposit": "存单", "receivable": "应收账款", "other": "其他"}


class LimitComponent(BaseModel):
    key: str
    label: str
    value_wan: float
    explanation: str


class LimitResult(BaseModel):
    limit_wan: float
    requested_wan: float
    binding: str
    components: list[LimitComponent]
    offer: bool
    explanation: str


class PriceAdjustment(BaseModel):
    key: str
    pct: float
    explanation: str


class PriceResult(BaseModel):
    rate_pct: float
    base_rate_pct: float
    adjustments: list[PriceAdjustment]
    floor_pct: float
    cap_pct: float
    explanation: str


def _wan(x: float) -> str:
    return f"{x:,.1f}".rstrip("0").rstrip(".")


def compute_limit(policy: CreditPolicy, band: str, app: Application, flow: LoanFlow, industry: IndustryContext,
                  product: ProductDoc | None) -> LimitResult:
    g = policy.limit_grid
    loan, ent = app.loan, app.enterprise
    secured = loan.collateral is not None or loan.guarantee is not None
    uplift = g.secured_uplift if secured else 1.0
    up_txt = f"（有抵押/担保，×{g.secured_uplift:g}）" if secured else ""
    debt = app.owner.credit_report.existing_debt_wan
    verified = min(ent.annual_revenue_wan, flow.annual_inflow_wan) if flow.annual_inflow_wan > 0 else ent.annual_revenue_wan
    comps = [LimitComponent(key="requested", label="申请金额", value_wan=loan.requested_amount_wan,
                            explanation=f"申请金额{_wan(loan.requested_amount_wan)}万元")]
    fm = g.flow_multiple_by_band[band]
    comps.append(LimitComponent(
        key="cash_flow", label="流水额度", value_wan=max(0.0, flow.monthly_inflow_wan * fm * uplift),
        explanation=f"月均入账{_wan(flow.monthly_inflow_wan)}万元 × {band}档{fm:g}倍{up_txt}"))
    rm = g.revenue_multiple_by_band[band]
    comps.append(LimitComponent(
        key="leverage", label="负债上限额度", value_wan=max(0.0, verified * rm * uplift - debt),
        explanation=f"核实收入{_wan(verified)}万元 × {band}档{rm:.0%}{up_txt} − 现有负债{_wan(debt)}万元"))
    if loan.collateral is not None:
        ltv = g.collateral_ltv.get(loan.collateral.type, 0.0)
        comps.append(LimitComponent(
            key="collateral", label="抵押物可贷额", value_wan=loan.collateral.value_wan * ltv,
            explanation=f"{COLLATERAL_NAMES[loan.collateral.type]}评估价值{_wan(loan.collateral.value_wan)}万元 × 抵押率{ltv:.0%}"))
    if industry.typical_loan_max_wan:
        am = g.access_multiplier[industry.access]
        comps.append(LimitComponent(
            key="industry", label="行业上限", value_wan=industry.typical_loan_max_wan * g.industry_typical_multiple * am,
            explanation=f"{industry.name}典型单户贷款上限{_wan(industry.typical_loan_max_wan)}万元 × "
                        f"{g.industry_typical_multiple:g} × {industry.access}类系数{am:g}"))
    if product is not None and product.amount_wan is not None:
        comps.append(LimitComponent(key="product", label="产品上限", value_wan=product.amount_wan.max,
                                    explanation=f"{product.name}最高{_wan(product.amount_wan.max)}万元"))
    comps.append(LimitComponent(key="policy_cap", label="单户上限", value_wan=g.single_borrower_cap_wan,
                                explanation=f"普惠单户授信上限{_wan(g.single_borrower_cap_wan)}万元"))
    binding = min(comps, key=lambda c: c.value_wan)
    limit = max(0.0, math.floor(binding.value_wan / g.rounding_wan) * g.rounding_wan)
    floor = max(g.min_offer_wan, product.amount_wan.min if product and product.amount_wan else 0.0)
    offer = limit >= floor and limit > 0
    if offer:
        text = f"核定额度{_wan(limit)}万元，由“{binding.label}”决定：{binding.explanation}。"
        if limit < loan.requested_amount_wan:
            text += f"低于申请金额{_wan(loan.requested_amount_wan)}万元。"
    else:
        text = (f"测算额度{_wan(limit)}万元低于起贷金额{_wan(floor)}万元（由“{binding.label}”决定："
                f"{binding.explanation}），不予核额。")
    return LimitResult(limit_wan=limit if offer else 0.0, requested_wan=loan.requested_amount_wan,
                       binding=binding.key, components=comps, offer=offer, explanation=text)


def compute_price(policy: CreditPolicy, band: str, risk_grade: int, app: Application,
                  product: ProductDoc | None) -> PriceResult:
    pg = policy.pricing_grid
    base = pg.base_rate_pct[band][min(max(risk_grade, 1), 5) - 1]
    adj: list[PriceAdjustment] = []
    a = pg.adjustments_pct
    if app.loan.collateral is not None and "collateral" in a:
        adj.append(PriceAdjustment(key="collateral", pct=a["collateral"], explanation=f"抵押{a['collateral']:+.2f}"))
    if app.loan.guarantee is not None:
        key = "government_guarantee" if app.loan.guarantee.type == "government_guarantee" else "other_guarantee"
        if key in a:
            name = "政府性融资担保" if key == "government_guarantee" else "保证担保"
            adj.append(PriceAdjustment(key=key, pct=a[key], explanation=f"{name}{a[key]:+.2f}"))
    if app.loan.tenor_months > 36 and "tenor_over_36m" in a:
        adj.append(PriceAdjustment(key="tenor_over_36m", pct=a["tenor_over_36m"],
                                   explanation=f"期限超过36个月{a['tenor_over_36m']:+.2f}"))
    lo, hi = pg.floor_pct, pg.cap_pct
    if product is not None and product.rate_pct is not None:
        lo, hi = max(lo, product.rate_pct.min), min(hi, product.rate_pct.max)
    raw = base + sum(x.pct for x in adj)
    rate = round(min(max(raw, lo), hi), 2)
    text = f"定价表{band}档、行业风险{risk_grade}级基准利率{base:.2f}%"
    if adj:
        text += "，调整：" + "、".join(x.explanation for x in adj)
    if rate != round(raw, 2):
        text += f"，按{'产品/政策利率区间' if product else '政策利率区间'}{lo:.2f}%–{hi:.2f}%调整"
    text += f"，执行年化利率{rate:.2f}%。"
    return PriceResult(rate_pct=rate, base_rate_pct=base, adjustments=adj, floor_pct=lo, cap_pct=hi, explanation=text)
