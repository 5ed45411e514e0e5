"""Typed inputs and outputs of the monitoring assistant (CLI, API, workbench and eval share them)."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, field_validator

from tools.monitoring.profiles import Proposal
from tools.monitoring.warnings_store import LoanWarning, RunSummary

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_month(value: str) -> str:
    if not MONTH.match(value or ""):
        raise ValueError("应为 YYYY-MM，例如 2026-11")
    return value


class RunRequest(BaseModel):
    month: str

    @field_validator("month")
    @classmethod
    def _month(cls, v: str) -> str:
        return check_month(v)


class RunResult(BaseModel):
    summary: RunSummary
    by_action: dict[str, int]
    top: list[LoanWarning] = Field(default_factory=list, description="the highest-point alerts")
    industry_signals: list[str] = Field(default_factory=list)
    backtest: dict | None = Field(None, description="per-signal P/R and AUC when the book carries ground truth")


class NoteResult(BaseModel):
    note_id: str
    segment: str
    attached: bool = Field(description="False: the same note was attached before")
    indexed_chunks: int
    proposal: Proposal | None = None
    llm: str = Field("none", description="none / llm / fallback: who drafted the profile edit")
    llm_reason: str | None = None


class DecisionRequest(BaseModel):
    month: str
    loan_id: str = Field(min_length=1, max_length=64)
    decision: str = Field(pattern="^(accept|override)$")
    action: str | None = Field(None, description="the action chosen when overriding")
    comment: str = Field(min_length=2, max_length=500)

    @field_validator("month")
    @classmethod
    def _month(cls, v: str) -> str:
        return check_month(v)
