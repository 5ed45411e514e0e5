"""Candidate offers: for every targetable enterprise and channel, its best product and expected value.

Targetable = not declined by the pre-screen and fit for the product (product rules). For each product
and channel the model scores the contacted and the no-contact take-up in one vectorised batch; the
expected value of an offer is ``uplift × (margin − expected loss) − contact cost``. Since cost and
capacity depend on the channel only, the best product per (enterprise, channel) dominates the others,
so keeping only that one loses nothing for the allocation (``tools.campaign.allocation``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kb.schema import ProductDoc
from tools.campaign.columns import CHANNEL_NONE
from tools.campaign.economics import Channel, Economics, value_of_take
from tools.campaign.features import offer_features
from tools.campaign.propensity import PropensityModel

CANDIDATE_COLUMNS = ("row", "product", "channel", "p_contact", "p_organic", "uplift", "margin", "expected_loss",
                     "exposure_wan", "cost", "value")


def candidates(base: pd.DataFrame, ent: pd.DataFrame, targetable: dict[str, np.ndarray], model: PropensityModel,
               products: Sequence[ProductDoc], channels: Sequence[Channel], econ: Economics,
               owns: dict[str, np.ndarray], fitting: dict[str, np.ndarray]) -> pd.DataFrame:
    """Best product per (enterprise row, channel) with positive expected value (``CANDIDATE_COLUMNS``)."""
    pd_default = model.default_probability(ent)
    best: dict[str, pd.DataFrame] = {}
    for p in products:
        rows = np.flatnonzero(targetable[p.id])
        if not len(rows):
            continue
        margin, loss, exposure = value_of_take(base.iloc[rows], p, pd_default[rows], econ)
        net_take = margin - loss
        organic = model.predict(offer_features(ent, rows, p.id, CHANNEL_NONE, model.products, model.channels,
                                               owns[p.id], fitting[p.id]))
        for c in channels:
            contact = model.predict(offer_features(ent, rows, p.id, c.id, model.products, model.channels,
                                                   owns[p.id], fitting[p.id]))
            uplift = contact - organic
            value = uplift * net_take - c.cost_yuan
            frame = pd.DataFrame({"row": rows, "product": p.id, "channel": c.id, "p_contact": contact,
                                  "p_organic": organic, "uplift": uplift, "margin": margin,
                                  "expected_loss": loss, "exposure_wan": exposure, "cost": c.cost_yuan,
                                  "value": value})
            frame = frame[frame["value"] > 0]
            if c.id in best:
                merged = pd.concat([best[c.id], frame], ignore_index=True)
                best[c.id] = merged.loc[merged.groupby("row")["value"].idxmax()]
            else:
                best[c.id] = frame
    if not best:
        return pd.DataFrame({k: [] for k in CANDIDATE_COLUMNS})
    return pd.concat(best.values(), ignore_index=True)[list(CANDIDATE_COLUMNS)]
