"""Fund-flow profile of one enterprise from its statement: the numbers a credit officer reads first.

Pure functions over ``Transaction`` lists, shared by the chain-map assistant (customer profile) and
the loan assistant (monthly inflow for limits, concentration and trend for risk). Amounts are 元.
Nothing here judges: it measures, and the screening rules and scorecards decide.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence

from pydantic import BaseModel, Field

from tools.txn.transactions import Transaction

# Memo keywords that reveal ordinary operating behaviour (payroll, tax, rent, utilities).
BEHAVIOUR_KEYWORDS: dict[str, tuple[str, ...]] = {
    "payroll": ("工资", "薪", "代发", "奖金", "年终奖", "绩效", "社保", "公积金"),
    "tax": ("税", "税务"),
    "rent": ("房租", "租金", "租赁费", "场地费"),
    "utilities": ("电费", "水费", "燃气", "电力", "自来水"),
    "loan": ("贷款", "还款", "利息", "还本"),
}


DEPOSIT_WORDS = ("保证金", "押金", "质保金")


def is_deposit(memo: str | None) -> bool:
    """A bond or deposit paid out or refunded: money that comes back by design, not trade or income."""
    return bool(memo) and any(w in memo for w in DEPOSIT_WORDS)


def is_routine(memo: str | None) -> bool:
    """True when a memo names a routine operating payment (payroll, tax, rent, utilities, loan)."""
    return bool(memo) and any(w in memo for words in BEHAVIOUR_KEYWORDS.values() for w in words)


class CounterpartyShare(BaseModel):
    counterparty: str
    direction: str
    amount: float
    share: float = Field(description="share of this direction's total amount")
    count: int


class FlowProfile(BaseModel):
    n_txn: int
    first_date: dt.date | None
    last_date: dt.date | None
    months: list[str] = Field(description="every calendar month from first to last, YYYY-MM")
    monthly_inflow: list[float]
    monthly_outflow: list[float]
    total_inflow: float
    total_outflow: float
    avg_monthly_inflow: float
    avg_monthly_outflow: float
    active_months: int
    avg_ticket_in: float | None
    avg_ticket_out: float | None
    inflow_cv: float | None = Field(description="coefficient of variation of monthly inflow")
    trend_3m: float | None = Field(description="last 3 months' average inflow / the months before")
    own_seasonality: list[float] | None = Field(description="inflow by calendar month Jan..Dec, mean 1.0")
    seasonality_corr: float | None = Field(description="Pearson r of monthly inflow vs the industry index")
    counterparties_in: int
    counterparties_out: int
    hhi_in: float | None = Field(description="Herfindahl index of inflow shares, 0..1")
    hhi_out: float | None
    top5_share_in: float | None
    top5_share_out: float | None
    top_counterparties: list[CounterpartyShare]
    cash_share: float
    channel_mix: dict[str, float]
    chain_consistent_share: float | None = Field(
        description="share of linked flow amount whose counterparty is plausible for the chain position")
    chain_linked_share: float | None = Field(description="share of all flow amount whose counterparty was linked")
    behaviour_months: dict[str, int] = Field(description="months with payroll/tax/rent/utility/loan payments")


def month_key(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def month_range(first: dt.date, last: dt.date) -> list[str]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def full_months(first: dt.date, last: dt.date, values: list[float]) -> list[float]:
    """``values`` without a partial first month (starting after the 5th) or last month (ending before
    the 25th): trend and volatility compare whole months only."""
    lo = 1 if first.day > 5 and len(values) > 1 else 0
    hi = len(values) - 1 if last.day < 25 and len(values) - lo > 1 else len(values)
    return values[lo:hi]


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) != len(ys) or len(xs) < 3:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    return sxy / (sxx * syy) ** 0.5


def concentration(amounts: dict[str, float]) -> tuple[float | None, float | None]:
    """(HHI, top-5 share) of amounts by counterparty; None when there is no flow."""
    total = sum(amounts.values())
    if total <= 0:
        return None, None
    shares = sorted((a / total for a in amounts.values()), reverse=True)
    return round(sum(s * s for s in shares), 4), round(sum(shares[:5]), 4)


def own_seasonality(months: list[str], inflow: list[float], min_months: int = 6) -> list[float] | None:
    """Average inflow per calendar month (over the months observed), scaled to mean 1.0."""
    by_cal: dict[int, list[float]] = defaultdict(list)
    for key, value in zip(months, inflow):
        by_cal[int(key[5:7])].append(value)
    if len(by_cal) < min_months:
        return None
    avg = {m: statistics.fmean(v) for m, v in by_cal.items()}
    mean = statistics.fmean(avg.values())
    if mean <= 0:
        return None
    return [round(avg[m] / mean, 3) if m in avg else 0.0 for m in range(1, 13)]


def seasonality_correlation(months: list[str], inflow: list[float], industry_index: Sequence[float],
                            min_months: int = 6) -> float | None:
    """Pearson r between observed monthly inflow and the industry's index for the same calendar months."""
    if len(months) < min_months or len(industry_index) != 12:
        return None
    expected = [industry_index[int(k[5:7]) - 1] for k in months]
    r = pearson(inflow, expected)
    return None if r is None else round(r, 3)


