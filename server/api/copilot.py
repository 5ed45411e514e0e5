"""Staff copilot API: ``POST /v1/copilot/ask`` — one staff request (with optional earlier messages)
→ the copilot's answer, which assistants it called and with what, and who wrote the answer (the
model, or the keyword router by design or after a model failure).

Mounted behind the API-key dependency like every staff router (app.py). Bad input is a 422 naming
the field, in the shared ``{error, fields}`` shape. The graph runs in the threadpool: its model turns
are bounded by the LLM timeout, and the assistants it calls do blocking CPU and SQLite work.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, field_validator

from agents.copilot.schemas import CopilotAnswer
from agents.copilot.service import MAX_HISTORY, CopilotService
from server.api.errors import ErrorBody
from server.security import require_staff

router = APIRouter(prefix="/v1/copilot", tags=["staff copilot"], dependencies=[Depends(require_staff)])  # bank staff only


class HistoryMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(min_length=1, max_length=8000)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=4000, description="员工的请求原文",
                          examples=["客户问：税务贷额度多少？该怎么回答"])
    history: list[HistoryMessage] = Field(default_factory=list, max_length=MAX_HISTORY,
                                          description="earlier messages of this conversation, oldest first")

    @field_validator("question")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("question must not be blank")
        return v.strip()


@router.post("/ask", response_model=CopilotAnswer,
             responses={422: {"model": ErrorBody, "description": "invalid fields (each named)"}})
async def ask(body: AskRequest, request: Request) -> CopilotAnswer:
    """Ask the staff copilot; it calls the customer-service, chain-map or loan-review assistant."""
    services = request.app.state.services
    history = [m.model_dump() for m in body.history]
    return await run_in_threadpool(CopilotService.from_services(services).ask, body.question, history)
