"""Flow-shape rules: circular flows, fan-in/fan-out bursts, pass-through (快进快出).

Seen from one enterprise's statement, a cycle A→B→…→A shows as money going out to B and about the
same amount coming back (from B, or from another party at the end of the loop) a few days later,
often repeated to inflate turnover (刷流水). Bursts are judged against the account's own baseline,
so a shop with many small payers is not a "fan-in" just for being a shop.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations

from tools.txn.flags import Flag, ScreeningParams, make_flag, wan
from tools.txn.profile import is_deposit
from tools.txn.transactions import Transaction, chronological


def established(txns: Sequence[Transaction], min_txns: int = 3, min_days: int = 30) -> set[str]:
    """Counterparties with an ongoing relationship: ≥ min_txns rows spread over ≥ min_days days.

    Paying an established supplier, or being paid by an established buyer, is what trade looks like;
    money that loops or passes through goes via parties with no such history.
    """
    dates: dict[str, list] = defaultdict(list)
    for t in txns:
        dates[t.counterparty].append(t.date)
    return {cp for cp, ds in dates.items() if len(ds) >= min_txns and (max(ds) - min(ds)).days >= min_days}


def _cycles(txns: Sequence[Transaction], p: ScreeningParams) -> list[tuple[int, int, bool]]:
    """(out index, in index, same counterparty) pairs: an outflow and a later inflow of about the
    same amount (−tol…0) within the window; each inflow is used once (a return by the same party
    first, else the earliest one).
    Returns via a different party count only when neither party is an established trading partner."""
    order = chronological(txns)
    regular = established(txns)
    # cash breaks the traceable loop; deposits/bonds (保证金、押金) come back by design
    traced = [i for i in order if txns[i].channel != "cash" and not is_deposit(txns[i].memo)]
    outs = [i for i in traced if txns[i].direction == "out" and txns[i].amount >= p.circular_min_amount]
    ins = [i for i in traced if txns[i].direction == "in" and txns[i].amount >= p.circular_min_amount * (1 - p.circular_amount_tol)]
    used: set[int] = set()
    pairs = []
    for o in outs:
        t_out = txns[o]
        best, best_gap = None, (2, math.inf, math.inf)
        for j in ins:
            t_in = txns[j]
            days = (t_in.date - t_out.date).days
            if days < 0 or j in used or t_in.timestamp <= t_out.timestamp:
                continue
            if days > p.circular_window_days:
                break
            ratio = t_in.amount / t_out.amount
            same = t_in.counterparty == t_out.counterparty
            if not same and (t_in.counterparty in regular or t_out.counterparty in regular):
                continue
            if 1 - p.circular_amount_tol <= ratio <= 1.0:  # back ≤ out: the loop costs fees
                gap = (0 if same else 1, days, abs(1 - ratio))  # same party back first, then the earliest
                if gap < best_gap:
                    best, best_gap = j, gap
        if best is not None:
            used.add(best)
            pairs.append((o, best, txns[best].counterparty == t_out.counterparty))
    return pairs


def circular_flows(txns: Sequence[Transaction], p: ScreeningParams) -> list[Flag]:
    """Flag a cycle returned by the same counterparty, or ≥ N cycles of about the same amount."""
    pairs = _cycles(txns, p)
    # cluster cycles of similar amount within the horizon: the same money going round again
    clusters: list[list[tuple[int, int, bool]]] = []
    for pair in sorted(pairs, key=lambda x: txns[x[0]].amount):
        for cl in clusters:
            ref = txns[cl[0][0]]
            if (abs(txns[pair[0]].amount / ref.amount - 1) <= p.circular_amount_tol
                    and abs((txns[pair[0]].date - ref.date).days) <= p.circular_horizon_days):
                cl.append(pair)
                break
        else:
            clusters.append([pair])
    flags = []
    for cl in clusters:
        direct = sum(1 for _, _, same in cl if same)
        if len(cl) < p.circular_min_cycles and direct == 0:
            continue
        idx = [i for o, j, _ in cl for i in (o, j)]
        total_out = sum(txns[o].amount for o, _, _ in cl)
        gaps = [(txns[j].date - txns[o].date).days for o, j, _ in cl]
        severity = "high" if len(cl) >= 3 or total_out >= 1_000_000 else "medium"
        how = f"其中{direct}次由同一对手原路转回" if direct else "回款方与收款方不同（经第三方回流）"
        flags.append(make_flag(
            "TS02", "circular_flow", severity,
            f"{len(cl)}次资金转出后在{min(gaps)}–{max(gaps)}天内以几乎相同金额（差额≤{int(p.circular_amount_tol * 100)}%）"
            f"转回，{how}，累计转出{wan(total_out)}，疑似资金闭环循环、虚增流水。",
            list(txns), idx, cycles=len(cl), direct_returns=direct))
    return flags


def _fan(txns: Sequence[Transaction], p: ScreeningParams, direction: str) -> list[Flag]:
    idx = [i for i in chronological(txns) if txns[i].direction == direction]
    if not idx:
        return []
    first_seen: dict[str, int] = {}
    counts: dict[str, int] = defaultdict(int)
    for pos, i in enumerate(idx):
        first_seen.setdefault(txns[i].counterparty, pos)
        counts[txns[i].counterparty] += 1
    days = sorted({txns[i].date for i in idx})
    by_day: dict = defaultdict(list)
    for pos, i in enumerate(idx):
        by_day[txns[i].date].append(pos)
    windows = []  # positions in each window starting at an active day (two pointers over days)
    end = 0
    for k, d in enumerate(days):
        end = max(end, k)
        while end + 1 < len(days) and (days[end + 1] - d).days < p.fan_window_days:
            end += 1
        windows.append([pos for dd in days[k:end + 1] for pos in by_day[dd]])

    def new_cps(window: list[int]) -> set[int]:
        return {pos for pos in window if first_seen[txns[idx[pos]].counterparty] >= window[0]
                and counts[txns[idx[pos]].counterparty] <= 2}

    news = [new_cps(w) for w in windows]
    per_window = [len({txns[idx[pos]].counterparty for pos in n}) for n in news]
    # baseline: how many one-off counterparties this account usually meets per window
    baseline = statistics.quantiles(per_window, n=10)[-1] if len(per_window) >= 10 else max(per_window)
    need = max(p.fan_min_new_counterparties, math.ceil(p.fan_vs_baseline * baseline))
    hits: list[set[int]] = []
    for new, n_cp in zip(news, per_window):
        if n_cp < need:
            continue
        if hits and min(new) <= max(hits[-1]):
            hits[-1] |= new
        else:
            hits.append(set(new))
    flags = []
    for group in hits:
        members = [idx[pos] for pos in sorted(group)]
        n_cp = len({txns[i].counterparty for i in members})
        total = sum(txns[i].amount for i in members)
        span = (txns[members[-1]].date - txns[members[0]].date).days + 1
        typology = "fan_in" if direction == "in" else "fan_out"
        verb = "转入" if direction == "in" else "转出"
        flags.append(make_flag(
            "TS03" if direction == "in" else "TS04", typology, "high" if n_cp >= 2 * need else "medium",
            f"{span}天内与{n_cp}个此前从未往来的新对手发生{verb}（合计{wan(total)}），"
            f"远超本账户平常每{p.fan_window_days}天约{baseline:.0f}个新对手的水平，疑似{'归集' if direction == 'in' else '分散转移'}资金。",
            list(txns), members, new_counterparties=n_cp, baseline=round(baseline, 1)))
    return flags


def fan_in(txns: Sequence[Transaction], p: ScreeningParams) -> list[Flag]:
    """Many new counterparties paying in within a short window, far above the account's baseline."""
    return _fan(txns, p, "in")


