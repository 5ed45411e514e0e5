"""Amount-shape rules: splitting just under reporting thresholds, and repeated round amounts.

Both look only at amounts, directions, channels and dates, so they apply to any account type
(they are also run on the PaySim sample in bench/paysim_rules.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from tools.txn.flags import Flag, ScreeningParams, make_flag, wan
from tools.txn.profile import is_routine
from tools.txn.transactions import Transaction, chronological


def windows(idx: list[int], txns: Sequence[Transaction], days: int, min_count: int) -> list[list[int]]:
    """Maximal runs of time-ordered ``idx`` covered by windows of ``days`` days holding ≥ min_count
    members; overlapping qualifying windows merge, so one pattern gives one flag."""
    groups: list[list[int]] = []
    start, run = 0, None  # run = [first, last] positions in idx of the current merged group
    for end in range(len(idx)):
        while (txns[idx[end]].date - txns[idx[start]].date).days >= days:
            start += 1
        if end - start + 1 >= min_count:
            if run is not None and start <= run[1]:
                run[1] = end
            else:
                if run is not None:
                    groups.append(idx[run[0]:run[1] + 1])
                run = [start, end]
    if run is not None:
        groups.append(idx[run[0]:run[1] + 1])
    return groups


def structuring(txns: Sequence[Transaction], p: ScreeningParams) -> list[Flag]:
    """≥ N transactions each just under a reporting threshold within a short window, same direction."""
    flags: list[Flag] = []
    order = chronological(txns)
    for channel_kind, threshold in (("cash", p.cash_report_threshold), ("transfer", p.transfer_report_threshold)):
        low = threshold * (1 - p.structuring_band)
        for direction in ("in", "out"):
            idx = [i for i in order if txns[i].direction == direction
                   and (txns[i].channel == "cash") == (channel_kind == "cash")
                   and low <= txns[i].amount < threshold]
            for group in windows(idx, txns, p.structuring_window_days, p.structuring_min_count):
                total = sum(txns[i].amount for i in group)
                severity = "high" if len(group) >= 5 or total >= 3 * threshold else "medium"
                kind = "现金" if channel_kind == "cash" else "转账"
                verb = "存入/收入" if direction == "in" else "支取/支出"
                flags.append(make_flag(
                    "TS05", "structuring", severity,
                    f"{p.structuring_window_days}天内有{len(group)}笔{kind}{verb}，每笔金额在大额报告阈值"
                    f"{wan(threshold)}下方{int(p.structuring_band * 100)}%以内（{wan(low)}–{wan(threshold)}），"
                    f"合计{wan(total)}，超过阈值，疑似拆分交易规避大额报告。",
                    list(txns), group, threshold=threshold, count=len(group), channel=kind))
    return flags


def is_round(amount: float, unit: float) -> bool:
    return abs(amount - round(amount / unit) * unit) < 0.005


def round_amounts(txns: Sequence[Transaction], p: ScreeningParams) -> list[Flag]:
    """The same round amount (multiple of ``round_unit``) repeated ≥ N times within a window.

    Routine payments (payroll, tax, rent, utilities, loan repayments by memo) are excluded: a monthly
    rent of 20,000 is round and repeated, and normal.
    """
    by_key: dict[tuple[str, float], list[int]] = defaultdict(list)
    for i in chronological(txns):
        t = txns[i]
        if t.amount >= p.round_min_amount and is_round(t.amount, p.round_unit) and not is_routine(t.memo):
            by_key[(t.direction, round(t.amount, 2))].append(i)
    flags = []
    for (direction, amount), idx in sorted(by_key.items()):
        for group in windows(idx, txns, p.round_window_days, p.round_min_count):
            total = amount * len(group)
            n_cp = len({txns[i].counterparty for i in group})
            severity = "high" if len(group) >= 8 or total >= 1_000_000 else "medium"
            flags.append(make_flag(
                "TS06", "round_amount", severity,
                f"{p.round_window_days}天内{'收到' if direction == 'in' else '付出'}{len(group)}笔金额完全相同的整数款项"
                f"（每笔{wan(amount)}，涉及{n_cp}个对手，合计{wan(total)}），不像按货值结算的真实交易。",
                list(txns), group, amount=amount, count=len(group), counterparties=n_cp))
    return flags
