"""Post-loan warning signals for a whole book at once (numpy over loans × months, no row loops), the
warning level (正常/关注/预警/高危), reason codes and the per-segment disposal action.

Each signal is a boolean per loan with the number behind it (kept for the evidence line):
- M01 flow_drop: the last two months' inflow, divided by the segment's own seasonality, below
  ``flow_ratio`` of the seasonally adjusted median of the months before — a crab farmer's quiet
  winter is not a drop, a garment maker's quiet September is;
- M02 repayment_delay: days past due at month end (1–29 one point, 30–89 two, ≥ 90 three);
- M03 concentration_change: the largest counterparty's share up by ``conc_jump`` against before;
- M04 tax_gap: invoiced/declared revenue per yuan of inflow fell below ``tax_ratio`` of its own norm;
- M05 industry_signal: the segment's indicators tighten its strategy (tools.monitoring.indicators);
- M06 chain_flag: the chain map's transaction screening flagged the month's statement.
Points add up: 0 正常, 1 关注, 2 预警, ≥ 3 高危 (≥ 90 days past due is 高危 on its own).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from tools.monitoring.book import LoanBook

LEVELS = ("正常", "关注", "预警", "高危")
SIGNALS = {"flow_drop": "M01", "repayment_delay": "M02", "concentration_change": "M03", "tax_gap": "M04",
           "industry_signal": "M05", "chain_flag": "M06"}
SIGNAL_NAMES_ZH = {"flow_drop": "流水下降（剔除季节性）", "repayment_delay": "还款逾期", "concentration_change": "交易对手集中度突增",
                   "tax_gap": "开票/纳税与流水缺口", "industry_signal": "行业信号收紧", "chain_flag": "交易筛查预警"}


class SignalParams(BaseModel):
    flow_ratio: float = 0.6
    recent_months: int = 2
    conc_jump: float = 0.2
    tax_ratio: float = 0.5


@dataclass
class SignalResult:
    flags: dict[str, np.ndarray]  # signal → bool (n,)
    values: dict[str, np.ndarray]  # signal → the number behind it (ratio, days, share change…)
    points: np.ndarray  # (n,) int
    level: np.ndarray  # (n,) int index into LEVELS


def seasonality_matrix(book: LoanBook, seasonality: dict[str, list[float]]) -> np.ndarray:
    """(n, m) seasonal factor of each loan's segment in each month (1.0 for a segment without one)."""
    segs = book.loans["segment"].to_numpy()
    uniq, idx = np.unique(segs, return_inverse=True)
    table = np.array([seasonality.get(s, [1.0] * 12) for s in uniq], dtype=float)
    cal = np.array([int(m[5:]) - 1 for m in book.months])
    return table[idx][:, cal]


def compute(book: LoanBook, seasonality: dict[str, list[float]], tightened: set[str],
            params: SignalParams | None = None) -> SignalResult:
    p = params or SignalParams()
    r = p.recent_months
    if len(book.months) < r + 3:
        raise ValueError(f"months: 至少需要 {r + 3} 个月的数据，当前 {len(book.months)} 个")
    adj = book.inflow / np.maximum(seasonality_matrix(book, seasonality), 1e-6)
    before = np.median(adj[:, :-r][:, -10:], axis=1)
    flow_ratio = adj[:, -r:].mean(axis=1) / np.maximum(before, 1e-9)
    dpd = book.dpd[:, -1]
    conc_change = book.top_share[:, -3:].mean(axis=1) - np.median(book.top_share[:, :-3], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        norm = np.median(book.tax_revenue[:, :-3] / np.maximum(book.inflow[:, :-3], 1e-9), axis=1)
        recent = book.tax_revenue[:, -3:].sum(axis=1) / np.maximum(book.inflow[:, -3:].sum(axis=1), 1e-9)
        tax_ratio = np.where(norm > 0, recent / norm, 1.0)
    industry = np.isin(book.loans["segment"].to_numpy(), list(tightened))
    flags = {
        "flow_drop": (flow_ratio < p.flow_ratio) & (before > 0),
        "repayment_delay": dpd > 0,
        "concentration_change": conc_change >= p.conc_jump,
        "tax_gap": tax_ratio < p.tax_ratio,
        "industry_signal": industry,
        "chain_flag": book.chain_flags[:, -1] > 0,
    }
    values = {"flow_drop": flow_ratio, "repayment_delay": dpd.astype(float), "concentration_change": conc_change,
              "tax_gap": tax_ratio, "industry_signal": industry.astype(float),
              "chain_flag": book.chain_flags[:, -1].astype(float)}
    delay_pts = np.select([dpd >= 90, dpd >= 30, dpd > 0], [3, 2, 1], 0)
    points = delay_pts + sum(flags[s].astype(int) for s in SIGNALS if s != "repayment_delay")
    level = np.minimum(points, 3)
    level = np.where(dpd >= 90, 3, level)
    return SignalResult(flags=flags, values=values, points=points, level=level)


def evidence(result: SignalResult, i: int, months: list[str]) -> list[dict]:
    """Evidence lines of one loan (for the alerts shown and stored, not for the computation)."""
    v, out, last = result.values, [], months[-1]
    text = {
        "flow_drop": lambda: f"近2个月季节调整后入账为此前中位数的 {v['flow_drop'][i]:.0%}",
        "repayment_delay": lambda: f"{last} 月末逾期 {int(v['repayment_delay'][i])} 天",
        "concentration_change": lambda: f"最大交易对手占比近3个月上升 {v['concentration_change'][i]:.0%}",
        "tax_gap": lambda: f"近3个月开票/申报收入与入账之比为常态的 {v['tax_gap'][i]:.0%}",
        "industry_signal": lambda: "所属行业指标触发收紧信号",
        "chain_flag": lambda: f"{last} 交易筛查命中 {int(v['chain_flag'][i])} 项",
    }
    for name, code in SIGNALS.items():
        if result.flags[name][i]:
            out.append({"code": code, "signal": name, "name": SIGNAL_NAMES_ZH[name], "evidence": text[name]()})
    return out
