"""OpenAI-compatible chat endpoint fronting the customer-service bot (model ``puhui-cs``).

Existing chat front ends (and the official ``openai`` client) can talk to the bot unchanged:
``POST /v1/chat/completions`` with ``messages`` and optional ``stream: true``; ``GET /v1/models``.
The bot is stateful: a session id may be passed as the ``X-Session-Id`` header or a ``session_id``
body field; otherwise the history identifies the session (agents/customer_service/history.py).
Client ``system`` messages are ignored: the bank's policies are not negotiable by the caller.
Errors use OpenAI's error shape so clients raise their usual exceptions.

With ``stream: true`` a grounded answer the model writes streams live, one checked sentence at a
time (see server/api/cs.py); the chunks then carry the rest of the final reply (disclosures,
notices), and the last chunk the ``puhui`` metadata. A reply that was complete before streaming
began (FAQ answers, no model) is sent in chunks as before.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from agents.customer_service.history import send_with_history
from agents.customer_service.service import CsService, SessionNotFound, TurnResult
from agents.customer_service.sessions import SESSION_ID_PATTERN
from server.security import caller_of
from server.streaming import LiveTurn, relay, server_timing

log = logging.getLogger("puhui.cs")
router = APIRouter(tags=["openai-compatible"])
MODEL = "puhui-cs"


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # clients send temperature, top_p, user, metadata …
    model: str = Field(min_length=1, max_length=100)
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    n: int = Field(1, ge=1, le=1, description="only one choice is supported")
    session_id: str | None = Field(None, max_length=64)


def oa_error(status: int, message: str, param: str | None = None, code: str | None = None) -> JSONResponse:
    kind = "invalid_request_error" if status < 500 else "server_error"
    return JSONResponse(status_code=status, content={"error": {"message": message, "type": kind, "param": param,
                                                               "code": code}})


@router.get("/v1/models")
def list_models() -> dict:
    return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "puhui"}]}


def _usage(prompt: str, completion: str) -> dict:
    """Approximate token counts (characters; Chinese text is close to one token per character)."""
    p, c = len(prompt), len(completion)
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


def _extra(result: TurnResult) -> dict[str, Any]:
    r = result.reply
    return {"session_id": result.session_id, "outcome": r.outcome, "faq_id": r.faq_id,
            "sources": [s.model_dump() for s in r.sources], "disclosures": r.disclosures,
            "handoff": r.handoff.model_dump() if r.handoff else None}


def _chunk(cid: str, created: int, delta: dict, finish: str | None = None, **extra: Any) -> str:
    body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def _stream(cid: str, created: int, result: TurnResult) -> Iterator[str]:
    """A reply that was complete before streaming began."""
    yield _chunk(cid, created, {"role": "assistant", "content": ""})
    text = result.reply.text
    for i in range(0, len(text), 16):
        yield _chunk(cid, created, {"content": text[i:i + 16]})
    yield _chunk(cid, created, {}, "stop", puhui=_extra(result))
    yield "data: [DONE]\n\n"


async def _live_stream(cid: str, created: int, live: LiveTurn) -> AsyncIterator[str]:
    """A live answer: each checked sentence as released, then the rest of the final text. The check
    node only appends to a live reply (it is built so, and tested), so there is never anything to
    take back — OpenAI's chunk protocol could not."""
    yield _chunk(cid, created, {"role": "assistant", "content": ""})
    async for kind, value in relay(live):
        if kind == "delta":
            yield _chunk(cid, created, {"content": value})
        elif kind == "end":
            # no Server-Timing header on a live stream (it left before the turn ended): timings here
            yield _chunk(cid, created, {}, "stop", puhui={**_extra(value), "timings_ms": value.timings_ms})
            yield "data: [DONE]\n\n"
        elif kind == "error":
            error = {"message": "the assistant could not finish this answer; please retry", "type": "server_error",
                     "param": None, "code": "unavailable"}
            yield f"data: {json.dumps({'error': error}, ensure_ascii=False)}\n\n"
        # "replace" cannot be expressed in OpenAI's chunk protocol; relay() has logged it


def _turn_error(exc: Exception) -> JSONResponse:
    if isinstance(exc, SessionNotFound):
        return oa_error(404, "session not found", "session_id", "session_not_found")
    if isinstance(exc, ValueError):
        return oa_error(400, str(exc), "messages")
    log.error("openai-compatible turn failed", exc_info=exc)
    return oa_error(503, "the assistant could not answer right now; please retry", None, "unavailable")


@router.post("/v1/chat/completions", responses={400: {"description": "bad messages"}, 404: {"description": "unknown model or session"},
                                                503: {"description": "the assistant failed on this turn"}})
async def chat_completions(request: Request, body: ChatCompletionRequest):
    if body.model != MODEL:
        return oa_error(404, f"The model '{body.model}' does not exist; use '{MODEL}'.", "model", "model_not_found")
    messages = [(m.role, m.text()) for m in body.messages]
    if not messages or messages[-1][0] != "user" or not messages[-1][1].strip():
        return oa_error(400, "the last message must be a non-empty 'user' message", "messages")
    if len(messages[-1][1]) > 2000:
        return oa_error(400, "the last user message is longer than 2000 characters", "messages")
    session_id = request.headers.get("x-session-id") or body.session_id
    if session_id is not None and not re.match(SESSION_ID_PATTERN, session_id):
        return oa_error(404, "session not found", "session_id", "session_not_found")
    caller = caller_of(request)
    bot = await run_in_threadpool(CsService.from_services, request.app.state.services)
    cid, created = "chatcmpl-" + secrets.token_hex(12), int(time.time())
    if body.stream:
        live = LiveTurn(lambda on_delta, on_start: send_with_history(
            bot, caller.customer_id, messages, session_id, on_delta=on_delta, on_start=on_start)).start()
        kind, value = await live.get()
        if kind == "error":
            return _turn_error(value)
        if kind == "start":  # headers leave now; the timings come with the turn, in its metadata
            return StreamingResponse(_live_stream(cid, created, live), media_type="text/event-stream",
                                     headers={"X-Puhui-Session": value.session_id})
        headers = {"X-Puhui-Session": value.session_id, "Server-Timing": server_timing(value.timings_ms)}
        return StreamingResponse(_stream(cid, created, value), media_type="text/event-stream", headers=headers)
    try:
        result = await run_in_threadpool(send_with_history, bot, caller.customer_id, messages, session_id)
    except Exception as exc:
        return _turn_error(exc)
    headers = {"X-Puhui-Session": result.session_id, "Server-Timing": server_timing(result.timings_ms)}
    prompt = "".join(t for _, t in messages)
    return JSONResponse(headers=headers, content={
        "id": cid, "object": "chat.completion", "created": created, "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": result.reply.text}, "finish_reason": "stop"}],
        "usage": _usage(prompt, result.reply.text), "puhui": _extra(result)})
