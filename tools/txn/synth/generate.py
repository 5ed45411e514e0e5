"""Seeded synthetic statements for corpus enterprises, with injected, labelled suspicious patterns.

The normal part follows the industry's front matter: revenue drawn from ``typical_revenue_wan``,
monthly volume shaped by ``seasonality`` (purchases stocked ahead of the season), buyers drawn from
``downstream_industries`` and suppliers from ``upstream_industries`` (with their names, aliases or
scope keywords as the counterparty's declared industry, as a bank's KYC data would show), plus the
routine payments every business makes (payroll, rent, tax, power, owner drawings). Retail segments
are paid mostly through acquirer settlements. Injected patterns (tools/txn/synth/inject.py) each get
one label listing exactly their transaction ids, so screening can be scored per typology.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence

from kb.schema import IndustryDoc
from tools.txn.chain import Distance, corpus_distance, support_segments
from tools.txn.flags import TYPOLOGIES, ScreeningParams
from tools.txn.synth.base import Builder, Party, SynthHistory, SynthLabel, jitter_amount
from tools.txn.synth.inject import INJECTORS, InjectContext, inject_dormancy
from tools.txn.synth.names import ACQUIRERS, LOGISTICS, company, person, power_company, tax_bureau

RETAIL_HINTS = ("零售", "门店", "店", "超市", "餐饮", "美容", "药店", "诊所", "酒店", "民宿", "健身", "洗", "宠物", "培训")


def _normalised(season: Sequence[float]) -> list[float]:
    mean = sum(season) / 12
    return [s / mean for s in season]


def _party_for(rng: random.Random, seg: IndustryDoc | None) -> Party:
    if seg is None:
        return Party(company(rng))
    word = rng.choice(seg.aliases) if rng.random() < 0.5 else None
    name = company(rng, industry_word=word if word and len(word) <= 6 else None)
    r = rng.random()
    if r < 0.6:
        return Party(name, industry=rng.choice([seg.name, *seg.aliases]))
    if r < 0.85:
        return Party(name, scope="；".join(rng.sample(seg.scope_keywords, min(3, len(seg.scope_keywords)))))
    return Party(name)


def _pool(rng: random.Random, ids: Sequence[str], industries: Mapping[str, IndustryDoc], own: IndustryDoc,
          n: int) -> tuple[list[Party], list[float]]:
    """n counterparties from the given segments (peers of the same segment when none), Pareto-weighted."""
    segs = [industries[i] for i in ids if i in industries] or [own]
    parties = [_party_for(rng, rng.choice(segs)) for _ in range(n)]
    weights = [rng.paretovariate(1.3) for _ in range(n)]
    return parties, weights


def _month_starts(start: dt.date, months: int) -> list[dt.date]:
    out, y, m = [], start.year, start.month
    for _ in range(months + 1):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _spread(b: Builder, lo: dt.date, hi: dt.date, total: float, count: int, direction: str,
            parties: list[Party], weights: list[float], channel: str, memo: str | None) -> None:
    if count <= 0 or total <= 0:
        return
    shares = [b.rng.lognormvariate(0, 0.55) for _ in range(count)]
    norm = sum(shares)
    for s in shares:
        party = b.rng.choices(parties, weights)[0]
        b.add(b.day(lo, hi), jitter_amount(b.rng, total * s / norm), direction, party, channel, memo)


def normal_history(b: Builder, ind: IndustryDoc, industries: Mapping[str, IndustryDoc], months: int,
                   revenue: float, n_txn: int) -> dict[str, float]:
    """Add a year of ordinary flows; return the levels the injectors scale against."""
    rng = b.rng
    season = _normalised(ind.seasonality)
    lead = min(3, ind.cash_conversion_days // 45)
    margin = rng.uniform(ind.gross_margin_pct.min, ind.gross_margin_pct.max) / 100
    retail = ind.chain_stage == "downstream" and any(h in ind.name + "".join(ind.downstream_buyers) for h in RETAIL_HINTS)
    buyers, bw = _pool(rng, ind.downstream_industries, industries, ind, rng.randint(6, 24))
    suppliers, sw = _pool(rng, ind.upstream_industries, industries, ind, rng.randint(4, 14))
    acquirers = [Party(a) for a in rng.sample(ACQUIRERS, 2)]
    place = rng.choice([r[:2] for r in ind.regions if len(r) >= 2] or ["苏州"])
    staff = [Party(person(rng)) for _ in range(rng.randint(2, 9))]
    landlord = Party(rng.choice([person(rng), company(rng, "物业管理")]))
    owner = Party(person(rng))
    logistics = Party(rng.choice(LOGISTICS))
    wage = rng.uniform(4500, 8500)
    rent = rng.choice([3000, 5000, 8000, 12000, 20000, 30000])
    drawing = rng.choice([10000, 20000, 30000, 50000])
    sales_pm = max(4, int(n_txn * 0.5 / months))
    buys_pm = max(2, int(n_txn * 0.22 / months))
    starts = _month_starts(b.start, months)
    for k in range(months):
        lo, hi = starts[k], starts[k + 1]
        cm = lo.month - 1
        rev_m = revenue / 12 * season[cm]
        n_sales = max(1, round(sales_pm * season[cm] * rng.uniform(0.8, 1.2)))
        if retail:
            _spread(b, lo, hi, rev_m * 0.7, n_sales, "in", acquirers, [3, 1], "pos", "收单结算")
            _spread(b, lo, hi, rev_m * 0.3, max(1, n_sales // 4), "in", buyers, bw, "transfer", "货款")
        else:
            _spread(b, lo, hi, rev_m, n_sales, "in", buyers, bw, rng.choice(["transfer", "transfer", "online"]), "货款")
        cost_m = revenue * (1 - margin) / 12 * season[(cm + lead) % 12]
        _spread(b, lo, hi, cost_m * 0.85, max(1, round(buys_pm * season[(cm + lead) % 12])), "out",
                suppliers, sw, "transfer", "采购货款")
        _spread(b, lo, hi, cost_m * 0.05, rng.randint(1, 2), "out", [logistics], [1], "transfer", "运费")
        pay_day = lo + dt.timedelta(days=9)
        for s in staff:
            b.add(pay_day, jitter_amount(rng, wage * rng.uniform(0.85, 1.2)), "out", s, "transfer", "代发工资")
        if k % 3 == 0 or rent < 10000:
            b.add(lo + dt.timedelta(days=rng.randint(0, 4)), rent * (3 if rent >= 10000 else 1), "out", landlord,
                  "transfer", "房租")
        b.add(lo + dt.timedelta(days=14), jitter_amount(rng, rev_m * rng.uniform(0.01, 0.03)), "out",
              Party(tax_bureau(place)), "transfer", "增值税及附加")
        b.add(lo + dt.timedelta(days=rng.randint(18, 24)), jitter_amount(rng, rev_m * rng.uniform(0.003, 0.01) + 300),
              "out", Party(power_company(place)), "transfer", "电费")
        if rng.random() < 0.7:
            b.add(b.day(lo, hi), drawing, "out", owner, "transfer", "备用金")
        if retail and rng.random() < 0.8:
            for _ in range(rng.randint(1, 4)):
                b.add(b.day(lo, hi), jitter_amount(rng, rng.uniform(2000, 25000)), "in", owner, "cash", "现金存入")
    ticket = revenue / 12 / sales_pm
    legit_lookalikes(b, buyers, bw, suppliers, sw, staff, ticket)
    return {"level": revenue / 12, "median_ticket": ticket, "margin": margin}


def legit_lookalikes(b: Builder, buyers: list[Party], bw: list[float], suppliers: list[Party], sw: list[float],
                     staff: list[Party], ticket: float) -> None:
    """Ordinary events that resemble suspicious typologies (hard negatives for the screening rules):
    a bid bond refunded in full by the same party (a "loop"), a big order paid on to a regular
    supplier the same day ("pass-through"), a handful of new customers in a week ("fan-in"), and a
    year-end bonus of the same round amount to every employee ("round amounts"/"fan-out")."""
    rng = b.rng
    span = (b.end - b.start).days

    def day(lo: int, hi: int) -> dt.date:
        return b.start + dt.timedelta(days=rng.randint(lo, max(lo, span - hi)))

    if rng.random() < 0.3:
        d, amount, agency = day(20, 60), float(rng.choice([20_000, 50_000, 100_000])), Party(company(rng, "招标代理"))
        b.add(d, amount, "out", agency, "transfer", "投标保证金")
        b.add(d + dt.timedelta(days=rng.randint(10, 40)), amount, "in", agency, "transfer", "保证金退回")
    if rng.random() < 0.3:
        d, big = day(10, 10), ticket * rng.uniform(4, 8)
        b.add(d, jitter_amount(rng, big), "in", rng.choices(buyers, bw)[0], "transfer", "货款")
        b.add(d, jitter_amount(rng, big * rng.uniform(0.9, 0.98)), "out", rng.choices(suppliers, sw)[0], "transfer",
              "采购货款")
    if rng.random() < 0.4:
        d = day(30, 10)
        for _ in range(rng.randint(3, 6)):
            b.add(d + dt.timedelta(days=rng.randint(0, 6)), jitter_amount(rng, ticket * rng.uniform(0.3, 1.2)), "in",
                  Party(company(rng)), "transfer", "货款")
    if len(staff) >= 2 and rng.random() < 0.5:
        d, bonus = day(20, 10), float(rng.choice([5_000, 10_000, 20_000]))
        for s in staff:
            b.add(d, bonus, "out", s, "transfer", "年终奖")


def _enterprise(rng: random.Random, ind: IndustryDoc, revenue_wan: float) -> tuple[dict, str]:
    place = ind.regions[0]
    corporate = revenue_wan >= 500 or rng.random() < 0.4
    word = rng.choice(ind.aliases)
    name = company(rng, word if len(word) <= 6 else None, place=place[-3:-1] if len(place) >= 3 else place)
    if not corporate:
        name = name.replace("有限公司", "经营部")
    scope = "；".join(rng.sample(ind.scope_keywords, min(len(ind.scope_keywords), rng.randint(3, 5))))
    return {"name": name, "business_scope": scope, "main_products": ind.main_products[:3], "location": place,
            "years_operating": rng.randint(1, 15), "annual_revenue_wan": round(revenue_wan, 1)}, \
        ("corporate" if corporate else "personal")


def generate_history(ind: IndustryDoc, industries: Mapping[str, IndustryDoc], seed: int,
                     typologies: Sequence[str] = (), n_txn: int | None = None, months: int = 12,
                     distance: Distance | None = None, max_distance: int = 2,
                     universal: frozenset[str] | None = None) -> SynthHistory:
    """One enterprise-year of flows for ``ind`` with the named typologies injected (where feasible:
    a typology an industry cannot host, e.g. an off-season spike in a flat industry, is skipped and
    gets no label)."""
    rng = random.Random(f"{seed}:{ind.id}:{','.join(typologies)}")
    start = dt.date(2024, rng.randint(1, 12), 1)
    end = _month_starts(start, months)[-1]
    revenue_wan = rng.uniform(ind.typical_revenue_wan.min, ind.typical_revenue_wan.max)
    n_txn = n_txn or rng.randint(180, 520)
    b = Builder(rng=rng, start=start, end=end)
    levels = normal_history(b, ind, industries, months, revenue_wan * 10_000, n_txn)
    enterprise, account = _enterprise(rng, ind, revenue_wan)
    params = ScreeningParams(transfer_report_threshold=2_000_000.0 if account == "corporate" else 500_000.0)
    ctx = InjectContext(industry=ind, industries=industries, params=params, level=levels["level"],
                        median_ticket=levels["median_ticket"], distance=distance or corpus_distance(industries),
                        max_distance=max_distance, universal=universal if universal is not None else support_segments(industries))
    pending: list[tuple[str, list[int], str]] = []
    if "dormancy_burst" in typologies:  # first: it removes ordinary flows from the silent stretch
        got = inject_dormancy(b, ctx)
        if got:
            pending.append(got)
    for typ in typologies:
        if typ != "dormancy_burst":
            pending += INJECTORS[typ](b, ctx)
    txns, ids = b.finish()
    labels = [SynthLabel(typology=t, txn_ids=[ids[u] for u in uids], description=d) for t, uids, d in pending]
    return SynthHistory(seed=seed, industry_id=ind.id, enterprise=enterprise, account_type=account,
                        transactions=txns, labels=labels)


def generate_batch(industries: Mapping[str, IndustryDoc], seed: int, n: int = 6, clean_rate: float = 0.25,
                   max_typologies: int = 2, distance: Distance | None = None,
                   universal: frozenset[str] | None = None) -> list[SynthHistory]:
    """``n`` histories for seed ``seed``: random corpus industries, each with 0..max typologies."""
    rng = random.Random(seed)
    dist = distance or corpus_distance(industries)
    ids = sorted(industries)
    out = []
    for _ in range(n):
        ind = industries[rng.choice(ids)]
        typs = [] if rng.random() < clean_rate else rng.sample(TYPOLOGIES, rng.randint(1, max_typologies))
        out.append(generate_history(ind, industries, rng.randrange(10**9), typs, distance=dist, universal=universal))
    return out


__all__ = ["SynthHistory", "SynthLabel", "generate_batch", "generate_history", "normal_history", "Party"]
