"""Typed inputs and outputs of the loan-review assistant (API, CLI and UI all speak these)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.credit.application import Application, FieldError  # noqa: F401  (re-exported)

Status = Literal["completed", "pending_review"]


class ReviewerAction(BaseModel):
    """A reviewer's verdict on a referred application (resumes the paused review)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    decision: Literal["approve", "decline"]
    comment: str = Field(min_length=2, max_length=2000, description="审查意见（必填）")
    reviewer: str = Field(min_length=1, max_length=64, pattern=r"^[\w.@\-\u4e00-\u9fff]+$")


class ReviewRecord(BaseModel):
    reviewer: str
    decision: Literal["approve", "decline"]
    comment: str
    at: str


class ReviewResult(BaseModel):
    """Everything a reviewer or client needs: the decision, why, the numbers and the memo."""

    thread_id: str
    status: Status
    decision: Literal["approve", "decline", "refer"] = Field(description="final decision; refer while pending")
    system_decision: Literal["approve", "decline", "refer"]
    application_id: str | None = None
    enterprise: str
    input_hash: str
    industry: dict[str, Any]
    score: dict[str, Any] | None = None
    band: str | None = None
    rule_hits: list[dict[str, Any]] = Field(default_factory=list)
    rule_ids: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    refer_reasons: list[str] = Field(default_factory=list)
    limit: dict[str, Any] | None = None
    price: dict[str, Any] | None = None
    review: ReviewRecord | None = None
    memo: str
    memo_source: str
    memo_reason: str | None = Field(None, description="why the memo prose is not the model's: no_model (template), "
                                    "or the fallback's reason (timeout, http_500, ungrounded …); None when llm")
    model_version: str | None = None
    policy_version: str | None = None
    audit_seqs: list[int] = Field(default_factory=list)
    trace: list[str] = Field(default_factory=list)


class QuickReviewResult(ReviewResult):
    """A review of the short form: the normal result plus the credit-report facts that were filled
    from the documented defaults (tools.credit.quick_form.QuickCreditDefaults) and must be verified."""

    defaults_filled: list[str] = Field(default_factory=list, description="dotted paths filled with defaults")


class PendingReview(BaseModel):
    thread_id: str
    application_id: str | None
    enterprise: str
    score: int | None
    band: str | None
    requested_wan: float | None
    limit_wan: float | None
    refer_reasons: list[str]
    referred_at: str


class ErrorBody(BaseModel):
    detail: str | list[FieldError]
