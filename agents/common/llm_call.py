"""Bounded model calls: a hard deadline the caller can rely on, and a cap on abandoned calls.

httpx timeouts bound each *read*, not a whole call: a server that trickles bytes, or spins at 100% CPU
on forced JSON output (measured with llama.cpp's server), can hold a call far beyond any timeout.
So every model call runs in a daemon worker thread and the caller waits on it with a deadline; when
the deadline passes, the caller takes its deterministic fallback and the worker is abandoned (it
ends when the HTTP layer gives up — see ``openai_compat``'s total-deadline hook).

Abandoned workers must not pile up: a ``CallGate`` admits at most ``max_inflight`` workers per
process (a worker holds its slot until it really ends, not until its caller gave up). When all slots
are taken the call is refused at once and the caller falls back immediately ("busy"), so a hung
server degrades the suite to its embedded behaviour instead of exhausting threads.
"""

from __future__ import annotations

import contextvars
import json
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

T = TypeVar("T")

#: Which path produced a value: the model, the deterministic fallback after a model failure, or the
#: deterministic node because no model is configured. Same vocabulary as eval's ``Outcome.llm``.
Source = Literal["llm", "fallback", "none"]


class DeadlineExceeded(TimeoutError):
    """The caller's deadline passed before the model answered."""


class GateBusy(RuntimeError):
    """All model-call slots are held (typically by calls abandoned on a hung server)."""


@dataclass(frozen=True)
class LlmResult(Generic[T]):
    """A value plus how it was obtained. ``reason`` says why the fallback was taken:
    ``no_model``, ``timeout``, ``busy``, ``connection``, ``http_<status>``, ``invalid_output``,
    ``empty_output``, ``ungrounded`` or ``error:<ExceptionType>``."""

    value: T
    source: Source
    reason: str | None = None
    attempts: int = 0
    elapsed_ms: float = 0.0

    @property
    def used_llm(self) -> bool:
        return self.source == "llm"


class CallGate:
    """Runs callables in daemon threads with a caller-side deadline and a cap on live workers."""

    def __init__(self, max_inflight: int = 4):
        if max_inflight < 1:
            raise ValueError("max_inflight must be at least 1")
        self.max_inflight = max_inflight
        self._slots = threading.BoundedSemaphore(max_inflight)
        self._lock = threading.Lock()
        self._live = 0

    @property
    def inflight(self) -> int:
        """Workers still running, including abandoned ones."""
        return self._live

    def spawn(self, fn: Callable[[], T]) -> Future:
        """Start ``fn()`` in a daemon worker now and return its future, or raise GateBusy.

        The worker copies the caller's contextvars so LangChain callbacks (LangGraph's message
        streaming, tracing) still see the model call; it holds its slot until ``fn`` really ends.
        """
        if not self._slots.acquire(blocking=False):
            raise GateBusy(f"{self.max_inflight} model calls already in flight")
        future: Future = Future()
        context = contextvars.copy_context()
        with self._lock:
            self._live += 1

        def work() -> None:
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(context.run(fn))
                    except BaseException as exc:  # handed to the caller, never lost in the thread
                        future.set_exception(exc)
            finally:
                with self._lock:
                    self._live -= 1
                self._slots.release()

        threading.Thread(target=work, name="puhui-llm-call", daemon=True).start()
        return future

    def run(self, fn: Callable[[], T], timeout_s: float) -> T:
        """``fn()`` within ``timeout_s`` seconds, or raise DeadlineExceeded / GateBusy; exceptions
        from ``fn`` propagate. On timeout the worker is abandoned, not killed (threads cannot be)."""
        if timeout_s <= 0:
            raise DeadlineExceeded("no time left")
        future = self.spawn(fn)
        try:
            return future.result(timeout=timeout_s)
        except FutureTimeout:
            future.cancel()
            raise DeadlineExceeded(f"model call exceeded {timeout_s:.1f}s") from None


_default_gate: CallGate | None = None
_default_lock = threading.Lock()


def default_gate() -> CallGate:
    """The process-wide gate used for models that do not carry their own (e.g. test fakes)."""
    global _default_gate
    with _default_lock:
        if _default_gate is None:
            _default_gate = CallGate()
        return _default_gate


def gate_for(model: object) -> CallGate:
    gate = getattr(model, "call_gate", None)
    return gate if isinstance(gate, CallGate) else default_gate()


def classify_error(exc: BaseException) -> str:
    """A short, stable reason for a failed call (recorded in results, logs and eval reports)."""
    if isinstance(exc, DeadlineExceeded):
        return "timeout"
    if isinstance(exc, GateBusy):
        return "busy"
    try:
        import openai

        if isinstance(exc, openai.APITimeoutError):
            return "timeout"
        if isinstance(exc, openai.APIStatusError):
            return f"http_{exc.status_code}"
        if isinstance(exc, openai.APIConnectionError):
            return "connection"
        if isinstance(exc, openai.APIResponseValidationError):
            return "invalid_output"
    except ImportError:  # pragma: no cover - openai is a dependency
        pass
    try:
        import httpx

        if isinstance(exc, httpx.TimeoutException):
            return "timeout"
        if isinstance(exc, httpx.TransportError):
            return "connection"
    except ImportError:  # pragma: no cover
        pass
    if isinstance(exc, (json.JSONDecodeError, ValueError, KeyError, TypeError)):
        # langchain_openai raises these for bodies that are not a chat completion
        return "invalid_output"
    return f"error:{type(exc).__name__}"
