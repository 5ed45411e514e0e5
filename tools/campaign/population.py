"""A seeded synthetic customer base across the corpus's segments, with a hidden truth.

Why synthetic: no public data set holds a bank's base with past campaign outcomes, and the allocation
can only be judged against a known truth. Every enterprise gets a segment (and so a chain stage,
seasonality, revenue range, risk grade and fitting products from its industry document), a name and
a business scope written from the segment's own scope keywords (so linking has to recover the
segment), flows, credit facts and products already held. The hidden ``Truth`` holds the segment, a
latent risk, the true default probability and the true take-up logits: organic (no contact) per
product plus an additive lift per channel, which depend on segment fit, chain stage, the season of
the campaign month, flow growth and size. The generator loops over segments (≈100), never rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kb.schema import IndustryDoc, ProductDoc
from tools.campaign.columns import FLOW_COLUMNS, GRADES

LEGAL_FORMS = np.array(["有限公司", "商行", "经营部", "店", "厂", "有限责任公司", "工作室", "合作社"])
TRADE_WORDS = np.array(list("鑫盛华通达顺丰泰恒远宏昌隆兴祥瑞佳美新源福安康利诚信德润"))
GENERIC_SCOPES = np.array(["日用百货销售；五金产品零售", "信息咨询服务；企业管理咨询", "货物进出口；技术进出口",
                           "办公用品销售；家用电器销售", "劳务服务（不含劳务派遣）"])
#: channel -> (mean extra take-up logit when contacted, effect of log size on it): visits work on larger
#: firms, SMS on small ones. The truth, not a model input.
CHANNEL_LIFT = {"rm_visit": (1.9, 0.35), "phone": (1.1, 0.15), "platform": (0.8, -0.05), "sms": (0.35, -0.15)}
STAGE_CATEGORY = {  # extra organic interest by chain stage and product category
    "upstream": {"loan": 0.2}, "midstream": {"loan": 0.3, "payroll": 0.3},
    "downstream": {"settlement": 0.5, "account": 0.2}, "support": {"wealth": 0.2},
}
CATEGORY_BASE = {"loan": -4.4, "settlement": -4.0, "account": -3.8, "payroll": -4.6, "wealth": -4.8,
                 "cross_border": -4.6}


@dataclass(frozen=True)
class Truth:
    """What the generator knows and a bank never does: per enterprise, aligned with the base's rows."""

    table: pd.DataFrame  # ent_id, segment, stage, risk, true_pd, org_<product> (logits), lift_<channel>
    products: tuple[str, ...]
    channels: tuple[str, ...]

    def take_probability(self, rows: np.ndarray, product_idx: np.ndarray, channel: Sequence[str]) -> np.ndarray:
        """True take-up probability of (row, product, channel) triples; channel ``none`` = no contact."""
        org = self.table[[f"org_{p}" for p in self.products]].to_numpy()[rows, product_idx]
        lift = np.zeros(len(rows))
        ch = np.asarray(channel)
        for c in self.channels:
            m = ch == c
            lift[m] = self.table[f"lift_{c}"].to_numpy()[rows[m]]
        return 1.0 / (1.0 + np.exp(-(org + lift)))


@dataclass(frozen=True)
class Population:
    base: pd.DataFrame
    truth: Truth


def _scopes(rng: np.random.Generator, keywords: list[str], n: int) -> np.ndarray:
    """2–3 of the segment's first five scope keywords, in document order: registered scopes repeat a
    lot in reality, which is what lets linking cache by distinct text."""
    kw = np.array(keywords[:5])
    k = rng.integers(2, 4, n)
    keys = rng.random((n, len(kw))).argsort(axis=1)
    out = np.empty(n, dtype=object)
    for size in (2, 3):
        m = k == size
        chosen = kw[np.sort(keys[m, :size], axis=1)]
        text = chosen[:, 0]
        for j in range(1, size):
            text = np.char.add(np.char.add(text, "；"), chosen[:, j])
        out[m] = text
    return out


