"""Why a system under test fell back from its model, seen from outside the assistant (eval only).

The assistants report *whether* a model answered (``BotReply.llm``, ``memo_source``, ``ChainMapResult.llm``)
but not always *why* it did not: the customer-service turn, the loan memo and the QA note keep the
``LlmResult.reason`` to themselves. The eval report needs the reason (timeout, http_500,
invalid_output, ungrounded …), so the suites hand the assistant a ``TracedModel``: the same chat model,
whose calls are recorded in the ``CallLog`` of the case being run. The assistant behaves exactly as
with the bare model (every attribute, the call gate included, is the model's own).

The log lives in a context variable: the bounded-call helpers run each call in a worker that copies the
caller's context, and LangGraph copies it into its nodes, so a call is recorded in its own case's log
even when cases run in parallel. ``CallLog.fallback_reason`` turns the recorded calls into the
``LlmResult.reason`` vocabulary:

1. a call that raised → ``classify_error`` of the exception (the helpers' own classification);
2. a call still running, or one that took the whole timeout → ``timeout`` (the caller gave up on it);
3. no call at all → ``busy`` (the call gate refused it before it started);
4. a typed (tool / JSON-mode) call whose last reply does not parse → ``invalid_output``;
5. a plain reply that is empty → ``empty_output``;
6. otherwise the model answered and the assistant's own check rejected the answer: the suite's
   ``rejected`` classifier names the check (``ungrounded``, ``forbidden_promise`` …).

Structured calls made in the "prompt" method are plain calls to the model, so a reply rejected there
is reported through step 6 — the suites' classifiers account for it where they can tell.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from agents.common.llm import classify_error

_CURRENT: ContextVar["CallLog | None"] = ContextVar("puhui_eval_call_log", default=None)
_binding_ids = itertools.count(1)


@dataclass
class CallRecord:
    kind: Literal["typed", "plain"]
    binding: int  # calls through one binding are one structured exchange (first try + repair)
    started: float
    finished: float | None = None
    error: str | None = None
    valid: bool | None = None  # typed calls: the reply parsed (as the schema, when it is known)
    text: str = ""


@dataclass
class CallLog:
    """The model calls of one case (or one conversation turn)."""

    timeout_s: float
    calls: list[CallRecord] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, record: CallRecord) -> None:
        with self._lock:
            self.calls.append(record)

    def fallback_reason(self, rejected: Callable[[str], str] | str = "rejected_output") -> str:
        """The reason a fallback was taken (call only when the result says ``fallback``)."""
        with self._lock:
            calls = list(self.calls)
        for c in calls:
            if c.finished is None or (c.finished - c.started) >= self.timeout_s:
                return "timeout"
            if c.error:
                return c.error
        if not calls:
            return "busy"
        last_per_binding = {c.binding: c for c in calls if c.kind == "typed"}
        if any(c.valid is False for c in last_per_binding.values()):
            return "invalid_output"
        plain = [c for c in calls if c.kind == "plain"]
        text = plain[-1].text if plain else ""
        if plain and not text.strip():
            return "empty_output"
        return rejected(text) if callable(rejected) else rejected


@contextlib.contextmanager
def call_log(timeout_s: float) -> Iterator[CallLog]:
    """Record the model calls made inside the block (in this thread and the workers it starts)."""
    log = CallLog(timeout_s)
    token = _CURRENT.set(log)
    try:
        yield log
    finally:
        _CURRENT.reset(token)


def _reply_text(reply: Any) -> str:
    content = getattr(reply, "content", reply)
    if isinstance(content, str):
        return content
    return getattr(reply, "text", "") or ""


def _typed_valid(reply: Any, schema: type[BaseModel] | None, method: str) -> bool:
    from agents.common.structured import InvalidOutput, json_from_text, parse_reply

    try:
        if schema is not None:
            parse_reply(reply, schema, method)  # type: ignore[arg-type]
        else:  # JSON mode: the schema is only in the prompt; a JSON object is what can be checked
            json_from_text(_reply_text(reply))
    except InvalidOutput:
        return False
    return True


class TracedModel:
    """A chat model (or a binding of one) whose ``invoke`` calls are recorded in the current CallLog."""

    def __init__(self, model: Any, *, kind: Literal["typed", "plain"] = "plain",
                 schema: type[BaseModel] | None = None, method: str = "tool"):
        self._model, self._kind, self._schema, self._method = model, kind, schema, method
        self._binding = next(_binding_ids)

    def __getattr__(self, name: str) -> Any:  # call_gate, structured_method, model_name …
        if name.startswith("_"):  # own state not set yet (copy, pickle): never recurse into the model
            raise AttributeError(name)
        return getattr(self._model, name)

    def bind_tools(self, tools: Any, **kwargs: Any) -> "TracedModel":
        tools = list(tools)
        schema = tools[0] if len(tools) == 1 and isinstance(tools[0], type) and issubclass(tools[0], BaseModel) else None
        return TracedModel(self._model.bind_tools(tools, **kwargs), kind="typed", schema=schema, method="tool")

    def bind(self, **kwargs: Any) -> "TracedModel":
        typed = "response_format" in kwargs
        return TracedModel(self._model.bind(**kwargs), kind="typed" if typed else self._kind,
                           schema=self._schema, method="json" if typed else self._method)

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        log = _CURRENT.get()
        if log is None:
            return self._model.invoke(input, config, **kwargs)
        record = CallRecord(kind=self._kind, binding=self._binding, started=time.monotonic())
        log.add(record)
        try:
            reply = self._model.invoke(input, config, **kwargs)
        except Exception as exc:
            record.error = classify_error(exc)
            record.finished = time.monotonic()
            raise
        record.text = _reply_text(reply)
        if self._kind == "typed":
            record.valid = _typed_valid(reply, self._schema, self._method)
        record.finished = time.monotonic()  # last: a reader never sees a finished call half-filled
        return reply


def traced(model: Any) -> Any:
    """``model`` seen through the call log, or None when there is no model (the embedded default)."""
    return None if model is None else TracedModel(model)
