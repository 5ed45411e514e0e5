"""The chain-map graph state: each node reads what it needs and writes its own keys."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from agents.chain_map.schemas import (
    ChainMapResult,
    ChainPosition,
    CustomerProfile,
    Extracted,
    MarketingStrategy,
    Placement,
    RiskStrategy,
    Screening,
)
from tools.txn.transactions import FieldError, Transaction


def merge_dicts(a: dict[str, str], b: dict[str, str]) -> dict[str, str]:
    return {**a, **b}


class ChainMapState(TypedDict, total=False):
    raw: Any  # the request as received (dict)
    request: Any  # ChainMapRequest once valid
    transactions: list[Transaction]
    errors: list[FieldError]
    extracted: Extracted
    placement: Placement
    position: ChainPosition | None
    profile: CustomerProfile
    screening: Screening | None
    marketing: MarketingStrategy
    risk: RiskStrategy
    profile_version: str | None  # issue #15: the industry profile version the strategies used
    result: ChainMapResult
    llm: Annotated[dict[str, str], merge_dicts]  # node → none / llm / fallback
    llm_reasons: Annotated[dict[str, str], merge_dicts]  # node → fallback reason (fallback nodes only)
    warnings: Annotated[list[str], operator.add]
