"""The campaign graph's state. A campaign is one batch run over in-memory tables (DataFrames and the
trained model), so the graph runs without a checkpointer: nothing here is persisted, and the
results are written once, complete, by the service."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

import pandas as pd


def merge(a: dict, b: dict) -> dict:
    return {**a, **b}


class CampaignState(TypedDict, total=False):
    base: pd.DataFrame
    history: pd.DataFrame
    links: pd.DataFrame
    facts: pd.DataFrame
    fit: pd.DataFrame
    screen: pd.DataFrame
    ent: pd.DataFrame  # enterprise feature rows
    owns: dict[str, Any]
    fitting: dict[str, Any]
    targetable: dict[str, Any]
    model: Any  # tools.campaign.propensity.PropensityModel
    candidates: pd.DataFrame
    allocation: Any  # tools.campaign.allocation.Allocation
    targets: pd.DataFrame
    seconds: Annotated[dict[str, float], merge]
    trace: Annotated[list[str], operator.add]
