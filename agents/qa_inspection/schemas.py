"""Typed outputs of the QA inspector: per-dialog reports (from tools.qa.models) and the batch summary."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.qa.gaps import GapGroup
from tools.qa.models import DialogReport, Evidence, Finding, GapCandidate, QaReview, RubricSuggestion

__all__ = ["BatchSummary", "DialogReport", "Evidence", "Finding", "GapCandidate", "GapGroup", "QaReview",
           "RubricSuggestion", "RuleCount"]


class RuleCount(BaseModel):
    rule_id: str
    rule_name: str
    severity: str
    dialogs: int = Field(description="dialogs with at least one finding of this rule")
    findings: int


class BatchSummary(BaseModel):
    """What ``puhui inspect`` and POST /v1/qa/inspect report for a set of dialogs."""

    dialogs: int
    passed: int
    pass_rate: float
    mean_score: float
    by_rule: list[RuleCount]
    by_severity: dict[str, int]
    worst: list[dict] = Field(default_factory=list, description="lowest-scoring dialogs: id, score, rule ids")
    gaps: list[GapGroup] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list, description="files or dialogs that could not be read")
    llm_suggestions: int = Field(0, description="the model judge's grounded suggestions, for a human to confirm "
                                                "(listed per dialog in findings.jsonl); never counted above")
