"""Campaign requests and results (the API, the CLI, the tab and the eval share these)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator


class ChannelOverride(BaseModel):
    id: str = Field(pattern=r"^[a-z_]{2,20}$")
    cost_yuan: float | None = Field(None, gt=0)
    capacity: int | None = Field(None, ge=0)


class PopulationSpec(BaseModel):
    """Where the base comes from: the seeded generator, or a bank's own file on the server."""

    source: Literal["synthetic", "file"] = "synthetic"
    size: int = Field(20000, ge=100, le=1_000_000)
    seed: int = Field(7, ge=0, le=2**31 - 1)
    history_seed: int | None = Field(None, ge=0, description="seed of the simulated history (default seed+1)")
    path: str | None = Field(None, description="CSV/Parquet of the base (source=file)")
    history_path: str | None = Field(None, description="CSV/Parquet of past campaigns (source=file)")


class CampaignRequest(BaseModel):
    budget_yuan: float = Field(ge=0, le=1e9, description="total contact budget in yuan")
    products: list[str] = Field(default_factory=list, max_length=50, description="product ids; empty = all")
    channels: list[ChannelOverride] = Field(default_factory=list, max_length=10,
                                            description="channels to use (empty = all defaults)")
    month: int = Field(3, ge=1, le=12, description="campaign month (the season ahead matters)")
    population: PopulationSpec = Field(default_factory=PopulationSpec)
    top: int = Field(100, ge=0, le=10000, description="targets returned in the response (all go to the CSV)")

    @field_validator("products")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(p.strip() for p in v if p.strip()))


class Target(BaseModel):
    rank: int
    ent_id: str
    name: str
    segment: str
    product: str
    channel: str
    bid_yuan: float = Field(description="the most one contact is worth at the budget's shadow price")
    cost_yuan: float
    p_take: float
    uplift: float
    expected_value_yuan: float
    reasons: list[str]


class ModelMetrics(BaseModel):
    rows_train: int
    rows_test: int
    auc: float
    brier: float
    ece: float
    lift_top10: float
    per_product: dict[str, dict[str, float]]
    lift: list[tuple[float, float]]


class ChannelUse(BaseModel):
    channel: str
    name: str
    contacts: int
    capacity: int
    spend_yuan: float


class CampaignSummary(BaseModel):
    enterprises: int
    linked: int
    declined: int
    targetable: int
    candidates: int
    targets: int
    budget_yuan: float
    spend_yuan: float
    expected_value_yuan: float
    bound_yuan: float
    optimality_gap: float
    budget_shadow_price: float
    seconds: dict[str, float]


class CampaignResult(BaseModel):
    campaign_id: str
    summary: CampaignSummary
    model: ModelMetrics
    channels: list[ChannelUse]
    value_by_segment: dict[str, float]
    decline_reasons: dict[str, int]
    unfit_reasons: dict[str, dict[str, int]]
    targets: list[Target]
    brief: str
