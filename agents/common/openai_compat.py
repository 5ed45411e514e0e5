"""ChatOpenAI adapted to the OpenAI-compatible servers a small bank actually runs.

Two measured problems with stock ``langchain_openai.ChatOpenAI`` 1.7 against such servers:

1. An assistant message that carries tool calls is sent with ``"content": null``
   (``_convert_message_to_dict`` sets ``content or None``). llama.cpp's server answers HTTP 500 to
   that, and other servers are strict about it too. ``PuhuiChatOpenAI`` rewrites every ``null``
   content in the request payload to ``""`` — the one code path all sync/async, streaming or not,
   requests go through is ``_get_request_payload``. There, too, ``max_completion_tokens`` (which
   ChatOpenAI 1.x sends) becomes the ``max_tokens`` every compatible server understands.
2. httpx timeouts bound each read, so a server trickling bytes never times out. The httpx clients
   built here get a response hook that wraps the body stream with a *total* deadline: once it
   passes, the next chunk raises ``httpx.ReadTimeout``. That is what eventually ends a worker the
   caller already abandoned (see ``llm_call``), so abandoned calls free their slot.
"""

from __future__ import annotations

import time
from typing import Any, Literal

import httpx
from langchain_openai import ChatOpenAI
from pydantic import Field, PrivateAttr

from agents.common.llm_call import CallGate


def sanitize_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Request messages with no ``content: null`` (servers reject it); other fields untouched."""
    out = []
    for message in messages:
        if isinstance(message, dict) and "content" in message and message["content"] is None:
            message = {**message, "content": ""}
        out.append(message)
    return out


class PuhuiChatOpenAI(ChatOpenAI):
    """ChatOpenAI that never sends ``content: null`` and carries the suite's call policy.

    ``structured_method`` tells ``invoke_structured`` how this server does typed output ("tool":
    a forced function call; "json": ``response_format={"type": "json_object"}``; "prompt": the schema in
    the prompt, unconstrained decoding). ``call_gate``
    bounds concurrent (including abandoned) calls for this model.
    """

    structured_method: Literal["tool", "json", "prompt"] = "tool"
    max_inflight: int = Field(4, ge=1, le=256)
    circuit_cooldown_s: float = Field(0.0, ge=0)
    _gate: CallGate | None = PrivateAttr(default=None)

    @property
    def call_gate(self) -> CallGate:
        if self._gate is None:
            self._gate = CallGate(self.max_inflight, self.circuit_cooldown_s)
        return self._gate

    def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict:
        payload = super()._get_request_payload(input_, stop=stop, **kwargs)
        if isinstance(payload.get("messages"), list):
            payload["messages"] = sanitize_messages(payload["messages"])
        if "max_completion_tokens" in payload and "max_tokens" not in payload:
            # OpenAI's newer name; llama.cpp, Ollama and older vLLM only honour max_tokens
            payload["max_tokens"] = payload.pop("max_completion_tokens")
        return payload


class _DeadlineStream(httpx.SyncByteStream):
    def __init__(self, inner: Any, deadline: float):
        self._inner, self._deadline = inner, deadline

    def __iter__(self):
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise httpx.ReadTimeout("response exceeded its total deadline")
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncDeadlineStream(httpx.AsyncByteStream):
    def __init__(self, inner: Any, deadline: float):
        self._inner, self._deadline = inner, deadline

    async def __aiter__(self):
        async for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise httpx.ReadTimeout("response exceeded its total deadline")
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def _timeout(total_s: float) -> httpx.Timeout:
    return httpx.Timeout(total_s, connect=min(total_s, 5.0))


def deadline_http_clients(total_s: float) -> tuple[httpx.Client, httpx.AsyncClient]:
    """httpx clients whose responses must be complete within ``total_s`` of their headers arriving
    (the headers themselves are bounded by the read timeout). Environment proxies still apply."""

    def hook(response: httpx.Response) -> None:
        response.stream = _DeadlineStream(response.stream, time.monotonic() + total_s)

    async def ahook(response: httpx.Response) -> None:
        response.stream = _AsyncDeadlineStream(response.stream, time.monotonic() + total_s)

    return (httpx.Client(timeout=_timeout(total_s), event_hooks={"response": [hook]}),
            httpx.AsyncClient(timeout=_timeout(total_s), event_hooks={"response": [ahook]}))


def make_chat_openai(*, base_url: str, api_key: str, model: str, timeout_s: float, max_retries: int,
                     temperature: float, max_tokens: int | None = None,
                     structured_method: Literal["tool", "json", "prompt"] = "tool",
                     max_inflight: int = 4, circuit_cooldown_s: float = 0.0) -> PuhuiChatOpenAI:
    sync_client, async_client = deadline_http_clients(timeout_s)
    return PuhuiChatOpenAI(
        base_url=base_url,
        api_key=api_key or "not-needed",  # local servers ignore it; the client insists on one
        model=model,
        timeout=_timeout(timeout_s),
        max_retries=max_retries,
        temperature=temperature,
        max_tokens=max_tokens,
        use_responses_api=False,  # OpenAI-compatible servers implement /chat/completions only
        http_client=sync_client,
        http_async_client=async_client,
        structured_method=structured_method,
        max_inflight=max_inflight,
        circuit_cooldown_s=circuit_cooldown_s,
    )
