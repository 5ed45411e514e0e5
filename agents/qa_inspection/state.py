"""State of the QA inspection graph (one dialog per run; no checkpointer needed)."""

from __future__ import annotations

from typing import Any, TypedDict


class QaState(TypedDict, total=False):
    dialog: dict[str, Any]  # tools.qa.dialogs.Dialog, dumped
    findings: list[dict[str, Any]]  # tools.qa.models.Finding, dumped
    gaps: list[dict[str, Any]]
    review_note: str
    reviewed_by: str
    llm: str  # "llm" | "fallback" | "none"
    llm_reason: str | None
    llm_suggestions: list[dict[str, Any]]  # tools.qa.models.RubricSuggestion, grounded, dumped
    llm_suggestions_dropped: int
    report: dict[str, Any]  # tools.qa.models.DialogReport, dumped
