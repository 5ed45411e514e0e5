"""The 4xx body every router returns: a message and, for bad input, one entry per field at fault.

Same shape as app.py's handler for FastAPI's own validation errors, so clients parse one format.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, Field


class FieldProblem(BaseModel):
    field: str
    message: str
    type: str | None = None


class ErrorBody(BaseModel):
    error: str
    fields: list[FieldProblem] = Field(default_factory=list)


#: the field a status is about when the raising code named none (auth and rate limits: the key header)
#: (400 is FastAPI's "error parsing the body" for an optional body that is not JSON; found by schemathesis)
_DEFAULT_FIELD = {400: "body", 401: "header.X-API-Key", 403: "header.X-API-Key", 429: "header.X-API-Key"}


def http_error_body(status: int, detail: Any) -> dict[str, Any]:
    """The body of an HTTPException, in the shared shape: ``error`` and ``fields`` (what the client
    must change), plus ``detail`` (the message, for clients of the earlier shape)."""
    if isinstance(detail, dict) and "error" in detail:
        fields = list(detail.get("fields") or [])
        message = str(detail["error"])
    else:
        message = str(detail) if detail is not None else "error"
        fields = []
    if not fields and status in _DEFAULT_FIELD:
        fields = [{"field": _DEFAULT_FIELD[status], "message": message}]
    return {"error": message, "fields": fields, "detail": message}


def api_error(status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None) -> HTTPException:
    """An HTTPException whose body names the field at fault (``path.session_id``, ``session_ids`` …)."""
    fields = [{"field": field, "message": message}] if field else []
    return HTTPException(status, detail={"error": message, "fields": fields}, headers=headers)
