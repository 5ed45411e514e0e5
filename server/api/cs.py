"""Customer-service chat API: sessions bound to the calling API key's customer, JSON or SSE replies.

- ``POST /v1/cs/sessions`` — open a session (201) with the bot's greeting;
- ``POST /v1/cs/sessions/{id}/messages`` — one message → one reply; ``"stream": true`` in the body
  or ``Accept: text/event-stream`` streams it as Server-Sent Events (``meta``, ``delta``…,
  ``suggestions`` when the reply offers candidate questions (「您是不是想问」), ``done``;
  ``replace`` if the final text does not continue what was streamed; ``error`` if the turn fails
  after streaming began). With a model, a grounded answer streams live as the model writes it, one
  checked sentence at a time; the ``done`` event carries the final reply (sources, disclosures, timings);
- ``GET /v1/cs/sessions/{id}`` — the masked transcript and hand-off state.

The customer id comes only from the authenticated caller; a session of another customer answers 404
exactly like one that does not exist. Each reply carries a ``Server-Timing`` header (embedding,
FAQ match, retrieval, graph, serialisation) — the load benchmark reads it — except a live stream,
whose headers leave before the turn ends (its timings are in the ``done`` event).
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

from agents.customer_service.schemas import BotReply
from agents.customer_service.service import CsService, SessionNotFound, SessionView, TurnResult
from agents.customer_service.sessions import SESSION_ID_PATTERN
from tools.storage import is_unavailable
from server.api.errors import api_error
from server.security import caller_of
from server.streaming import LiveTurn, chunks, relay, server_timing

log = logging.getLogger("puhui.cs")
router = APIRouter(prefix="/v1/cs", tags=["customer service"])
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


def get_bot(request: Request) -> CsService:
    return CsService.from_services(request.app.state.services)


def _not_found() -> HTTPException:
    return api_error(404, "session not found", "path.session_id")


def turn_error(exc: Exception, session_id: str, retry_after_s: int = 2) -> HTTPException:
    """The HTTP error for a turn that failed before any of its reply was sent (nothing was recorded:
    the turn's checkpoint is written at its end, so a retry is safe)."""
    if isinstance(exc, SessionNotFound):
        return _not_found()
    if isinstance(exc, ValueError):
        return api_error(422, str(exc), "text")
    if is_unavailable(exc):
        log.warning("customer-service turn: a store is unavailable (session %s): %s", session_id, type(exc).__name__)
    else:
        log.error("customer-service turn failed (session %s)", session_id, exc_info=exc)
    return HTTPException(503, detail="the assistant could not answer right now; please retry or call 400-800-1234",
                         headers={"Retry-After": str(retry_after_s)})


def _retry_after(request: Request) -> int:
    return int(getattr(request.app.state, "retry_after_s", 2))


async def run_turn(request: Request, session_id: str, text: str) -> TurnResult:
    caller = caller_of(request)
    try:  # one thread-pool hop per turn: the bot is built (once) and used in the same worker call
        return await run_in_threadpool(lambda: get_bot(request).send(session_id, caller.customer_id, text))
    except Exception as exc:
        raise turn_error(exc, session_id, _retry_after(request)) from None


#: OpenAPI links: a created session's id feeds the turn and transcript routes (stateful API fuzzing follows them)
_SESSION_LINKS = {201: {"description": "the new session and the bot's greeting", "links": {
    "PostMessage": {"operationRef": "#/paths/~1v1~1cs~1sessions~1{session_id}~1messages/post",
                    "parameters": {"path.session_id": "$response.body#/session_id"}},
    "GetSession": {"operationRef": "#/paths/~1v1~1cs~1sessions~1{session_id}/get",
                   "parameters": {"path.session_id": "$response.body#/session_id"}}}}}


@router.post("/sessions", status_code=201, response_model=SessionCreated, responses={**_UNAVAILABLE, **_SESSION_LINKS})
async def create_session(request: Request, body: CreateSession | None = None) -> SessionCreated:
    caller = caller_of(request)
    bot = await run_in_threadpool(get_bot, request)
    info, greeting = await run_in_threadpool(bot.create_session, caller.customer_id, (body or CreateSession()).channel)
    return SessionCreated(session_id=info.id, customer_id=info.customer_id, created_at=info.created_at, greeting=greeting)


def _meta(result: TurnResult) -> dict:
    r = result.reply
    meta = {"session_id": result.session_id, "outcome": r.outcome, "intent": r.intent, "faq_id": r.faq_id,
            "confidence": r.confidence, "sources": [s.model_dump() for s in r.sources], "disclosures": r.disclosures,
            "handoff": r.handoff.model_dump() if r.handoff else None}
    return {"event": "meta", "data": json.dumps(meta, ensure_ascii=False)}


def _delta(text: str) -> dict:
    return {"event": "delta", "data": json.dumps({"text": text}, ensure_ascii=False)}


def _suggestions(result: TurnResult) -> list[dict]:
    """The ``suggestions`` event (「您是不是想问」: the standard questions to offer as buttons), when
    the reply has any; sent after the text and before ``done``."""
    offered = result.reply.suggestions
    if not offered:
        return []
    data = json.dumps({"suggestions": [s.model_dump() for s in offered]}, ensure_ascii=False)
    return [{"event": "suggestions", "data": data}]


def _done_payload(result: TurnResult) -> str:
    return MessageOut(session_id=result.session_id, reply=result.reply, timings_ms=result.timings_ms).model_dump_json()


async def _events(result: TurnResult, done: str) -> AsyncIterator[dict]:
    """A reply that was complete before streaming began (FAQ answers, no model, …)."""
    yield _meta(result)
    for piece in chunks(result.reply.text):
        yield _delta(piece)
    for event in _suggestions(result):
        yield event
    yield {"event": "done", "data": done}


async def _live_events(live: LiveTurn, started: TurnResult) -> AsyncIterator[dict]:
    """A live answer: ``meta`` from the draft (outcome, intent, candidate sources), the relayed text,
    then ``done`` with the final reply (or ``replace`` / ``error``, see ``relay``)."""
    yield _meta(started)
    async for kind, value in relay(live):
        if kind == "delta":
            yield _delta(value)
        elif kind == "replace":
            yield {"event": "replace", "data": json.dumps({"text": value}, ensure_ascii=False)}
        elif kind == "end":
            for event in _suggestions(value):
                yield event
            yield {"event": "done", "data": _done_payload(value)}
        else:
            yield {"event": "error", "data": json.dumps(
                {"detail": "the assistant could not finish this answer; please retry or call 400-800-1234"},
                ensure_ascii=False)}


def _reply_headers(result: TurnResult, t0: float) -> dict[str, str]:
    """Server-Timing (the turn's stages plus serialisation since ``t0``) and the session id."""
    timings = {**result.timings_ms, "serialize": (time.perf_counter() - t0) * 1000}
    return {"Server-Timing": server_timing(timings), "X-Puhui-Session": result.session_id}


@router.post("/sessions/{session_id}/messages", response_model=MessageOut,
             responses={**_NOT_FOUND, **_UNAVAILABLE,
                        200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE when streaming"}})
async def post_message(request: Request, body: MessageIn,
                       session_id: str = Path(max_length=64, description="from POST /v1/cs/sessions")):
    """One turn. Nothing reaches the customer unchecked: a JSON reply is checked whole (grounding,
    forbidden promises, personal data); a streamed one either replays a reply already checked, or —
    for a grounded answer the model writes — sends each sentence live only after it passed the same
    checks, and finishes with the extractive answer from the first sentence that fails."""
    if not re.match(SESSION_ID_PATTERN, session_id):
        raise _not_found()
    wants_stream = body.stream or "text/event-stream" in request.headers.get("accept", "")
    if wants_stream:
        return await _stream_turn(request, session_id, body.text)
    result = await run_turn(request, session_id, body.text)
    t0 = time.perf_counter()
    payload = _done_payload(result)
    return Response(payload, media_type="application/json", headers=_reply_headers(result, t0))


async def _stream_turn(request: Request, session_id: str, text: str) -> EventSourceResponse:
    """Start the turn and wait for its first sign: an error before anything was sent is still an
    HTTP status; a finished reply is replayed; a live answer streams as it comes."""
    customer_id = caller_of(request).customer_id
    live = LiveTurn(lambda on_delta, on_start: get_bot(request).send(
        session_id, customer_id, text, on_delta=on_delta, on_start=on_start)).start()
    kind, value = await live.get()
    if kind == "error":
        raise turn_error(value, session_id, _retry_after(request))
    if kind == "end":
        t0 = time.perf_counter()
        payload = _done_payload(value)
        return EventSourceResponse(_events(value, payload), headers=_reply_headers(value, t0), ping=15)
    return EventSourceResponse(_live_events(live, value), headers={"X-Puhui-Session": value.session_id}, ping=15)


@router.get("/sessions/{session_id}", response_model=SessionView, responses=_NOT_FOUND)
async def get_session(request: Request, session_id: str = Path(max_length=64)) -> SessionView:
    """The masked transcript (every turn with its outcome, sources and hand-off), for this customer only."""
    if not re.match(SESSION_ID_PATTERN, session_id):
        raise _not_found()
    bot = await run_in_threadpool(get_bot, request)
    try:
        return await run_in_threadpool(bot.view, session_id, caller_of(request).customer_id)
    except SessionNotFound:
        raise _not_found() from None
