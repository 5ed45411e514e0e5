"""Free-text model output (answers, memo and strategy prose) with the same guarantees as typed output:
bounded in time, capped in concurrency, and a deterministic fallback text when the model fails.

``invoke_text`` takes an optional ``check`` (e.g. the grounding check) that can reject a fluent but
unsupported answer: the fallback (the extractive answer) is used instead.

``stream_text`` / ``astream_text`` pass tokens through as they arrive (for the bot's SSE and
OpenAI-compatible endpoints) and stop at the deadline, however slowly the server trickles. When
nothing arrived before a failure, the fallback text is streamed as one chunk. Tokens already sent
cannot be recalled, so a stream cut by the deadline ends early with ``reason="timeout"`` and
``source="llm"``; callers that must check the text first (grounding) stream through
``agents/common/gated_stream.py``, which releases one checked sentence at a time.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

from langchain_core.messages import convert_to_messages

from agents.common.llm_call import LlmResult, Source, classify_error, gate_for

log = logging.getLogger("puhui.llm")


def _chunk_text(chunk: Any) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, str):
        return content
    return getattr(chunk, "text", "") or ""


def invoke_text(model: Any, messages: Sequence[Any], *, timeout_s: float, fallback: Callable[[], str],
                check: Callable[[str], str | None] | None = None) -> LlmResult[str]:
    """The model's text, or ``fallback()``; returns within ~``timeout_s``. ``check(text)`` returns
    None to accept the text or a reason (e.g. "ungrounded") to reject it for the fallback."""
    t0 = time.monotonic()
    if model is None:
        return LlmResult(fallback(), "none", "no_model", 0, (time.monotonic() - t0) * 1000)
    msgs = list(convert_to_messages(list(messages)))
    try:
        reply = gate_for(model).run(lambda: model.invoke(msgs), timeout_s)
        text = _chunk_text(reply).strip()
        reason = None if text else "empty_output"
        if reason is None and check is not None:
            reason = check(text)
    except Exception as exc:
        reason = classify_error(exc)
        log.warning("text call failed (%s): %s", reason, exc)
    elapsed = (time.monotonic() - t0) * 1000
    if reason is None:
        return LlmResult(text, "llm", None, 1, elapsed)
    return LlmResult(fallback(), "fallback", reason, 1, (time.monotonic() - t0) * 1000)


async def ainvoke_text(model: Any, messages: Sequence[Any], *, timeout_s: float, fallback: Callable[[], str],
                       check: Callable[[str], str | None] | None = None) -> LlmResult[str]:
    return await asyncio.to_thread(invoke_text, model, messages, timeout_s=timeout_s, fallback=fallback,
                                   check=check)


class _StreamState:
    """What a finished (or abandoned) stream produced; read it after iterating."""

    def __init__(self, model: Any, messages: Sequence[Any], timeout_s: float,
                 fallback: Callable[[], str] | None = None) -> None:
        self._model, self._messages, self._timeout, self._fallback = model, messages, timeout_s, fallback
        self.parts: list[str] = []
        self.source: Source = "llm"
        self.reason: str | None = None
        self.done = False

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def result(self) -> LlmResult[str]:
        return LlmResult(self.text, self.source, self.reason, 1)

    def _accept(self, kind: str, value: Any) -> str | None:
        """Record one producer item; the chunk to pass on, or None when the stream is over."""
        if kind == "chunk":
            self.parts.append(value)
            return value
        if kind != "end":
            self.reason = "timeout" if kind == "timeout" else classify_error(value)
        return None

    def _finish(self) -> str | None:
        """Settle source/reason; the fallback text to send when the model sent nothing."""
        self.done = True
        if self._model is not None:
            gate_for(self._model).record(self.reason)  # a timed-out or unreachable server opens the breaker
        if self.parts:
            return None
        self.source = "none" if self._model is None else "fallback"
        self.reason = self.reason or ("no_model" if self._model is None else "empty_output")
        if self._fallback is None:
            return None
        text = self._fallback()
        self.parts.append(text)
        return text


def _start_producer(model: Any, messages: Sequence[Any], put: Callable[[tuple[str, Any]], None],
                    cancel: threading.Event) -> None:
    """Run ``model.stream`` in a gated worker; items: ("chunk", str) | ("end", None) | ("error", exc)."""
    msgs = list(convert_to_messages(list(messages)))

    def produce() -> None:
        stream = model.stream(msgs)
        try:
            for chunk in stream:
                if cancel.is_set():
                    break
                text = _chunk_text(chunk)
                if text:
                    put(("chunk", text))
            put(("end", None))
        except Exception as exc:
            put(("error", exc))
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()  # closes the HTTP response of an abandoned stream

    gate_for(model).spawn(produce)


class TextStream(_StreamState):
    """Iterate for text chunks; afterwards ``.text``, ``.source``, ``.reason``, ``.result()``."""

    def __iter__(self) -> Iterator[str]:
        deadline = time.monotonic() + self._timeout
        cancel = threading.Event()
        items: queue.Queue = queue.Queue()
        try:
            if self._model is not None:
                _start_producer(self._model, self._messages, items.put, cancel)
                while True:
                    remaining = deadline - time.monotonic()
                    try:
                        item = items.get(timeout=remaining) if remaining > 0 else ("timeout", None)
                    except queue.Empty:
                        item = ("timeout", None)
                    chunk = self._accept(*item)
                    if chunk is None:
                        break
                    yield chunk
        except Exception as exc:  # GateBusy or a failure to start
            self.reason = classify_error(exc)
        finally:
            cancel.set()  # the producer stops at its next chunk and closes the HTTP response
        if (text := self._finish()) is not None:
            yield text


def stream_text(model: Any, messages: Sequence[Any], *, timeout_s: float,
                fallback: Callable[[], str] | None = None) -> TextStream:
    return TextStream(model, messages, timeout_s, fallback)


class AsyncTextStream(_StreamState):
    """``async for`` over text chunks; the model runs in a gated worker thread, the event loop only
    awaits a queue with the deadline, so a hung server never blocks it."""

    async def __aiter__(self) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + self._timeout
        cancel = threading.Event()
        items: asyncio.Queue = asyncio.Queue()

        def put(item: tuple[str, Any]) -> None:
            try:
                loop.call_soon_threadsafe(items.put_nowait, item)
            except RuntimeError:  # loop closed: the consumer is gone
                cancel.set()

        try:
            if self._model is not None:
                _start_producer(self._model, self._messages, put, cancel)
                while True:
                    remaining = deadline - time.monotonic()
                    try:
                        item = await asyncio.wait_for(items.get(), remaining) if remaining > 0 else ("timeout", None)
                    except TimeoutError:
                        item = ("timeout", None)
                    chunk = self._accept(*item)
                    if chunk is None:
                        break
                    yield chunk
        except Exception as exc:
            self.reason = classify_error(exc)
        finally:
            cancel.set()
        if (text := self._finish()) is not None:
            yield text


def astream_text(model: Any, messages: Sequence[Any], *, timeout_s: float,
                 fallback: Callable[[], str] | None = None) -> AsyncTextStream:
    return AsyncTextStream(model, messages, timeout_s, fallback)
