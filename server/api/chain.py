"""Chain-map API: ``POST /v1/chain/map`` and ``GET /v1/chain/brief/{segment_id}``.

Shape errors are caught by FastAPI (422, one entry per field, via the app's handler); content errors
found by the assistant — an unknown location, a malformed transaction row — come back in the same
422 shape, so a client handles one format. An unknown segment is a 404 naming the nearest ids.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from agents.chain_map.brief import UnknownSegment
from agents.chain_map.schemas import ChainMapErrors, ChainMapRequest, ChainMapResult
from agents.chain_map.service import ChainMapService
from server.api.errors import ErrorBody as BaseErrorBody
from server.api.errors import FieldProblem
from server.security import require_staff

router = APIRouter(prefix="/v1/chain", tags=["chain map"], dependencies=[Depends(require_staff)])  # bank staff only


class ErrorBody(BaseErrorBody):
    """The shared 4xx body plus, for an unknown segment, the nearest known ones."""

    nearest: list[str] = Field(default_factory=list)


class BriefOut(BaseModel):
    segment_id: str
    name: str
    markdown: str
    sources: list[str]


def _service(request: Request) -> ChainMapService:
    return ChainMapService.from_services(request.app.state.services)


@router.post("/map", response_model=ChainMapResult,
             responses={422: {"model": ErrorBody, "description": "invalid fields (each named)"}})
def chain_map(body: ChainMapRequest, request: Request) -> Any:
    """Place an enterprise on its industry chain; profile and screen its transactions; strategies."""
    raw = {"enterprise": body.enterprise.model_dump(mode="json"), "transactions": body.transactions}
    result = _service(request).run(raw)
    if isinstance(result, ChainMapErrors):
        problems = [FieldProblem(field=e.loc, message=e.msg, type="value_error") for e in result.errors]
        return JSONResponse(status_code=422, content=ErrorBody(error="invalid request", fields=problems).model_dump())
    return result


@router.get("/brief/{segment_id}", response_model=BriefOut,
            responses={404: {"model": ErrorBody, "description": "unknown segment (nearest ids listed)"}})
def chain_brief(segment_id: str, request: Request) -> Any:
    """Standard industry brief (行业研究简报) from the fixed template."""
    services = request.app.state.services
    try:
        kb = services.kb
    except Exception:  # the brief renders without the vector index
        kb = None
    try:
        brief = _service(request).brief(segment_id, kb=kb)
    except UnknownSegment as exc:
        return JSONResponse(status_code=404, content=ErrorBody(
            error=f"unknown segment {segment_id!r}", nearest=exc.nearest,
            fields=[FieldProblem(field="path.segment_id", message="unknown segment", type="not_found")]).model_dump())
    return BriefOut(**brief.model_dump())
