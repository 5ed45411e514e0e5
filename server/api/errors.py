"""The 4xx body every router returns: a message and, for bad input, one entry per field at fault.

Same shape as app.py's handler for FastAPI's own validation errors, so clients parse one format.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class FieldProblem(BaseModel):
    field: str
    message: str
    type: str | None = None


class ErrorBody(BaseModel):
    error: str
    fields: list[FieldProblem] = Field(default_factory=list)
