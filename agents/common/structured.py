"""Typed model output that never blocks and never breaks a graph: model → Pydantic, or the fallback.

``invoke_structured`` asks the model for an instance of a Pydantic schema in one of two ways that
OpenAI-compatible servers actually implement:

- ``"tool"``: the schema bound as the only tool with ``tool_choice`` set to its name (a bare
  ``bind_tools`` returned no tool call on llama.cpp's server; a named choice did);
- ``"json"``: ``response_format={"type": "json_object"}`` plus the schema in the system prompt.
  Never ``json_schema``: llama.cpp's server answers it with HTTP 500.
- ``"prompt"``: the schema in the system prompt and a plain completion — no constrained decoding.
  For servers whose grammar-constrained output can spin without bound (llama.cpp's server with a
  small model, ENVIRONMENT.md): a plain completion honours ``max_tokens``, so the server is free
  again when the call ends instead of blocking every later request.

The reply is validated with Pydantic; an invalid one gets exactly one repair turn carrying the
validation error. Timeouts, HTTP errors, refused connections, garbage and a second invalid reply
all end in ``fallback()`` — the deterministic node's result, same type — and the result says which
path was taken and why. The whole exchange, repair included, is bounded by ``timeout_s``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    convert_to_messages,
)
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, ValidationError

from agents.common.llm_call import LlmResult, classify_error, gate_for
from prompts.loader import render

log = logging.getLogger("puhui.llm")
M = TypeVar("M", bound=BaseModel)
Method = Literal["tool", "json", "prompt"]
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


class InvalidOutput(ValueError):
    """The model answered, but not with a valid instance of the schema."""


def _elapsed_ms(t0: float) -> float:
    return (time.monotonic() - t0) * 1000


def json_from_text(text: str) -> dict[str, Any]:
    """The JSON object in a reply (code fences and chatter around it tolerated)."""
    body = _FENCE.sub("", text.strip())
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end <= start:
        raise InvalidOutput("the reply contains no JSON object")
    try:
        data = json.loads(body[start:end + 1])
    except json.JSONDecodeError as exc:
        raise InvalidOutput(f"the reply is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidOutput("the reply is JSON but not an object")
    return data


def _validate(schema: type[M], data: Any) -> M:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise InvalidOutput(str(exc)[:1500]) from None


def parse_reply(reply: BaseMessage, schema: type[M], method: Method) -> M:
    """Validate a model reply against ``schema`` (a tool call's arguments, or JSON in the text)."""
    if method == "tool" and isinstance(reply, AIMessage):
        calls = [c for c in reply.tool_calls if c["name"] == schema.__name__] or reply.tool_calls
        if calls:
            return _validate(schema, calls[0]["args"])
        if reply.invalid_tool_calls:
            bad = reply.invalid_tool_calls[0]
            raise InvalidOutput(f"tool call arguments are not valid JSON: {bad.get('args')!r:.300}")
    text = reply.text if isinstance(reply.content, (str, list)) else ""
    if not text.strip():
        raise InvalidOutput("the reply has no tool call" if method == "tool" else "the reply is empty")
    return _validate(schema, json_from_text(text))


def _with_json_instructions(messages: list[BaseMessage], schema: type[BaseModel]) -> list[BaseMessage]:
    """Schema instructions merged into the leading system message (some chat templates reject a
    second system message or one that is not first)."""
    note = render("common/json_mode.md.j2",
                  schema=json.dumps(schema.model_json_schema(), ensure_ascii=False))
    if messages and isinstance(messages[0], SystemMessage) and isinstance(messages[0].content, str):
        return [SystemMessage(content=messages[0].content.rstrip() + "\n\n" + note), *messages[1:]]
    return [SystemMessage(content=note), *messages]


def _repair_turn(reply: BaseMessage, error: str, schema: type[BaseModel], method: Method) -> list[BaseMessage]:
    """The bad reply and the validation error, as the protocol expects: a tool result for each
    tool call id when the reply was a tool call (needs the content-null fix), else a user turn."""
    note = render("common/repair.md.j2", error=error, method=method, tool=schema.__name__)
    if isinstance(reply, AIMessage):
        calls = [*reply.tool_calls, *reply.invalid_tool_calls]
        if calls and all(c.get("id") for c in calls):
            return [reply, *(ToolMessage(content=note, tool_call_id=c["id"]) for c in calls)]
    text = reply.text if isinstance(reply.content, (str, list)) else ""
    return [AIMessage(content=text[:2000] or "(空)"), HumanMessage(content=note)]


#: JSON-schema bounds a server would have to unroll into its decoding grammar. llama.cpp's server
#: repeats a rule once per allowed character or item: ``maxLength: 2000`` fails to build
#: ("number of rules … exceeds sane defaults") and took the server down in the end-to-end test.
#: The bounds stay enforced where they belong — Pydantic validation of the reply, with a repair turn.
_GRAMMAR_BOUNDS = ("maxLength", "minLength", "maxItems", "minItems", "pattern")


def _without_bounds(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_bounds(v) for k, v in node.items() if k not in _GRAMMAR_BOUNDS}
    if isinstance(node, list):
        return [_without_bounds(v) for v in node]
    return node


def tool_spec(tool: Any) -> dict[str, Any]:
    """The OpenAI tool definition a model is shown for ``tool`` (a Pydantic model or a tool dict):
    names, descriptions, types and enums, without the length/size bounds servers turn into grammars."""
    return _without_bounds(convert_to_openai_tool(tool))


def _prepare(model: Any, messages: list[BaseMessage], schema: type[BaseModel], method: Method):
    if method == "tool":
        return model.bind_tools([tool_spec(schema)], tool_choice=schema.__name__), messages
    if method == "prompt":
        return model, _with_json_instructions(messages, schema)
    return model.bind(response_format={"type": "json_object"}), _with_json_instructions(messages, schema)


def invoke_structured(
    model: Any,
    messages: Sequence[Any],
    schema: type[M],
    *,
    timeout_s: float,
    fallback: Callable[[], M],
    method: Method | None = None,
    repairs: int = 1,
) -> LlmResult[M]:
    """A ``schema`` instance from the model, or ``fallback()``; returns within ~``timeout_s``.

    ``model`` None → the fallback with source "none" (the embedded default, not a failure).
    ``method`` defaults to the model's ``structured_method`` ("tool" for other models); a model that
    cannot bind tools is asked in JSON mode. ``messages`` are LangChain messages or (role, text) pairs.
    """
    t0 = time.monotonic()
    if model is None:
        return LlmResult(_checked(fallback(), schema), "none", "no_model", 0, _elapsed_ms(t0))
    deadline = t0 + timeout_s
    gate = gate_for(model)
    method = method or getattr(model, "structured_method", "tool")
    msgs = list(convert_to_messages(list(messages)))
    try:
        runnable, msgs = _prepare(model, msgs, schema, method)
    except NotImplementedError:
        method = "json"
        runnable, msgs = _prepare(model, msgs, schema, method)
    attempts, reason = 0, "invalid_output"
    while attempts <= repairs:
        attempts += 1
        try:
            reply = gate.run(lambda m=msgs: runnable.invoke(m), deadline - time.monotonic())
        except Exception as exc:  # every failure of the call itself means: fall back
            reason = classify_error(exc)
            log.warning("structured %s call failed (%s): %s", schema.__name__, reason, exc)
            break
        try:
            value = parse_reply(reply, schema, method)
        except InvalidOutput as exc:
            log.info("structured %s reply invalid (attempt %d): %s", schema.__name__, attempts, exc)
            reason = "invalid_output"
            msgs = [*msgs, *_repair_turn(reply, str(exc), schema, method)]
            continue
        return LlmResult(value, "llm", None, attempts, _elapsed_ms(t0))
    return LlmResult(_checked(fallback(), schema), "fallback", reason, attempts, _elapsed_ms(t0))


def _checked(value: M, schema: type[M]) -> M:
    if not isinstance(value, schema):
        raise TypeError(f"fallback returned {type(value).__name__}, expected {schema.__name__}")
    return value


async def ainvoke_structured(model: Any, messages: Sequence[Any], schema: type[M], *, timeout_s: float,
                             fallback: Callable[[], M], method: Method | None = None,
                             repairs: int = 1) -> LlmResult[M]:
    """``invoke_structured`` for async code: the event loop is never blocked by the model."""
    return await asyncio.to_thread(invoke_structured, model, messages, schema, timeout_s=timeout_s,
                                   fallback=fallback, method=method, repairs=repairs)


def invoke_message(model: Any, messages: Sequence[Any], *, timeout_s: float,
                   tools: Sequence[Any] = (), tool_choice: str | None = None) -> LlmResult[AIMessage | None]:
    """One bounded raw call (for agent loops that route on tool calls): the reply, or None with
    the reason. ``tools`` are bound with ``tool_choice`` ("auto" when not given, see ENVIRONMENT.md)."""
    t0 = time.monotonic()
    if model is None:
        return LlmResult(None, "none", "no_model", 0, _elapsed_ms(t0))
    runnable = model.bind_tools([tool_spec(t) for t in tools], tool_choice=tool_choice or "auto") if tools else model
    msgs = list(convert_to_messages(list(messages)))
    try:
        reply = gate_for(model).run(lambda: runnable.invoke(msgs), timeout_s)
    except Exception as exc:
        reason = classify_error(exc)
        log.warning("model call failed (%s): %s", reason, exc)
        return LlmResult(None, "fallback", reason, 1, _elapsed_ms(t0))
    if not isinstance(reply, AIMessage):
        return LlmResult(None, "fallback", "invalid_output", 1, _elapsed_ms(t0))
    return LlmResult(reply, "llm", None, 1, _elapsed_ms(t0))