def fan_out(txns: Sequence[Transaction], p: ScreeningParams) -> list[Flag]:
    """Many new counterparties paid within a short window, far above the account's baseline."""
    return _fan(txns, p, "out")


def _matching_outs(txns: Sequence[Transaction], amount: float, outs: list[int], lo: float, hi: float,
                   max_parts: int = 4) -> list[int] | None:
    """The smallest set of (up to ``max_parts`` of the 12 largest) outflows summing to lo..hi × amount."""
    cands = sorted(outs, key=lambda i: -txns[i].amount)[:12]
    for size in range(1, max_parts + 1):
        best = None
        for combo in combinations(cands, size):
            total = sum(txns[i].amount for i in combo)
            if lo * amount <= total <= hi * amount and (best is None or abs(total - amount) < best[0]):
                best = (abs(total - amount), list(combo))
        if best:
            return best[1]
    return None


def pass_through(txns: Sequence[Transaction], p: ScreeningParams) -> list[Flag]:
    """A large inflow that leaves again the same day: outflows to parties other than the payer and other
    than established trading partners (back-to-back trade is normal) summing to about its amount."""
    day_in: dict = defaultdict(list)
    day_out: dict = defaultdict(list)
    for i, t in enumerate(txns):
        (day_in if t.direction == "in" else day_out)[t.date].append(i)
    if not day_in:
        return []
    median_day = statistics.median(sum(txns[i].amount for i in v) for v in day_in.values())
    big = max(p.pass_min_amount, p.pass_vs_median_day * median_day)
    lo, hi = p.pass_out_ratio
    regular = established(txns)
    flags = []
    for d in sorted(day_in):
        used: set[int] = set()
        evidence, total_in, total_out = [], 0.0, 0.0
        for x in sorted(day_in[d], key=lambda i: -txns[i].amount):
            if txns[x].amount < big:
                break
            outs = [i for i in day_out.get(d, []) if i not in used and txns[i].counterparty != txns[x].counterparty
                    and txns[i].counterparty not in regular]
            match = _matching_outs(txns, txns[x].amount, outs, lo, hi)
            if match:
                used.update(match)
                evidence += [x, *match]
                total_in += txns[x].amount
                total_out += sum(txns[i].amount for i in match)
        if not evidence:
            continue
        severity = "high" if total_in >= 1_000_000 else "medium"
        flags.append(make_flag(
            "TS07", "pass_through", severity,
            f"{d.isoformat()}当天转入{wan(total_in)}（日常单日入账中位数{wan(median_day)}的{total_in / max(median_day, 1):.1f}倍），"
            f"当天即向其他对手转出{wan(total_out)}（{total_out / total_in:.0%}），资金不在账户停留，疑似过渡户快进快出。",
            list(txns), evidence, day_in=round(total_in, 2), day_out=round(total_out, 2)))
    return flags
