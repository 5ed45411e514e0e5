"""Injectors: each adds one suspicious typology to a synthetic statement and labels exactly its rows.

Every injector returns ``[(typology, [row uids], description)]`` (empty when the history cannot host
the pattern, e.g. no off-season month) and reserves its time slot so patterns do not overlap.
Sizes follow what the typology looks like in practice, not the detector's thresholds: e.g. a
fan-in is 14–28 new payers in a day or two, structuring is 3–6 deposits in the top 10% below the
reporting threshold.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kb.schema import IndustryDoc
from tools.txn.chain import Distance
from tools.txn.flags import ScreeningParams
from tools.txn.synth.base import Builder, Party, jitter_amount
from tools.txn.synth.names import company, person, shell_company

Injected = list[tuple[str, list[int], str]]
DAY = dt.timedelta(days=1)


@dataclass
class InjectContext:
    industry: IndustryDoc
    industries: Mapping[str, IndustryDoc]
    params: ScreeningParams
    level: float  # typical monthly revenue, 元
    median_ticket: float
    distance: Distance
    max_distance: int
    universal: frozenset[str]


def _new_party(b: Builder) -> Party:
    return Party(person(b.rng)) if b.rng.random() < 0.6 else Party(shell_company(b.rng))


def inject_implausible(b: Builder, ctx: InjectContext) -> Injected:
    own = ctx.industry.id
    far = sorted(s for s in ctx.industries if s != own and s not in ctx.universal
                 and ((d := ctx.distance(own, s)) is None or d > ctx.max_distance))
    out: Injected = []
    for _ in range(1 if b.rng.random() < 0.7 else 2):
        start = b.reserve(b.rng.randint(10, 60))
        if not far or start is None:
            break
        seg = ctx.industries[b.rng.choice(far)]
        if b.rng.random() < 0.7:
            party = Party(company(b.rng), industry=seg.name)
        else:
            party = Party(company(b.rng), scope="；".join(seg.scope_keywords[:3]))
        direction = b.rng.choice(["in", "out"])
        uids = [b.add(b.day(start, start + 60 * DAY), jitter_amount(b.rng, ctx.median_ticket * b.rng.uniform(0.5, 2.5)),
                      direction, party, "transfer", "货款") for _ in range(b.rng.randint(2, 5))]
        out.append(("implausible_counterparty", uids, f"{party.name}（{seg.name}）与本行业产业链无关"))
    return out


def inject_circular(b: Builder, ctx: InjectContext) -> Injected:
    k = b.rng.randint(2, 4)
    start = b.reserve(k * 14 + 10)
    if start is None:
        return []
    base = max(30_000.0, ctx.level * b.rng.uniform(0.2, 0.6))
    uids, t = [], start
    for _ in range(k):
        shell = Party(shell_company(b.rng))
        out_amt = round(base * b.rng.uniform(0.99, 1.01), 2)
        back = shell if b.rng.random() < 0.4 else Party(shell_company(b.rng))
        uids.append(b.add(t, out_amt, "out", shell, "transfer", b.rng.choice(["货款", "往来款", "预付款"])))
        uids.append(b.add(t + b.rng.randint(1, 7) * DAY, round(out_amt * b.rng.uniform(0.975, 0.999), 2), "in", back,
                          "transfer", b.rng.choice(["货款", "往来款", "退款"])))
        t += b.rng.randint(8, 14) * DAY
    return [("circular_flow", uids, f"{k}次约{base / 10_000:.1f}万元资金转出后回流")]


def _fan(b: Builder, direction: str) -> Injected:
    start = b.reserve(2)
    if start is None:
        return []
    n = b.rng.randint(14, 28)
    uids = [b.add(start + b.rng.randint(0, 1) * DAY, jitter_amount(b.rng, b.rng.uniform(3000, 48000)), direction,
                  _new_party(b), b.rng.choice(["transfer", "online"]), b.rng.choice([None, "往来款", "转账"]))
            for _ in range(n)]
    return [("fan_in" if direction == "in" else "fan_out", uids, f"{n}个新对手集中{'转入' if direction == 'in' else '转出'}")]


def inject_fan_in(b: Builder, ctx: InjectContext) -> Injected:
    return _fan(b, "in")


def inject_fan_out(b: Builder, ctx: InjectContext) -> Injected:
    return _fan(b, "out")


def inject_structuring(b: Builder, ctx: InjectContext) -> Injected:
    cash = b.rng.random() < 0.7
    threshold = ctx.params.cash_report_threshold if cash else ctx.params.transfer_report_threshold
    k = b.rng.randint(3, 6)
    start = b.reserve(6)
    if start is None:
        return []
    direction = "in" if b.rng.random() < 0.7 else "out"
    who = Party(person(b.rng))
    uids = []
    for _ in range(k):
        amount = round(threshold * b.rng.uniform(0.905, 0.995) / 100) * 100
        party = who if cash else _new_party(b)
        memo = ("现金存入" if direction == "in" else "现金支取") if cash else "往来款"
        uids.append(b.add(start + b.rng.randint(0, 5) * DAY, amount, direction, party, "cash" if cash else "transfer", memo))
    return [("structuring", uids, f"{k}笔略低于{threshold / 10_000:.0f}万元的{'现金' if cash else '转账'}")]


def inject_round(b: Builder, ctx: InjectContext) -> Injected:
    choices = [a for a in (20_000, 30_000, 50_000, 80_000, 100_000, 200_000) if a <= max(ctx.level, 40_000)]
    amount = float(b.rng.choice(choices))
    k = b.rng.randint(5, 9)
    days = b.rng.randint(10, 25)
    start = b.reserve(days)
    if start is None:
        return []
    direction = b.rng.choice(["in", "out"])
    parties = [_new_party(b) for _ in range(b.rng.randint(1, 3))]
    uids = [b.add(start + b.rng.randint(0, days - 1) * DAY, amount, direction, b.rng.choice(parties), "transfer",
                  b.rng.choice(["往来款", "借款", "货款", None])) for _ in range(k)]
    return [("round_amount", uids, f"{k}笔{amount / 10_000:.0f}万元整数款项")]


def inject_pass_through(b: Builder, ctx: InjectContext) -> Injected:
    out: Injected = []
    for _ in range(b.rng.randint(1, 3)):
        day = b.reserve(1, margin=3)
        if day is None:
            break
        y = jitter_amount(b.rng, max(ctx.params.pass_min_amount * 1.2, ctx.median_ticket * b.rng.uniform(6, 14)))
        uids = [b.add(day, y, "in", Party(shell_company(b.rng)), "transfer", b.rng.choice(["货款", "往来款"]))]
        parts = [b.rng.uniform(0.5, 1.5) for _ in range(b.rng.randint(1, 3))]
        total_out = y * b.rng.uniform(0.96, 1.0)
        for w in parts:
            uids.append(b.add(day, round(total_out * w / sum(parts), 2), "out", _new_party(b), "transfer", "往来款"))
        out.append(("pass_through", uids, f"{day}当天{y / 10_000:.1f}万元快进快出"))
    return out


def _season_mean(ctx: InjectContext, start: dt.date, days: int) -> float:
    mean = statistics.fmean(ctx.industry.seasonality)
    return statistics.fmean(ctx.industry.seasonality[(start + k * DAY).month - 1] / mean for k in range(days))


def inject_dormancy(b: Builder, ctx: InjectContext) -> tuple[str, list[int], str] | None:
    """Silence of 70–110 days outside the off-season, then a burst of new counterparties."""
    gap = b.rng.randint(70, 110)
    burst_days = b.rng.randint(3, 8)
    for _ in range(40):
        s = b.start + b.rng.randint(60, max(61, (b.end - b.start).days - gap - 40)) * DAY
        if _season_mean(ctx, s, gap) >= 0.7:
            break
    else:
        return None
    e = s + gap * DAY
    if e + burst_days * DAY >= b.end:
        return None
    b.rows = [r for r in b.rows if not s <= r["date"] < e]
    b.occupied.append((s, e + (burst_days + 10) * DAY))
    uids = [b.add(e + b.rng.randint(0, burst_days - 1) * DAY, jitter_amount(b.rng, ctx.median_ticket * b.rng.uniform(0.5, 3)),
                  b.rng.choice(["in", "out"]), _new_party(b), "transfer", b.rng.choice(["往来款", None]))
            for _ in range(b.rng.randint(15, 30))]
    return ("dormancy_burst", uids, f"静默{gap}天后{burst_days}天内突发{len(uids)}笔")


def inject_season(b: Builder, ctx: InjectContext) -> Injected:
    """A big inflow spike in an off-season month (normalised index ≤ 0.7), from chain buyers."""
    mean = statistics.fmean(ctx.industry.seasonality)
    months, y, m = [], b.start.year, b.start.month
    while dt.date(y, m, 1) < b.end:
        months.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    b.rng.shuffle(months)
    for first in months:
        idx = ctx.industry.seasonality[first.month - 1] / mean
        if idx > 0.7:
            continue
        nxt = (first + 32 * DAY).replace(day=1)
        if any(not (nxt + 5 * DAY < a or first > bb + 5 * DAY) for a, bb in b.occupied):
            continue
        b.occupied.append((first, nxt))
        total = ctx.level * max(1.0, 4 * idx)
        n = b.rng.randint(4, 8)
        shares = [b.rng.uniform(0.5, 1.5) for _ in range(n)]
        buyers = [i for i in ctx.industry.downstream_industries if i in ctx.industries] or [ctx.industry.id]
        uids = []
        for w in shares:
            seg = ctx.industries[b.rng.choice(buyers)]
            uids.append(b.add(b.day(first, nxt), jitter_amount(b.rng, total * w / sum(shares)), "in",
                              Party(company(b.rng), industry=seg.name), "transfer", "货款"))
        return [("seasonality_mismatch", uids, f"{first:%Y-%m}淡季（指数{idx:.2f}）入账激增")]
    return []


INJECTORS: dict[str, Callable[[Builder, InjectContext], Injected]] = {
    "implausible_counterparty": inject_implausible, "circular_flow": inject_circular, "fan_in": inject_fan_in,
    "fan_out": inject_fan_out, "structuring": inject_structuring, "round_amount": inject_round,
    "pass_through": inject_pass_through, "seasonality_mismatch": inject_season,
}
