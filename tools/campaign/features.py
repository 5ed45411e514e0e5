"""Model inputs: one numeric row per enterprise, and per (enterprise, product, channel) offer.

Everything here is column arithmetic. The enterprise part summarises size, flows (level, 3-month
growth, volatility), the season ahead of the campaign month in the linked segment's seasonality, credit
facts and the linked segment and stage; the offer part adds the product, whether the enterprise
already holds it, whether its segment lists it as fitting, and the channel (``none`` = no contact).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kb.schema import IndustryDoc
from tools.campaign.columns import CHANNEL_NONE, FLOW_COLUMNS, GRADES

STAGES = ("upstream", "midstream", "downstream", "support", "unknown")
ACCESS = ("鼓励", "适度", "审慎", "禁止")
CATEGORICAL = ("segment", "stage", "product", "channel")


def enterprise_features(base: pd.DataFrame, links: pd.DataFrame, industries: dict[str, IndustryDoc],
                        access: pd.Series, month: int) -> pd.DataFrame:
    flows = base[list(FLOW_COLUMNS)].to_numpy(dtype=float)
    first, last = flows[:, :3].mean(axis=1), flows[:, -3:].mean(axis=1)
    mean = flows.mean(axis=1)
    seg_ids = sorted(industries)
    ahead = {s: float(np.mean([industries[s].seasonality[(month - 1 + k) % 12] for k in range(3)])) for s in seg_ids}
    grade = base["tax_credit_grade"].map({g: i for i, g in enumerate(GRADES)}).fillna(2.0)
    f = pd.DataFrame({
        "log_revenue": np.log1p(base["annual_revenue_wan"].to_numpy(dtype=float)),
        "years": base["years_operating"].to_numpy(dtype=float),
        "log_employees": np.log1p(base["employee_count"].to_numpy(dtype=float)),
        "log_tax": np.log1p(base["annual_tax_paid_wan"].to_numpy(dtype=float)),
        "grade": grade.to_numpy(dtype=float),
        "invoice_months": base["invoice_months_12m"].to_numpy(dtype=float),
        "log_inflow": np.log1p(mean),
        "growth": np.log((last + 1e-3) / (first + 1e-3)),
        "flow_cv": flows.std(axis=1) / (mean + 1e-3),
        "season_ahead": links["segment"].map(ahead).fillna(1.0).to_numpy(dtype=float),
        "risk_grade": links["segment"].map({s: industries[s].risk_grade for s in seg_ids}).fillna(3).to_numpy(dtype=float),
        "access": access.map({a: i for i, a in enumerate(ACCESS)}).fillna(2).to_numpy(dtype=float),
        "link_score": links["link_score"].to_numpy(dtype=float),
    }, index=base.index)
    for c in ("has_core_enterprise_orders", "is_agricultural", "has_cross_border_sales", "has_collateral",
              "has_guarantee", "current_overdue"):
        f[c] = base[c].to_numpy(dtype=float)
    for c in ("owner_age", "overdue_count_24m", "max_overdue_days_24m", "inquiries_3m", "inquiries_6m",
              "debt_to_revenue"):
        f[c] = base[c].to_numpy(dtype=float)
    f["segment"] = pd.Categorical(links["segment"], categories=seg_ids + ["unknown"]).codes
    f["stage"] = pd.Categorical(links["stage"], categories=STAGES).codes
    return f.astype("float32")


def offer_features(ent: pd.DataFrame, rows: np.ndarray, product: str, channel: str, products: Sequence[str],
                   channels: Sequence[str], owns: np.ndarray, fitting: np.ndarray) -> pd.DataFrame:
    """Features of offering ``product`` on ``channel`` to enterprise rows ``rows`` (positions in ``ent``)."""
    out = ent.iloc[rows].reset_index(drop=True)
    out["product"] = np.float32(list(products).index(product))
    out["channel"] = np.float32(([CHANNEL_NONE] + list(channels)).index(channel))
    out["owns"] = owns[rows].astype("float32")
    out["fitting"] = fitting[rows].astype("float32")
    return out


def holds(base: pd.DataFrame, product: str) -> np.ndarray:
    """True where the enterprise already holds ``product`` (its ``existing_products`` lists it)."""
    return base["existing_products"].str.contains(rf"(?:^|\|){product}(?:\||$)", regex=True).to_numpy()


def fitting_mask(links: pd.DataFrame, industries: dict[str, IndustryDoc], product: str) -> np.ndarray:
    return links["segment"].isin([s for s, d in industries.items() if product in d.fitting_products]).to_numpy()
