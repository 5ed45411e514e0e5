"""Time-shape rules: dormancy then a burst, and monthly inflows that contradict the industry's season.

Both read the industry's 12-month seasonality index when it is known: a crab farmer silent from
January to March is in his off-season, not dormant; a tea grower taking in three times his usual
money in December is out of season, and worth a question.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Collection, Sequence

from tools.txn.flags import Flag, ScreeningParams, make_flag, wan
from tools.txn.profile import is_deposit, month_key, month_range
from tools.txn.transactions import Transaction, chronological


def _gap_season(start: dt.date, end: dt.date, index: Sequence[float] | None) -> float | None:
    """Mean industry index over the calendar days of a gap (None when no index is known)."""
    if not index:
        return None
    days = (end - start).days
    vals = [index[(start + dt.timedelta(days=k)).month - 1] for k in range(1, max(days, 1))]
    return statistics.fmean(vals) if vals else None


def dormancy_burst(txns: Sequence[Transaction], p: ScreeningParams,
                   industry_index: Sequence[float] | None = None) -> list[Flag]:
    """A silence of ≥ dormant_days outside the off-season, followed by a burst of activity."""
    order = chronological(txns)
    flags = []
    for a, b in zip(order, order[1:]):
        gap = (txns[b].date - txns[a].date).days
        if gap < p.dormant_days:
            continue
        season = _gap_season(txns[a].date, txns[b].date, industry_index)
        if season is not None and season < p.dormancy_season_floor:
            continue  # the industry's own off-season explains the silence
        start = txns[b].date
        burst = [i for i in order if 0 <= (txns[i].date - start).days < p.burst_window_days]
        before = [i for i in order if txns[i].date <= txns[a].date]
        if len(burst) < p.burst_min_txns:
            continue
        burst_amt = sum(txns[i].amount for i in burst)
        span = max((txns[before[-1]].date - txns[before[0]].date).days, 1)
        usual = len(before) / span * p.burst_window_days
        known = {txns[i].counterparty for i in before}
        new_share = sum(1 for i in burst if txns[i].counterparty not in known) / len(burst)
        if len(burst) < p.burst_vs_usual * usual and new_share < p.burst_new_share:
            continue  # activity merely resumed at its usual pace with the usual counterparties
        season_txt = f"，期间行业季节指数均值{season:.2f}（非淡季）" if season is not None else ""
        flags.append(make_flag(
            "TS08", "dormancy_burst", "high" if len(burst) >= 2 * p.burst_min_txns else "medium",
            f"账户自{txns[a].date.isoformat()}起静默{gap}天{season_txt}，恢复后{p.burst_window_days}天内"
            f"突发{len(burst)}笔交易、合计{wan(burst_amt)}（此前平均每{p.burst_window_days}天约{usual:.1f}笔，其中{new_share:.0%}为新对手），"
            f"疑似账户被出租/出借或休眠户被激活用于过渡资金。",
            list(txns), burst, gap_days=gap, burst_txns=len(burst), usual_txns=round(usual, 1),
            new_share=round(new_share, 2)))
    return flags


def seasonality_mismatch(txns: Sequence[Transaction], p: ScreeningParams,
                         industry_index: Sequence[float] | None, exclude: Collection[int] = ()) -> list[Flag]:
    """Off-season months whose inflow is ≥ season_ratio × what the industry index predicts.

    The expected level is robust (median of inflow / index over the months), so one bad month does
    not set its own bar. Transactions already flagged by another rule are left out first: the same
    money should be explained once.
    """
    if not industry_index or len(industry_index) != 12 or max(industry_index) <= 0:
        return []
    inflows = [i for i in range(len(txns))  # deposit refunds are not income
               if txns[i].direction == "in" and i not in exclude and not is_deposit(txns[i].memo)]
    if not inflows:
        return []
    months = month_range(min(t.date for t in txns), max(t.date for t in txns))
    if len(months) < p.season_min_months:
        return []
    by_month: dict[str, list[int]] = defaultdict(list)
    for i in inflows:
        by_month[month_key(txns[i].date)].append(i)
    amount = {m: sum(txns[i].amount for i in by_month.get(m, [])) for m in months}
    mean_idx = statistics.fmean(industry_index)
    idx = {m: industry_index[int(m[5:7]) - 1] / mean_idx for m in months}
    level = statistics.median(amount[m] / idx[m] for m in months if idx[m] > 0.05)
    flags = []
    for m in months:
        expected = level * idx[m]
        excess = amount[m] - expected
        if (idx[m] > p.season_offpeak_index or expected <= 0 or amount[m] < p.season_ratio * expected
                or excess < p.season_min_excess_share * level):
            continue
        biggest = sorted(by_month[m], key=lambda i: -txns[i].amount)
        evidence, acc = [], 0.0
        for i in biggest:  # the largest inflows that make up the excess
            evidence.append(i)
            acc += txns[i].amount
            if acc >= excess:
                break
        flags.append(make_flag(
            "TS09", "seasonality_mismatch", "high" if amount[m] >= 2 * p.season_ratio * expected else "medium",
            f"{m}为行业淡季（季节指数{idx[m]:.2f}），按本户平常水平应入账约{wan(expected)}，实际入账{wan(amount[m])}"
            f"（{amount[m] / expected:.1f}倍），与行业季节规律不符；超出部分主要来自所列交易。",
            list(txns), evidence, month=m, expected=round(expected, 2), actual=round(amount[m], 2)))
    return flags
