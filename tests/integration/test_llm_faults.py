"""Fault tests over real HTTP on 127.0.0.1: whatever the server does, the caller gets its fallback
within timeout + 1 s, the reason is recorded, and abandoned calls do not pile up."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from pydantic import BaseModel, Field

from agents.common.llm import (
    ainvoke_structured,
    astream_text,
    build_chat_model,
    invoke_structured,
    invoke_text,
    stream_text,
)
from core.settings import Settings
from tests.integration.fake_openai_server import FakeOpenAIServer, closed_port_url

pytestmark = pytest.mark.integration
T = 1.0  # the model timeout used throughout; every fallback must arrive before T + 1 s


class Slots(BaseModel):
    """Intent and slots of a customer question."""

    intent: str
    amount_wan: float | None = Field(None, ge=0)


FALLBACK = Slots(intent="fallback")
MSGS = [("system", "识别意图"), ("human", "我想贷50万")]


@pytest.fixture
def server():
    with FakeOpenAIServer() as srv:
        yield srv


def _model(base_url: str, **kw):
    """The real factory's model; the circuit breaker is off unless a test turns it on, so each call
    here meets the server itself (the breaker has its own test below)."""
    kw.setdefault("llm_circuit_cooldown_s", 0)
    return build_chat_model(Settings(llm_provider="openai", llm_base_url=base_url, llm_model="fake",
                                     llm_timeout_s=T, llm_max_retries=1, **kw))


def _call(kind: str, model):
    if kind == "tool":
        res = invoke_structured(model, MSGS, Slots, timeout_s=T, fallback=lambda: FALLBACK, method="tool")
        return res.value == FALLBACK, res
    if kind == "json":
        res = invoke_structured(model, MSGS, Slots, timeout_s=T, fallback=lambda: FALLBACK, method="json")
        return res.value == FALLBACK, res
    if kind == "text":
        res = invoke_text(model, MSGS, timeout_s=T, fallback=lambda: "FB")
        return res.value == "FB", res
    stream = stream_text(model, MSGS, timeout_s=T, fallback=lambda: "FB")
    chunks = list(stream)
    return chunks == ["FB"] or (stream.reason == "timeout" and stream.source == "llm"), stream.result()


def test_happy_paths_over_http(server):
    model = _model(server.base_url)
    server.tool_args = json.dumps({"intent": "loan", "amount_wan": 50})
    server.json_content = '{"intent": "loan", "amount_wan": 50}'
    assert invoke_structured(model, MSGS, Slots, timeout_s=T, fallback=lambda: FALLBACK).value.amount_wan == 50
    assert server.requests[-1]["tool_choice"] == {"type": "function", "function": {"name": "Slots"}}
    res = invoke_structured(model, MSGS, Slots, timeout_s=T, fallback=lambda: FALLBACK, method="json")
    assert res.source == "llm" and res.value.intent == "loan"
    assert server.requests[-1]["response_format"] == {"type": "json_object"}
    assert invoke_text(model, MSGS, timeout_s=T, fallback=lambda: "FB").value == server.text
    stream = stream_text(model, MSGS, timeout_s=T)
    chunks = list(stream)
    assert len(chunks) > 1 and "".join(chunks) == server.text and stream.source == "llm"


def test_repair_turn_is_accepted_by_a_server_that_rejects_content_null(server):
    """invalid tool arguments → repair turn (assistant tool-call message + tool result) → valid."""
    server.mode = "null_content_500"
    server.script = ["invalid_json"]
    server.tool_args = json.dumps({"intent": "loan"})
    res = invoke_structured(_model(server.base_url), MSGS, Slots, timeout_s=3 * T, fallback=lambda: FALLBACK)
    assert res.source == "llm" and res.attempts == 2 and res.value.intent == "loan"
    repair = server.requests[1]["messages"]
    assistant = [m for m in repair if m["role"] == "assistant"][0]
    assert assistant["content"] == "" and assistant["tool_calls"][0]["function"]["name"] == "Slots"
    assert repair[-1]["role"] == "tool" and "JSON" in repair[-1]["content"]


def test_stock_chatopenai_would_fail_the_same_repair_turn(server):
    from langchain_openai import ChatOpenAI

    server.mode = "null_content_500"
    server.script = ["invalid_json"]
    stock = ChatOpenAI(base_url=server.base_url, api_key="x", model="fake", timeout=T, max_retries=0)
    res = invoke_structured(stock, MSGS, Slots, timeout_s=3 * T, fallback=lambda: FALLBACK)
    assert res.source == "fallback" and res.reason == "http_500"


EXPECTED_REASONS = {
    "down": {"connection"}, "slow": {"timeout"}, "hang": {"timeout"}, "500": {"http_500"},
    "garbage": {"invalid_output", "empty_output"}, "invalid_json": {"invalid_output"},
    "trickle": {"timeout"},
}


@pytest.mark.parametrize("kind", ["tool", "json", "text", "stream"])
@pytest.mark.parametrize("mode", list(EXPECTED_REASONS))
def test_fault_falls_back_within_timeout_plus_one_second(server, mode, kind):
    if mode == "invalid_json" and kind in ("text", "stream"):
        pytest.skip("broken JSON is valid free text")
    server.mode = mode
    model = _model(closed_port_url() if mode == "down" else server.base_url)
    t0 = time.monotonic()
    fell_back, res = _call(kind, model)
    elapsed = time.monotonic() - t0
    assert fell_back, res
    assert elapsed < T + 1.0, f"{mode}/{kind} took {elapsed:.2f}s"
    if not (kind == "stream" and res.source == "llm"):  # a cut stream keeps what it sent
        assert res.source == "fallback" and res.reason in EXPECTED_REASONS[mode], res


def test_abandoned_calls_are_capped_then_freed(server):
    """A hung server: the first call is abandoned at its deadline and keeps its slot; with the cap
    reached the next call falls back at once ("busy"); the HTTP deadline later frees the slot."""
    server.mode = "trickle"
    model = _model(server.base_url, llm_max_inflight=1)
    first = invoke_structured(model, MSGS, Slots, timeout_s=T, fallback=lambda: FALLBACK)
    assert first.reason == "timeout" and model.call_gate.inflight == 1
    t0 = time.monotonic()
    second = invoke_text(model, MSGS, timeout_s=T, fallback=lambda: "FB")
    assert second.reason == "busy" and second.value == "FB" and time.monotonic() - t0 < 0.2
    deadline = time.monotonic() + 2 * T + 3  # (retries + 1) × total deadline + backoff
    while model.call_gate.inflight and time.monotonic() < deadline:
        time.sleep(0.05)
    assert model.call_gate.inflight == 0, "the total-deadline hook did not end the trickling call"
    server.mode = "ok"
    assert invoke_text(model, MSGS, timeout_s=T, fallback=lambda: "FB").source == "llm"


def test_async_helpers_never_block_the_event_loop(server):
    server.mode = "hang"
    model = _model(server.base_url)

    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        task = asyncio.create_task(ticker())
        t0 = time.monotonic()
        res = await ainvoke_structured(model, MSGS, Slots, timeout_s=T, fallback=lambda: FALLBACK)
        stream = astream_text(model, MSGS, timeout_s=T, fallback=lambda: "FB")
        chunks = [c async for c in stream]
        task.cancel()
        return res, chunks, stream, time.monotonic() - t0, ticks

    res, chunks, stream, elapsed, ticks = asyncio.run(main())
    assert res.reason == "timeout" and chunks == ["FB"] and stream.reason == "timeout"
    assert elapsed < 2 * (T + 1.0) and ticks >= 10  # the loop kept running while both waited


@pytest.mark.parametrize("mode", ["down", "hang", "500", "garbage", "trickle"])
def test_copilot_answers_through_its_router_when_the_server_fails(server, mode):
    """An assistant end to end (the staff copilot): a failing server costs at most the timeout, the
    keyword router answers, and the result records the fallback and why."""
    from agents.copilot.graph import build_graph
    from agents.copilot.service import ask
    from agents.copilot.tools import CopilotTools

    server.mode = mode
    model = _model(closed_port_url() if mode == "down" else server.base_url)
    tools = CopilotTools(customer_service=lambda a: f"客服：{a.question}", chain_map=lambda a: "产业链结果",
                         loan_review=lambda a: f"审查结果：{a.amount_wan}万元")
    t0 = time.monotonic()
    answer = ask(build_graph(tools, model, timeout_s=T), "帮我审查一下常熟服装厂的贷款申请，申请50万")
    assert time.monotonic() - t0 < T + 1.0
    assert answer.llm == "fallback" and answer.reason in EXPECTED_REASONS[mode] | {"invalid_output"}
    assert [u.tool for u in answer.tools_used] == ["loan_review"] and "50.0万元" in answer.answer


def test_circuit_breaker_skips_a_dead_server_then_tries_again(server):
    """After a timeout the next calls fall back at once ("circuit_open") until the cool-down ends; a
    failure that says nothing about the server's health (HTTP 500) does not open it."""
    model = _model(server.base_url, llm_circuit_cooldown_s=1.5)
    server.mode = "hang"
    assert invoke_text(model, MSGS, timeout_s=T, fallback=lambda: "FB").reason == "timeout"
    t0 = time.monotonic()
    res = invoke_structured(model, MSGS, Slots, timeout_s=T, fallback=lambda: FALLBACK)
    assert (res.source, res.reason) == ("fallback", "circuit_open") and time.monotonic() - t0 < 0.2
    stream = stream_text(model, MSGS, timeout_s=T, fallback=lambda: "FB")
    assert "".join(stream) == "FB" and stream.reason == "circuit_open"
    time.sleep(1.6)  # cool-down over: one call goes to the server again
    server.mode = "500"
    assert invoke_text(model, MSGS, timeout_s=T, fallback=lambda: "FB").reason == "http_500"
    server.mode = "ok"
    assert invoke_text(model, MSGS, timeout_s=T, fallback=lambda: "FB").source == "llm"  # 500 left it closed
