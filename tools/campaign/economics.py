"""What one take-up is worth to the bank, per enterprise and product, and what contacting costs.

Loan-like products (those with an amount and a rate in their KB document) earn the rate spread over
the funding cost on an exposure sized from revenue and clipped to the product's amount range, over at
most a year; their expected loss is PD × LGD × exposure (a lower LGD when collateral or a guarantee
backs the loan). Other products earn a flat yearly margin from the assumptions below. The numbers are
stated assumptions a campaign manager can change, not facts from the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from kb.schema import ProductDoc


class Channel(BaseModel):
    id: str = Field(pattern=r"^[a-z_]{2,20}$")
    name: str
    cost_yuan: float = Field(gt=0, description="cost of one contact (a placement: the clearing price)")
    capacity: int = Field(ge=0, description="contacts available in the campaign window")


class Economics(BaseModel):
    funding_cost_pct: float = Field(2.2, ge=0, le=20)
    exposure_share_of_revenue: float = Field(0.2, gt=0, le=2)
    lgd_unsecured: float = Field(0.45, ge=0, le=1)
    lgd_secured: float = Field(0.25, ge=0, le=1)
    margin_yuan: dict[str, float] = Field(
        default_factory=lambda: {"account": 300.0, "settlement": 1200.0, "payroll": 800.0, "wealth": 900.0},
        description="yearly margin of one non-loan product taken, by product category")


def is_loan(product: ProductDoc) -> bool:
    return product.amount_wan is not None and product.rate_pct is not None


def value_of_take(base: pd.DataFrame, product: ProductDoc, pd_default: np.ndarray, econ: Economics
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(margin, expected loss, exposure in 万元) of one take-up of ``product`` by each enterprise, in yuan."""
    n = len(base)
    if not is_loan(product):
        return np.full(n, econ.margin_yuan.get(product.category, 0.0)), np.zeros(n), np.zeros(n)
    assert product.amount_wan is not None and product.rate_pct is not None
    exposure = np.clip(base["annual_revenue_wan"].to_numpy(dtype=float) * econ.exposure_share_of_revenue,
                       product.amount_wan.min, product.amount_wan.max)
    rate = (product.rate_pct.min + product.rate_pct.max) / 2
    years = min(((product.tenor_months.min + product.tenor_months.max) / 2) if product.tenor_months else 12, 12) / 12
    margin = exposure * 1e4 * max(rate - econ.funding_cost_pct, 0) / 100 * years
    secured = base["has_collateral"].to_numpy(dtype=bool) | base["has_guarantee"].to_numpy(dtype=bool)
    lgd = np.where(secured, econ.lgd_secured, econ.lgd_unsecured)
    return margin, pd_default * lgd * exposure * 1e4, exposure


def channel_arrays(channels: Sequence[Channel]) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([c.cost_yuan for c in channels], dtype=float),
            np.array([c.capacity for c in channels], dtype=float))