def compute_profile(txns: Sequence[Transaction], industry_index: Sequence[float] | None = None,
                    plausible: Callable[[Transaction], bool | None] | None = None) -> FlowProfile:
    """Profile a statement. ``plausible(txn)`` is True/False for a linked counterparty, None if unknown."""
    if not txns:
        return FlowProfile(n_txn=0, first_date=None, last_date=None, months=[], monthly_inflow=[],
                           monthly_outflow=[], total_inflow=0, total_outflow=0, avg_monthly_inflow=0,
                           avg_monthly_outflow=0, active_months=0, avg_ticket_in=None, avg_ticket_out=None,
                           inflow_cv=None, trend_3m=None, own_seasonality=None, seasonality_corr=None,
                           counterparties_in=0, counterparties_out=0, hhi_in=None, hhi_out=None,
                           top5_share_in=None, top5_share_out=None, top_counterparties=[], cash_share=0,
                           channel_mix={}, chain_consistent_share=None, chain_linked_share=None,
                           behaviour_months={k: 0 for k in BEHAVIOUR_KEYWORDS})
    first, last = min(t.date for t in txns), max(t.date for t in txns)
    months = month_range(first, last)
    pos = {m: i for i, m in enumerate(months)}
    m_in, m_out = [0.0] * len(months), [0.0] * len(months)
    by_cp: dict[str, dict[str, float]] = {"in": defaultdict(float), "out": defaultdict(float)}
    cp_count: dict[tuple[str, str], int] = defaultdict(int)
    channels: dict[str, float] = defaultdict(float)
    behaviour: dict[str, set[str]] = {k: set() for k in BEHAVIOUR_KEYWORDS}
    linked = consistent = judged = 0.0
    for t in txns:
        k = month_key(t.date)
        (m_in if t.direction == "in" else m_out)[pos[k]] += t.amount
        by_cp[t.direction][t.counterparty] += t.amount
        cp_count[(t.direction, t.counterparty)] += 1
        channels[t.channel] += t.amount
        memo = t.memo or ""
        for name, words in BEHAVIOUR_KEYWORDS.items():
            if t.direction == "out" and any(w in memo for w in words):
                behaviour[name].add(k)
        if plausible is not None:
            verdict = plausible(t)
            if verdict is not None:
                linked += t.amount
                judged += t.amount
                consistent += t.amount if verdict else 0.0
    total_in, total_out = sum(m_in), sum(m_out)
    total = total_in + total_out
    n_in = sum(1 for t in txns if t.direction == "in")
    n_out = len(txns) - n_in
    hhi_in, top5_in = concentration(by_cp["in"])
    hhi_out, top5_out = concentration(by_cp["out"])
    tops = []
    for direction, dir_total in (("in", total_in), ("out", total_out)):
        ranked = sorted(by_cp[direction].items(), key=lambda kv: -kv[1])[:5]
        tops += [CounterpartyShare(counterparty=cp, direction=direction, amount=round(a, 2),
                                   share=round(a / dir_total, 4) if dir_total else 0.0,
                                   count=cp_count[(direction, cp)]) for cp, a in ranked]
    full = full_months(first, last, m_in)  # a statement cut mid-month must not read as a slump
    mean_in = statistics.fmean(full) if full else 0.0
    cv = round(statistics.pstdev(full) / mean_in, 3) if mean_in > 0 and len(full) >= 3 else None
    trend = None
    if len(full) >= 6 and statistics.fmean(full[:-3]) > 0:
        trend = round(statistics.fmean(full[-3:]) / statistics.fmean(full[:-3]), 3)
    return FlowProfile(
        n_txn=len(txns), first_date=first, last_date=last, months=months,
        monthly_inflow=[round(x, 2) for x in m_in], monthly_outflow=[round(x, 2) for x in m_out],
        total_inflow=round(total_in, 2), total_outflow=round(total_out, 2),
        avg_monthly_inflow=round(total_in / len(months), 2), avg_monthly_outflow=round(total_out / len(months), 2),
        active_months=sum(1 for a, b in zip(m_in, m_out) if a + b > 0),
        avg_ticket_in=round(total_in / n_in, 2) if n_in else None,
        avg_ticket_out=round(total_out / n_out, 2) if n_out else None,
        inflow_cv=cv, trend_3m=trend, own_seasonality=own_seasonality(months, m_in),
        seasonality_corr=seasonality_correlation(months, m_in, industry_index) if industry_index else None,
        counterparties_in=len(by_cp["in"]), counterparties_out=len(by_cp["out"]),
        hhi_in=hhi_in, hhi_out=hhi_out, top5_share_in=top5_in, top5_share_out=top5_out, top_counterparties=tops,
        cash_share=round(channels.get("cash", 0.0) / total, 4) if total else 0.0,
        channel_mix={c: round(a / total, 4) for c, a in sorted(channels.items())} if total else {},
        chain_consistent_share=round(consistent / judged, 4) if judged else None,
        chain_linked_share=round(linked / total, 4) if (plausible is not None and total) else None,
        behaviour_months={k: len(v) for k, v in behaviour.items()},
    )
