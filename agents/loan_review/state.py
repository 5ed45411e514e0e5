"""The loan-review graph state: plain JSON-able dicts (checkpointed to SQLite; no personal data)."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


class LoanReviewState(TypedDict, total=False):
    thread_id: str
    application: dict[str, Any]  # masked
    application_id: str | None
    input_hash: str
    industry: dict[str, Any]
    flow: dict[str, Any]
    facts: dict[str, Any]
    features: dict[str, Any]
    policy_result: dict[str, Any]
    score: dict[str, Any] | None
    band: str | None
    limit: dict[str, Any] | None
    price: dict[str, Any] | None
    system_decision: str
    decision: str
    reasons: list[str]
    refer_reasons: list[str]
    rule_ids: list[str]
    review: dict[str, Any] | None
    prose: str  # the memo's 审查综述 paragraph (model or template), kept for the final memo
    memo: str
    memo_source: str
    memo_reason: str | None  # why the prose is not the model's: no_model, timeout, ungrounded …; None for llm
    audit_seqs: Annotated[list[int], operator.add]
    trace: Annotated[list[str], operator.add]
