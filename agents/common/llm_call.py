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

A gate is also a circuit breaker: after a call times out or cannot reach the server, further calls
are refused at once ("circuit_open") for ``cooldown_s`` seconds, then one call is let through to try
again. A request whose graph calls the model several times (understanding, then the answer) therefore
waits for a dead server once, not once per node — the assistant answers within its timeout plus a
small margin — and the requests after it do not queue behind the same timeout.
"""

from __future__ import annotations

import contextvars
import json
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

import httpx

T = TypeVar("T")

#: Which path produced a value: the model, the deterministic fallback after a model failure, or the
#: deterministic node because no model is configured. Same vocabulary as eval's ``Outcome.llm``.
Source = Literal["llm", "fallback", "none"]


class DeadlineExceeded(TimeoutError):
    """The caller's deadline passed before the model answered."""


class GateBusy(RuntimeError):
    """All model-call slots are held (typically by calls abandoned on a hung server)."""


class CircuitOpen(RuntimeError):
    """The server timed out or was unreachable moments ago: skip it until the cool-down ends."""


#: failures that say the server is unhealthy (not merely that one answer was bad)
TRIPPING_REASONS = frozenset({"timeout", "connection"})


@dataclass(frozen=True)
class LlmResult(Generic[T]):
    """A value plus how it was obtained. ``reason`` says why the fallback was taken:
    ``no_model``, ``timeout``, ``busy``, ``connection``, ``http_<status>``, ``invalid_output``,
    ``empty_output``, ``ungrounded``, ``circuit_open`` or ``error:<ExceptionType>``."""

    value: T
    source: Source
    reason: str | None = None
    attempts: int = 0
    elapsed_ms: float = 0.0

    @property
    def used_llm(self) -> bool:
        return self.source == "llm"


class CallGate:
    """Runs callables in daemon threads with a caller-side deadline, a cap on live workers and a
    circuit breaker (``cooldown_s`` 0 turns the breaker off)."""

    def __init__(self, max_inflight: int = 4, cooldown_s: float = 0.0):
        if max_inflight < 1:
            raise ValueError("max_inflight must be at least 1")
        if cooldown_s < 0:
            raise ValueError("cooldown_s must not be negative")
        self.max_inflight = max_inflight
        self.cooldown_s = cooldown_s
        self._slots = threading.BoundedSemaphore(max_inflight)
        self._lock = threading.Lock()
        self._live = 0
        self._open_until = 0.0

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def record(self, reason: str | None) -> None:
        """Tell the breaker how a call ended (a failure ``reason`` from ``classify_error``, or None):
        a timeout or an unreachable server opens it for ``cooldown_s``."""
        if self.cooldown_s > 0 and reason in TRIPPING_REASONS:
            with self._lock:
                self._open_until = time.monotonic() + self.cooldown_s

    @property
    def inflight(self) -> int:
        """Workers still running, including abandoned ones."""
        return self._live

    def spawn(self, fn: Callable[[], T]) -> Future:
        """Start ``fn()`` in a daemon worker now and return its future, or raise GateBusy.

        The worker copies the caller's contextvars so LangChain callbacks (LangGraph's message
        streaming, tracing) still see the model call; it holds its slot until ``fn`` really ends.
        """
        if self.is_open:
            raise CircuitOpen(f"model server failed in the last {self.cooldown_s:g}s; skipped until then")
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
            self.record("timeout")
            raise DeadlineExceeded(f"model call exceeded {timeout_s:.1f}s") from None
        except Exception as exc:
            self.record(classify_error(exc))
            raise


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
    if isinstance(exc, CircuitOpen):
        return "circuit_open"
    openai = sys.modules.get("openai")  # an openai error can only come from an openai already loaded
    if openai is not None:
        if isinstance(exc, openai.APITimeoutError):
            return "timeout"
        if isinstance(exc, openai.APIStatusError):
            return f"http_{exc.status_code}"
        if isinstance(exc, openai.APIConnectionError):
            return "connection"
        if isinstance(exc, openai.APIResponseValidationError):
            return "invalid_output"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.TransportError):
        return "connection"
    if isinstance(exc, (json.JSONDecodeError, ValueError, KeyError, TypeError)):
        # langchain_openai raises these for bodies that are not a chat completion
        return "invalid_output"
    return f"error:{type(exc).__name__}"
