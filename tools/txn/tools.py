"""LangChain tools over the statement functions, for tool-calling agents (thin wrappers, no logic).

``profile_statement`` and ``screen_statement`` take raw rows (as an LLM or an API client would pass
them), validate them with field-level errors, and return JSON-ready dicts. The chain-map graph calls
the plain functions directly; these exist so a model-driven agent can call the same code.
"""

from __future__ import annotations

from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from tools.txn.flags import ScreeningParams
from tools.txn.profile import compute_profile
from tools.txn.screening import screen_transactions
from tools.txn.transactions import parse_transactions


class StatementArgs(BaseModel):
    transactions: list[dict[str, Any]] = Field(
        description="rows with date, amount (元, > 0), direction (in/out), counterparty, and optional "
                    "counterparty_industry, counterparty_scope, channel, memo")
    industry_seasonality: list[float] | None = Field(None, description="the segment's 12 monthly indices, Jan..Dec")
    account_type: str = Field("personal", description="personal (50万元 transfer threshold) or corporate (200万元)")


def profile_statement(transactions: list[dict[str, Any]], industry_seasonality: list[float] | None = None,
                      account_type: str = "personal") -> dict[str, Any]:
    txns, errors = parse_transactions(transactions)
    if errors:
        return {"errors": [e.model_dump() for e in errors]}
    return compute_profile(txns, industry_seasonality).model_dump(mode="json")


def screen_statement(transactions: list[dict[str, Any]], industry_seasonality: list[float] | None = None,
                     account_type: str = "personal") -> dict[str, Any]:
    txns, errors = parse_transactions(transactions)
    if errors:
        return {"errors": [e.model_dump() for e in errors]}
    params = ScreeningParams(transfer_report_threshold=2_000_000.0 if account_type == "corporate" else 500_000.0)
    res = screen_transactions(txns, params, industry_index=industry_seasonality)
    return {"flags": [f.model_dump(mode="json") for f in res.flags], "counts": res.counts,
            "rules_skipped": res.rules_skipped}


def statement_tools() -> list[StructuredTool]:
    return [
        StructuredTool.from_function(profile_statement, name="profile_statement", args_schema=StatementArgs,
                                     description="月度流入流出、季节性相关、交易对手集中度等资金流画像"),
        StructuredTool.from_function(screen_statement, name="screen_statement", args_schema=StatementArgs,
                                     description="可疑交易筛查：循环、分散转入/转出、拆分、整数金额、快进快出、静默后突发、季节性"),
    ]
