"""Loan-review API.

- ``POST /v1/loan/review`` — review an application: a decision (approve/decline) with reasons, or
  ``status: pending_review`` when referred to a person (the review is paused and persisted).
- ``POST /v1/loan/review/quick`` — the short form for a first try: ``owner.credit_report`` may be
  missing or partial; missing facts are filled from ``QuickCreditDefaults`` (named in
  ``defaults_filled``); otherwise the same review and the same 422s.
- ``POST /v1/loan/review/{thread_id}/resume`` — a reviewer's approve/decline with comment.
- ``GET /v1/loan/reviews/pending`` — the reviewers' queue.
- ``GET /v1/loan/review/{thread_id}`` — a review's current state, memo included.

Bad fields are 422 with one entry per field (the app's handler for shape errors; this router for
knowledge-base checks such as an unknown product), in the same ``{error, fields}`` shape. Resuming an
unknown review is 404; resuming one that is not waiting for a reviewer is 409 (LangGraph itself would
silently start a new run, so the service checks first). Personal data never appears in responses
except as masked in the memo.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from agents.loan_review.schemas import PendingReview, QuickReviewResult, ReviewerAction, ReviewResult
from agents.loan_review.service import InvalidApplication, LoanReviewService, ReviewConflict, ReviewNotFound
from server.api.errors import ErrorBody, FieldProblem
from tools.credit.application import Application
from tools.credit.quick_form import QuickApplication
from server.security import require_staff

router = APIRouter(prefix="/v1/loan", tags=["loan review"], dependencies=[Depends(require_staff)])  # bank staff only
THREAD_ID = Path(pattern=r"^[A-Za-z0-9_-]{1,80}$", description="审查流水号（POST /v1/loan/review 返回的 thread_id）")


def _service(request: Request):
    return LoanReviewService.from_services(request.app.state.services)


def _thread_field(message: str) -> FieldProblem:
    return FieldProblem(field="path.thread_id", message=message, type="not_found")


def _error(status: int, message: str, fields: list[FieldProblem] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=ErrorBody(error=message, fields=fields or []).model_dump())


_REVIEW_LINKS = {200: {"description": "the decision, or status pending_review", "links": {
    "GetReview": {"operationRef": "#/paths/~1v1~1loan~1review~1{thread_id}/get",
                  "parameters": {"path.thread_id": "$response.body#/thread_id"}},
    "ResumeReview": {"operationRef": "#/paths/~1v1~1loan~1review~1{thread_id}~1resume/post",
                     "parameters": {"path.thread_id": "$response.body#/thread_id"}}}}}


@router.post("/review", response_model=ReviewResult,
             responses={**_REVIEW_LINKS, 422: {"model": ErrorBody, "description": "invalid fields (each named)"}})
def review(body: Application, request: Request) -> Any:
    """Review a loan application end to end (rules, scorecard, limit and price, decision, memo, audit)."""
    try:
        return _service(request).review(body)
    except InvalidApplication as exc:
        return _error(422, "invalid request", [FieldProblem(field=e.field, message=e.msg, type=e.type) for e in exc.errors])


@router.post("/review/quick", response_model=QuickReviewResult,
             responses={**_REVIEW_LINKS, 422: {"model": ErrorBody, "description": "invalid fields (each named)"}})
def review_quick(body: QuickApplication, request: Request) -> Any:
    """Review the short form: missing credit-report facts take the documented defaults (listed in
    ``defaults_filled``, to be verified); the decision is a normal one."""
    try:
        return _service(request).review_quick(body.model_dump(mode="json", exclude_none=True))
    except InvalidApplication as exc:
        return _error(422, "invalid request",
                      [FieldProblem(field=e.field, message=e.msg, type=e.type) for e in exc.errors])


@router.post("/review/{thread_id}/resume", response_model=ReviewResult,
             responses={404: {"model": ErrorBody, "description": "no such review"},
                        409: {"model": ErrorBody, "description": "the review is not waiting for a reviewer"},
                        422: {"model": ErrorBody, "description": "invalid fields"}})
def resume(body: ReviewerAction, request: Request, thread_id: str = THREAD_ID) -> Any:
    """Resume a referred review with the reviewer's decision (approve/decline) and comment."""
    try:
        return _service(request).resume(thread_id, body)
    except ReviewNotFound:
        return _error(404, f"no loan review {thread_id}", [_thread_field("no such review")])
    except ReviewConflict as exc:
        return _error(409, str(exc), [_thread_field("the review is not waiting for a reviewer")])


@router.get("/reviews/pending", response_model=list[PendingReview])
def pending(request: Request) -> Any:
    """Referred reviews waiting for a reviewer, oldest first."""
    return _service(request).pending()


@router.get("/review/{thread_id}", response_model=ReviewResult,
            responses={404: {"model": ErrorBody, "description": "no such review"}})
def get_review(request: Request, thread_id: str = THREAD_ID) -> Any:
    """A review's decision, reasons, score, limit, price and memo (pending or completed)."""
    result = _service(request).get(thread_id)
    if result is None:
        return _error(404, f"no loan review {thread_id}", [_thread_field("no such review")])
    return result
