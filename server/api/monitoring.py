"""Post-loan monitoring and industry tracking API (issue #15), bank staff only:
``GET /v1/loans/warnings`` (alerts by month / level / segment), ``GET /v1/loans/{loan_id}/timeline``,
``POST /v1/loans/warnings/decision`` (accept or override an action), ``POST /v1/loans/monitor/run``,
``GET /v1/industries/{segment}/history``. Validation errors are 4xx naming the field."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from agents.monitoring.nodes import BookMissing
from agents.monitoring.schemas import MONTH, DecisionRequest, RunRequest, RunResult
from agents.monitoring.service import MonitoringService
from server.api.errors import api_error
from server.security import caller_of, require_staff
from tools.monitoring.profiles import ProfileVersion
from tools.monitoring.warnings_store import LoanWarning

router = APIRouter(tags=["Post-loan monitoring"], dependencies=[Depends(require_staff)])  # bank staff only
Level = Literal["正常", "关注", "预警", "高危"]


class WarningsResponse(BaseModel):
    warnings: list[LoanWarning]
    portfolio: list[dict]


def _svc(request: Request) -> MonitoringService:
    return MonitoringService.from_services(request.app.state.services)


@router.get("/v1/loans/warnings", response_model=WarningsResponse)
async def warnings(request: Request, month: str | None = Query(None, pattern=MONTH.pattern), level: Level | None = None,
                   segment: str | None = Query(None, max_length=64), limit: int = Query(100, ge=1, le=1000),
                   offset: int = Query(0, ge=0, le=1_000_000)) -> WarningsResponse:
    svc = await run_in_threadpool(_svc, request)
    found = await run_in_threadpool(svc.warnings, month=month, level=level, segment=segment, limit=limit, offset=offset)
    return WarningsResponse(warnings=found, portfolio=svc.portfolio(month) if month else [])


@router.get("/v1/loans/{loan_id}/timeline")
async def timeline(request: Request, loan_id: str) -> dict:
    if len(loan_id) > 64:
        raise api_error(422, "loan_id too long", "path.loan_id")
    svc = await run_in_threadpool(_svc, request)
    return await run_in_threadpool(svc.timeline, loan_id)


@router.post("/v1/loans/warnings/decision")
async def decision(request: Request, body: DecisionRequest) -> dict:
    svc = await run_in_threadpool(_svc, request)
    reviewer = caller_of(request).customer_id
    try:
        return await run_in_threadpool(lambda: svc.decide_warning(body.month, body.loan_id, reviewer=reviewer,
                                                                  decision=body.decision, action=body.action,
                                                                  comment=body.comment))
    except KeyError as exc:
        raise api_error(404, str(exc.args[0]), "loan_id") from None
    except ValueError as exc:
        raise api_error(422, str(exc), "action") from None


@router.post("/v1/loans/monitor/run", response_model=RunResult)
async def run(request: Request, body: RunRequest) -> RunResult:
    svc = await run_in_threadpool(_svc, request)
    try:
        return await run_in_threadpool(svc.run, body.month)
    except BookMissing as exc:
        raise api_error(409, str(exc), "book") from None
    except ValueError as exc:
        raise api_error(422, str(exc), "month") from None


@router.get("/v1/industries/{segment}/history", response_model=list[ProfileVersion])
async def history(request: Request, segment: str) -> list[ProfileVersion]:
    svc = await run_in_threadpool(_svc, request)
    if segment not in svc.context.seasonality:
        raise api_error(404, f"unknown segment: {segment[:64]}", "path.segment")
    return await run_in_threadpool(svc.history, segment)