def _segment_rows(rng: np.random.Generator, doc: IndustryDoc, n: int, month: int) -> dict[str, np.ndarray]:
    lo, hi = doc.typical_revenue_wan.min, doc.typical_revenue_wan.max
    revenue = np.exp(rng.uniform(np.log(max(lo, 1) * 0.3), np.log(hi), n) + rng.normal(0, 0.3, n)).round(1)
    growth = rng.normal(0.05, 0.2, n)
    months = np.arange(12)
    season = np.array(doc.seasonality)
    flows = (revenue[:, None] / 12 * season[None, :] * (1 + growth[:, None]) ** (months[None, :] / 12)
             * rng.lognormal(0, 0.15, (n, 12))).round(2)
    risk = rng.normal(0, 1, n) + 0.25 * (doc.risk_grade - 3)
    agri = any(c[:2] in ("01", "02", "03", "04", "05") for c in doc.gbt_codes)
    grade_p = np.array([0.3, 0.35, 0.15, 0.12, 0.08])
    grade_shift = np.clip((risk * 0.9 + rng.normal(0, 0.8, n) + 1.8).round().astype(int), 0, 4)
    grades = np.where(rng.random(n) < 0.5, np.array(GRADES)[grade_shift], rng.choice(GRADES, n, p=grade_p))
    overdue = rng.poisson(np.exp(-0.8 + 0.8 * risk))
    alias = np.array(doc.aliases)[rng.integers(0, len(doc.aliases), n)]
    city = np.array(doc.regions)[rng.integers(0, len(doc.regions), n)]
    trade = np.char.add(TRADE_WORDS[rng.integers(0, len(TRADE_WORDS), n)],
                        TRADE_WORDS[rng.integers(0, len(TRADE_WORDS), n)])
    name = np.char.add(np.char.add(np.char.add(np.char.replace(city.astype(str), "市", ""), trade), alias),
                       LEGAL_FORMS[rng.integers(0, len(LEGAL_FORMS), n)])
    scope = _scopes(rng, doc.scope_keywords, n)
    generic = rng.random(n) < 0.04  # scopes that say nothing about the segment: linking must say unknown
    scope[generic] = GENERIC_SCOPES[rng.integers(0, len(GENERIC_SCOPES), generic.sum())]
    tax = np.where(rng.random(n) < 0.12, 0.0, revenue * rng.uniform(0.005, 0.03, n)).round(2)
    inv_months = rng.binomial(12, 0.85 if doc.chain_stage in ("upstream", "midstream") else 0.55, n)
    peak_now = float(np.mean([season[(month - 1 + k) % 12] for k in range(3)]))
    return {
        "name": name.astype(object), "scope": scope, "location": city.astype(object),
        "employee_count": np.maximum(1, rng.poisson(np.maximum(revenue / 60, 1))),
        "years_operating": (rng.gamma(2.0, 3.5, n) + 0.3).round(1), "annual_revenue_wan": revenue,
        "annual_tax_paid_wan": tax, "tax_credit_grade": grades.astype(object), "invoice_months_12m": inv_months,
        "annual_invoice_wan": (revenue * inv_months / 12 * rng.uniform(0.6, 1.0, n)).round(1),
        "monthly_inflow_wan": flows.mean(axis=1).round(2),
        "has_core_enterprise_orders": rng.random(n) < (0.3 if doc.chain_stage in ("upstream", "midstream") else 0.08),
        "is_agricultural": np.full(n, agri) & (rng.random(n) < 0.95),
        "has_cross_border_sales": rng.random(n) < (0.85 if "cross_border" in doc.id else 0.03),
        "has_collateral": rng.random(n) < 0.35, "has_guarantee": rng.random(n) < 0.15,
        "owner_age": np.clip(rng.normal(44, 9, n), 20, 75).astype(int),
        "overdue_count_24m": overdue,
        "max_overdue_days_24m": np.where(overdue > 0, rng.exponential(12 * np.exp(0.5 * risk)), 0).astype(int),
        "current_overdue": rng.random(n) < 1 / (1 + np.exp(4.2 - 1.2 * risk)),
        "inquiries_3m": rng.poisson(np.exp(0.1 + 0.45 * risk)),
        "debt_to_revenue": np.clip(rng.lognormal(-1.4 + 0.35 * risk, 0.6), 0, 3).round(3),
        "_flows": flows, "_growth": growth, "_risk": risk, "_peak": np.full(n, peak_now),
    }


