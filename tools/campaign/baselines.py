"""Plans to compare a campaign against, at the same budget and channel capacities, and their value
under the generator's hidden truth (for the benchmark and the eval; a bank has no truth).

* random targeting: random targetable (enterprise, product) pairs on a random channel;
* rule-only targeting: the products the segment's industry document lists as fitting, the largest
  monthly inflows first, the costliest (most personal) channel while it has capacity.
Both respect product fit and the pre-screen — only the choice among eligible offers differs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kb.schema import ProductDoc
from tools.campaign.economics import Channel, Economics, value_of_take
from tools.campaign.population import Population


def _pairs(targetable: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.concat([pd.DataFrame({"row": np.flatnonzero(m), "product": p}) for p, m in targetable.items()],
                     ignore_index=True)


def _fill(pairs: pd.DataFrame, channel_of: np.ndarray, channels: Sequence[Channel], budget: float) -> pd.DataFrame:
    """Take pairs in order (one per enterprise) on their channel while capacity and budget last."""
    plan = pairs.assign(channel=[channels[i].id for i in channel_of]).drop_duplicates("row")
    cost = plan["channel"].map({c.id: c.cost_yuan for c in channels}).to_numpy()
    rank = plan.groupby("channel").cumcount().to_numpy()
    cap = plan["channel"].map({c.id: c.capacity for c in channels}).to_numpy()
    plan, cost = plan[rank < cap], cost[rank < cap]
    keep = np.cumsum(cost) <= budget
    return plan[keep].assign(cost=cost[keep]).reset_index(drop=True)


def random_plan(targetable: dict[str, np.ndarray], channels: Sequence[Channel], budget: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pairs = _pairs(targetable)
    pairs = pairs.iloc[rng.permutation(len(pairs))].reset_index(drop=True)
    return _fill(pairs, rng.integers(0, len(channels), len(pairs)), channels, budget)


def rule_plan(targetable: dict[str, np.ndarray], fitting: dict[str, np.ndarray], inflow: np.ndarray,
              channels: Sequence[Channel], budget: float) -> pd.DataFrame:
    pairs = _pairs({p: m & fitting[p] for p, m in targetable.items()})
    pairs = pairs.iloc[np.argsort(-inflow[pairs["row"].to_numpy()], kind="stable")].reset_index(drop=True)
    by_cost = sorted(range(len(channels)), key=lambda i: -channels[i].cost_yuan)
    # the costliest channel for the first in line, then the next channel as capacities run out
    bounds = np.cumsum([channels[i].capacity for i in by_cost])
    position = np.arange(len(pairs.drop_duplicates("row")))
    slot = np.minimum(np.searchsorted(bounds, position, side="right"), len(by_cost) - 1)
    unique = pairs.drop_duplicates("row").reset_index(drop=True)
    return _fill(unique, np.array(by_cost)[slot], channels, budget)


def true_value(plan: pd.DataFrame, pop: Population, products: dict[str, ProductDoc], econ: Economics,
               seed: int) -> tuple[float, float]:
    """(expected, realised) incremental value of a plan under the truth: uplift × (margin − loss) − cost;
    realised draws one take-up per target with and without contact (common random numbers; losses
    at their expected value)."""
    if not len(plan):
        return 0.0, 0.0
    truth = pop.truth
    rows = plan["row"].to_numpy()
    pidx = plan["product"].map({p: i for i, p in enumerate(truth.products)}).to_numpy()
    p_contact = truth.take_probability(rows, pidx, plan["channel"].to_numpy())
    p_org = truth.take_probability(rows, pidx, np.full(len(rows), "none"))
    true_pd = truth.table["true_pd"].to_numpy()[rows]
    net = np.zeros(len(rows))
    for pid, idx in plan.groupby("product").indices.items():
        margin, loss, _ = value_of_take(pop.base.iloc[rows[idx]], products[pid], true_pd[idx], econ)
        net[idx] = margin - loss
    cost = plan["cost"].to_numpy(dtype=float)
    expected = float(((p_contact - p_org) * net - cost).sum())
    u = np.random.default_rng(seed).random(len(rows))
    realised = float((((u < p_contact).astype(float) - (u < p_org)) * net - cost).sum())
    return expected, realised
