"""The campaign graph's nodes: each calls the vectorised tools in tools/campaign and returns tables.

link (segment + chain stage, cached by scope) → screen (product fit, credit pre-screen) → learn
(propensity/uplift and default models on the history) → score (best product per enterprise and
channel, expected value) → allocate (budget, capacities, bids, reason codes).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from langgraph.runtime import Runtime

from agents.campaign.context import CampaignContext
from agents.campaign.state import CampaignState
from tools.campaign.allocation import allocate as allocate_offers
from tools.campaign.economics import channel_arrays
from tools.campaign.features import enterprise_features, fitting_mask, holds, offer_features
from tools.campaign.linking import link_base
from tools.campaign.propensity import PropensityModel
from tools.campaign.reasons import reason_codes
from tools.campaign.scoring import candidates
from tools.campaign.screening import facts_of, prescreen, product_fit


def link(state: CampaignState, runtime: Runtime[CampaignContext]) -> dict:
    ctx, t = runtime.context, time.perf_counter()
    links = link_base(state["base"], ctx.linker, ctx.link_cache, progress=lambda f: ctx.tick("link", f))
    ctx.tick("link", 1.0)
    return {"links": links, "seconds": {"link": time.perf_counter() - t}, "trace": ["link"]}


def screen(state: CampaignState, runtime: Runtime[CampaignContext]) -> dict:
    ctx, t = runtime.context, time.perf_counter()
    base, links = state["base"], state["links"]
    facts = facts_of(base, links, ctx.policy)
    every = list(ctx.products.values())
    fit = product_fit(facts, every)
    pre = prescreen(facts, ctx.policy)
    ent = enterprise_features(base, links, ctx.industries, facts["industry_access"], ctx.month)
    owns = {p.id: holds(base, p.id) for p in every}
    fitting = {p.id: fitting_mask(links, ctx.industries, p.id) for p in every}
    ok = ~pre["declined"].to_numpy()
    targetable = {p.id: fit[f"fit_{p.id}"].to_numpy() & ok & ~owns[p.id] for p in ctx.chosen_products}
    ctx.tick("screen", 1.0)
    return {"facts": facts, "fit": fit, "screen": pre, "ent": ent, "owns": owns, "fitting": fitting,
            "targetable": targetable, "seconds": {"screen": time.perf_counter() - t}, "trace": ["screen"]}


def learn(state: CampaignState, runtime: Runtime[CampaignContext]) -> dict:
    ctx, t = runtime.context, time.perf_counter()
    model = PropensityModel([p for p in ctx.products], [c.id for c in ctx.channels])
    model.fit(state["ent"], state["base"]["ent_id"], state["history"], state["owns"], state["fitting"])
    ctx.tick("learn", 1.0)
    return {"model": model, "seconds": {"learn": time.perf_counter() - t}, "trace": ["learn"]}


def score(state: CampaignState, runtime: Runtime[CampaignContext]) -> dict:
    ctx, t = runtime.context, time.perf_counter()
    cands = candidates(state["base"], state["ent"], state["targetable"], state["model"], ctx.chosen_products,
                       ctx.chosen_channels, ctx.economics, state["owns"], state["fitting"])
    ctx.tick("score", 1.0)
    return {"candidates": cands, "seconds": {"score": time.perf_counter() - t}, "trace": ["score"]}


def _reasons(state: CampaignState, ctx: CampaignContext, offers: pd.DataFrame) -> list[pd.Series]:
    """Reason codes for the chosen offers, one (product, channel) batch of SHAP contributions at a time."""
    model, ent, base = state["model"], state["ent"], state["base"]
    names = state["links"]["segment"].map({k: d.name for k, d in ctx.industries.items()}).fillna("未识别行业")
    out = [pd.Series("", index=offers.index, dtype=object) for _ in range(3)]
    channels = {c.id: c for c in ctx.chosen_channels}
    for (product, channel), idx in offers.groupby(["product", "channel"]).indices.items():
        sub = offers.iloc[idx]
        rows = sub["row"].to_numpy()
        x = offer_features(ent, rows, product, channel, model.products, model.channels,
                           state["owns"][product], state["fitting"][product])
        contrib = model.contributions(x)
        r1, r2, r3 = reason_codes(contrib, list(x.columns), base.iloc[rows].reset_index(drop=True),
                                  ent.iloc[rows].reset_index(drop=True),
                                  names.iloc[rows].reset_index(drop=True), sub.reset_index(drop=True), channels)
        for k, r in enumerate((r1, r2, r3)):
            out[k].iloc[idx] = r.to_numpy()
    return out


def allocate(state: CampaignState, runtime: Runtime[CampaignContext]) -> dict:
    ctx, t = runtime.context, time.perf_counter()
    cands = state["candidates"]
    chans = list(ctx.chosen_channels)
    cost, capacity = channel_arrays(chans)
    ch_index = cands["channel"].map({c.id: i for i, c in enumerate(chans)}).to_numpy(dtype=int)
    result = allocate_offers(cands["row"].to_numpy(dtype=int), ch_index, cands["value"].to_numpy(dtype=float),
                             cands["cost"].to_numpy(dtype=float), ctx.budget_yuan, capacity)
    offers = cands[result.chosen].sort_values("value", ascending=False, kind="stable").reset_index(drop=True)
    base, links = state["base"], state["links"]
    offers["ent_id"] = base["ent_id"].to_numpy()[offers["row"]]
    offers["name"] = base["name"].to_numpy()[offers["row"]]
    offers["segment"] = links["segment"].to_numpy()[offers["row"]]
    # the bid: the most one contact is worth once the budget's shadow price λ is charged on it
    offers["bid"] = ((offers["value"] + offers["cost"]) / (1 + result.budget_price)).round(2)
    ctx.tick("reasons", 0.0)
    r1, r2, r3 = _reasons(state, ctx, offers)
    offers["reason_1"], offers["reason_2"], offers["reason_3"] = r1, r2, r3
    offers.insert(0, "rank", np.arange(1, len(offers) + 1))
    ctx.tick("allocate", 1.0)
    return {"allocation": result, "targets": offers, "seconds": {"allocate": time.perf_counter() - t},
            "trace": ["allocate"]}
