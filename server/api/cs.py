"""Customer-service chat API: sessions bound to the calling API key's customer, JSON or SSE replies.

- ``POST /v1/cs/sessions`` — open a session (201) with the bot's greeting;
- ``POST /v1/cs/sessions/{id}/messages`` — one message → one reply; ``"stream": true`` in the body
  or ``Accept: text/event-stream`` streams it as Server-Sent Events (``meta``, ``delta``…, ``done``);
- ``GET /v1/cs/sessions/{id}`` — the masked transcript and hand-off state.

The customer id comes only from the authenticated caller; a session of another customer answers 404
exactly like one that does not exist. Each reply carries a ``Server-Timing`` header (embedding,
FAQ match, retrieval, graph, serialisation) — the load benchmark reads it.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import AsyncIterator
from typing import Literal

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sse_starlette.sse import EventSourceResponse

from agents.customer_service.build import bot_from_services
from agents.customer_service.schemas import BotReply
from agents.customer_service.service import CsBot, SessionNotFound, SessionView, TurnResult
from server.security import Caller, require_caller

log = logging.getLogger("puhui.cs")
router = APIRouter(prefix="/v1/cs", tags=["customer service"])
SESSION_ID = r"^cs_[0-9a-f]{24}$"
_NOT_FOUND = {404: {"description": "no such session for this API key's customer"}}
_UNAVAILABLE = {503: {"description": "the assistant failed on this turn; nothing was recorded"}}


class CreateSession(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Literal["api", "web", "app", "wechat", "ui", "cli"] = "api"


class SessionCreated(BaseModel):
    session_id: str
    customer_id: str
    created_at: float
    greeting: str


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=2000, description="the customer's message (personal data is masked)")
    stream: bool = Field(False, description="reply as Server-Sent Events")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text must not be blank")
        return v


class MessageOut(BaseModel):
    session_id: str
    reply: BotReply
    timings_ms: dict[str, float] = Field(default_factory=dict)


def caller_of(request: Request) -> Caller:
    """The caller app.py's require_caller dependency already authenticated (never re-charged)."""
    caller = getattr(request.state, "caller", None)
    return caller if caller is not None else require_caller(request)


def get_bot(request: Request) -> CsBot:
    return bot_from_services(request.app.state.services)


def server_timing(timings: dict[str, float]) -> str:
    return ", ".join(f"{k.replace('_', '-')};dur={v:.2f}" for k, v in timings.items())


async def run_turn(request: Request, session_id: str, text: str) -> TurnResult:
    caller = caller_of(request)
    try:  # one thread-pool hop per turn: the bot is built (once) and used in the same worker call
        return await run_in_threadpool(lambda: get_bot(request).send(session_id, caller.customer_id, text))
    except SessionNotFound:
        raise HTTPException(404, detail="session not found") from None
    except ValueError as exc:
        raise HTTPException(422, detail={"error": "invalid request", "fields": [{"field": "text", "message": str(exc)}]}) from None
    except Exception:
        log.exception("customer-service turn failed (session %s)", session_id)
        raise HTTPException(503, detail="the assistant could not answer right now; please retry or call 400-800-1234") from None


@router.post("/sessions", status_code=201, response_model=SessionCreated, responses=_UNAVAILABLE)
async def create_session(request: Request, body: CreateSession | None = None) -> SessionCreated:
    caller = caller_of(request)
    bot = await run_in_threadpool(get_bot, request)
    info, greeting = await run_in_threadpool(bot.create_session, caller.customer_id, (body or CreateSession()).channel)
    return SessionCreated(session_id=info.id, customer_id=info.customer_id, created_at=info.created_at, greeting=greeting)


def _chunks(text: str, size: int = 16) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


async def _events(result: TurnResult, done: str) -> AsyncIterator[dict]:
    r = result.reply
    meta = {"session_id": result.session_id, "outcome": r.outcome, "intent": r.intent, "faq_id": r.faq_id,
            "confidence": r.confidence, "sources": [s.model_dump() for s in r.sources], "disclosures": r.disclosures,
            "handoff": r.handoff.model_dump() if r.handoff else None}
    yield {"event": "meta", "data": json.dumps(meta, ensure_ascii=False)}
    for piece in _chunks(r.text):
        yield {"event": "delta", "data": json.dumps({"text": piece}, ensure_ascii=False)}
    yield {"event": "done", "data": done}


@router.post("/sessions/{session_id}/messages", response_model=MessageOut,
             responses={**_NOT_FOUND, **_UNAVAILABLE,
                        200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE when streaming"}})
async def post_message(request: Request, body: MessageIn,
                       session_id: str = Path(max_length=64, description="from POST /v1/cs/sessions")):
    """One turn. The reply is checked (grounding, forbidden promises, personal data) before any of it
    is sent, so streaming replays the checked text: no token reaches the customer unchecked."""
    if not re.match(SESSION_ID, session_id):
        raise HTTPException(404, detail="session not found")
    result = await run_turn(request, session_id, body.text)
    t0 = time.perf_counter()
    out = MessageOut(session_id=result.session_id, reply=result.reply, timings_ms=result.timings_ms)
    payload = out.model_dump_json()
    timings = {**result.timings_ms, "serialize": (time.perf_counter() - t0) * 1000}
    headers = {"Server-Timing": server_timing(timings), "X-Puhui-Session": result.session_id}
    wants_stream = body.stream or "text/event-stream" in request.headers.get("accept", "")
    if wants_stream:
        return EventSourceResponse(_events(result, payload), headers=headers, ping=15)
    return Response(payload, media_type="application/json", headers=headers)


@router.get("/sessions/{session_id}", response_model=SessionView, responses=_NOT_FOUND)
async def get_session(request: Request, session_id: str = Path(max_length=64)) -> SessionView:
    """The masked transcript (every turn with its outcome, sources and hand-off), for this customer only."""
    if not re.match(SESSION_ID, session_id):
        raise HTTPException(404, detail="session not found")
    bot = await run_in_threadpool(get_bot, request)
    try:
        return await run_in_threadpool(bot.view, session_id, caller_of(request).customer_id)
    except SessionNotFound:
        raise HTTPException(404, detail="session not found") from None