def generate(industries: Sequence[IndustryDoc], products: Sequence[ProductDoc], n: int, seed: int,
             month: int = 3, channels: Sequence[str] = tuple(CHANNEL_LIFT)) -> Population:
    """``n`` enterprises from ``seed`` for a campaign run in ``month`` (1–12; the season matters)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = np.random.default_rng(seed)
    docs = sorted(industries, key=lambda d: d.id)
    weights = rng.dirichlet(np.full(len(docs), 2.0))
    counts = rng.multinomial(n, weights)
    parts, segs = [], []
    for doc, k in zip(docs, counts):
        if k:
            parts.append(_segment_rows(rng, doc, int(k), month))
            segs.append((doc, int(k)))
    cols = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    flows, growth, risk, peak = cols.pop("_flows"), cols.pop("_growth"), cols.pop("_risk"), cols.pop("_peak")
    seg_ids = np.concatenate([np.full(k, d.id, dtype=object) for d, k in segs])
    stages = np.concatenate([np.full(k, d.chain_stage, dtype=object) for d, k in segs])
    grade_risk = np.concatenate([np.full(k, d.risk_grade) for d, k in segs])
    order = rng.permutation(n)  # segments interleaved, as in a real base
    base = pd.DataFrame({k: v[order] for k, v in cols.items()})
    base.insert(0, "ent_id", f"E{seed % 1000:03d}" + pd.Series(np.arange(n)).astype(str).str.zfill(7))
    base["inquiries_6m"] = base["inquiries_3m"] + rng.poisson(1.0, n)
    for i, c in enumerate(FLOW_COLUMNS):
        base[c] = flows[order, i]
    seg_ids, stages, grade_risk = seg_ids[order], stages[order], grade_risk[order]
    growth, risk, peak = growth[order], risk[order], peak[order]
    pids = tuple(p.id for p in products)
    held = rng.random((n, len(pids))) < np.array([0.45 if p.category == "account" else 0.06 for p in products])
    held_text = pd.Series("", index=base.index)
    for j, pid in enumerate(pids):
        held_text = held_text.where(~held[:, j], held_text + pid + "|")
    base["existing_products"] = held_text.str.rstrip("|")

    size = np.log1p(base["annual_revenue_wan"].to_numpy())
    seg_series = pd.Series(seg_ids)
    stage_series = pd.Series(stages)
    truth = pd.DataFrame({"ent_id": base["ent_id"], "segment": seg_ids, "stage": stages, "risk": risk.round(4)})
    truth["true_pd"] = 1 / (1 + np.exp(-(-3.7 + 0.9 * risk + 0.2 * (grade_risk - 3)
                                         - 0.25 * np.log1p(base["years_operating"].to_numpy()))))
    for j, p in enumerate(products):
        fit = seg_series.isin([d.id for d in docs if p.id in d.fitting_products]).to_numpy()
        stage_bonus = stage_series.map({s: b.get(p.category, 0.0) for s, b in STAGE_CATEGORY.items()}).to_numpy()
        logit = (CATEGORY_BASE[p.category] + 1.1 * fit + stage_bonus + 1.5 * growth + 0.25 * (size - 5)
                 + (1.4 * (peak - 1.0) + 0.3 * risk if p.category == "loan" else 0.0) - 3.0 * held[:, j]
                 + rng.normal(0, 0.3, n))
        truth[f"org_{p.id}"] = logit.round(4)
    for c in channels:
        mean, slope = CHANNEL_LIFT[c]
        truth[f"lift_{c}"] = (mean + slope * (size - 5) + rng.normal(0, 0.25, n)).round(4)
    return Population(base=base, truth=Truth(table=truth, products=pids, channels=tuple(channels)))
