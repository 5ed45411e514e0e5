"""Past campaigns simulated on a generated base: who was contacted on which channel, who responded,
who took the product and who later defaulted, with a no-contact control group.

Each past campaign drew a random sample of the base, a random product and a random channel (a
randomised design, so the propensity model can learn channel effects) and held out a control group
offered nothing: their take-up is the organic rate the uplift is measured against. A response only
becomes a loan when the bank would have approved it (``approved``, product fit and pre-screen), and a
loan defaults with the enterprise's true probability.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.campaign.columns import CHANNEL_NONE
from tools.campaign.population import Population


def simulate(pop: Population, seed: int, campaigns: int = 3, contact_share: float = 0.1,
             control_share: float = 0.03, approved: np.ndarray | None = None,
             loan_products: frozenset[str] = frozenset()) -> pd.DataFrame:
    """History rows (see ``columns.HISTORY_COLUMNS``); ``approved`` is an (n, products) bool matrix."""
    rng = np.random.default_rng(seed)
    truth = pop.truth
    n, products, channels = len(pop.base), truth.products, truth.channels
    frames = []
    for k in range(campaigns):
        size = int(n * (contact_share + control_share))
        rows = rng.choice(n, size=size, replace=False)
        control = rng.random(size) < control_share / (contact_share + control_share)
        pidx = rng.integers(0, len(products), size)
        chan = np.where(control, CHANNEL_NONE, np.array(channels)[rng.integers(0, len(channels), size)])
        p = truth.take_probability(rows, pidx, chan)
        responded = rng.random(size) < p
        ok = approved[rows, pidx] if approved is not None else np.ones(size, dtype=bool)
        took = responded & ok
        is_loan = np.isin(np.array(products)[pidx], list(loan_products))
        defaulted = took & is_loan & (rng.random(size) < truth.table["true_pd"].to_numpy()[rows])
        frames.append(pd.DataFrame({
            "campaign_id": f"C{seed % 100:02d}{k + 1:02d}", "ent_id": pop.base["ent_id"].to_numpy()[rows],
            "product": np.array(products)[pidx], "channel": chan, "contacted": ~control,
            "responded": responded, "took": took, "defaulted": defaulted}))
    return pd.concat(frames, ignore_index=True)
