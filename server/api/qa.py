"""QA inspection API: ``POST /v1/qa/inspect`` scores dialogs against the rubric in the corpus.

Send dialogs as JSON (``{"dialogs": [...]}``, each ``{id, turns: [{role, text, ts?}]}``), a CSV export
(``{"csv": "dialog_id,role,text,ts\\n..."}``), and/or ids of the caller's own bot sessions
(``{"session_ids": [...]}``). Returns one report per dialog (findings with rule id, severity, evidence
span and suggestion) and a summary (pass rate, findings by rule, worst dialogs, KB-gap candidates).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agents.customer_service.service import CsService, SessionNotFound
from agents.qa_inspection.batch import inspect_all, summarize
from agents.qa_inspection.schemas import BatchSummary, DialogReport
from agents.qa_inspection.service import QaService
from agents.qa_inspection.transcripts import dialog_from_view
from server.api.errors import api_error
from server.security import require_staff
from tools.qa.dialogs import Dialog, DialogFormatError, dialog_from_obj, dialogs_from_csv

router = APIRouter(prefix="/v1/qa", tags=["QA inspection"], dependencies=[Depends(require_staff)])  # bank staff only
MAX_DIALOGS = 500


class InspectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dialogs: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_DIALOGS)
    csv: str | None = Field(None, max_length=5_000_000, description="CSV export: dialog_id, role, text[, ts]")
    session_ids: list[str] = Field(default_factory=list, max_length=MAX_DIALOGS,
                                   description="bot sessions of any customer (QA is for staff)")

    @model_validator(mode="after")
    def _something(self) -> "InspectRequest":
        if not (self.dialogs or self.csv or self.session_ids):
            raise ValueError("send at least one of: dialogs, csv, session_ids")
        return self


class InspectResponse(BaseModel):
    reports: list[DialogReport]
    summary: BatchSummary


def _field_error(field: str, message: str) -> HTTPException:
    return api_error(422, "invalid request: " + message, field)


def _collect(request: Request, body: InspectRequest) -> list[Dialog]:
    dialogs: list[Dialog] = []
    for i, obj in enumerate(body.dialogs):
        try:
            dialogs.append(dialog_from_obj(obj, f"dialog-{i + 1}"))
        except (ValidationError, ValueError) as exc:
            msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()) \
                if isinstance(exc, ValidationError) else str(exc)
            raise _field_error(f"dialogs.{i}", msg) from None
    if body.csv:
        try:
            dialogs += dialogs_from_csv(body.csv, "csv")
        except DialogFormatError as exc:
            raise _field_error("csv", "; ".join(exc.problems[:20])) from None
    if body.session_ids:
        bot = CsService.from_services(request.app.state.services)
        for i, sid in enumerate(body.session_ids):
            try:  # staff only (the router's dependency): QA reads every customer's dialogs
                dialogs.append(dialog_from_view(bot.view(sid, None)))
            except SessionNotFound:
                raise api_error(404, f"session not found: {sid[:64]}", f"session_ids.{i}") from None
    if len(dialogs) > MAX_DIALOGS:
        raise _field_error("dialogs", f"at most {MAX_DIALOGS} dialogs per request")
    return dialogs


@router.post("/inspect", response_model=InspectResponse,
             responses={404: {"description": "a session id that does not exist"}})
async def inspect(request: Request, body: InspectRequest) -> InspectResponse:
    dialogs = await run_in_threadpool(_collect, request, body)
    inspector = await run_in_threadpool(QaService.from_services, request.app.state.services)
    reports = await run_in_threadpool(inspect_all, inspector, dialogs)
    return InspectResponse(reports=reports, summary=summarize(reports, inspector))
