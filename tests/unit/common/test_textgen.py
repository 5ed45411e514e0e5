"""invoke_text / stream_text / astream_text and the call gate, with scripted fake models."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from agents.common.llm_call import CallGate, DeadlineExceeded, GateBusy
from agents.common.textgen import astream_text, invoke_text, stream_text
from tests.llm_fakes import ScriptedChatModel, Sleep

MSGS = [("human", "介绍一下税务贷")]


def test_invoke_text_paths():
    fb = lambda: "抽取式答案"  # noqa: E731
    assert invoke_text(None, MSGS, timeout_s=1, fallback=fb).source == "none"
    ok = invoke_text(ScriptedChatModel(script=["  税务贷按纳税额核额。 "]), MSGS, timeout_s=2, fallback=fb)
    assert (ok.value, ok.source) == ("税务贷按纳税额核额。", "llm")
    empty = invoke_text(ScriptedChatModel(script=["   "]), MSGS, timeout_s=2, fallback=fb)
    assert (empty.value, empty.source, empty.reason) == ("抽取式答案", "fallback", "empty_output")
    rejected = invoke_text(ScriptedChatModel(script=["年化利率2%。"]), MSGS, timeout_s=2, fallback=fb,
                           check=lambda text: "ungrounded" if "2%" in text else None)
    assert (rejected.value, rejected.reason) == ("抽取式答案", "ungrounded")
    failed = invoke_text(ScriptedChatModel(script=[ConnectionError("refused")]), MSGS, timeout_s=2, fallback=fb)
    assert failed.source == "fallback" and failed.reason == "error:ConnectionError"


def test_invoke_text_times_out_within_a_second_of_its_budget():
    t0 = time.monotonic()
    res = invoke_text(ScriptedChatModel(script=[Sleep(3, "late")]), MSGS, timeout_s=0.3, fallback=lambda: "fb")
    assert res.reason == "timeout" and res.value == "fb" and time.monotonic() - t0 < 1.3


def test_stream_passes_chunks_through():
    stream = stream_text(ScriptedChatModel(script=["税务贷按纳税额核额"], chunk_size=3), MSGS, timeout_s=2)
    chunks = list(stream)
    assert chunks == ["税务贷", "按纳税", "额核额"] and stream.text == "税务贷按纳税额核额"
    assert stream.source == "llm" and stream.reason is None and stream.done


def test_stream_falls_back_when_nothing_arrives():
    stream = stream_text(ScriptedChatModel(script=[RuntimeError("500")]), MSGS, timeout_s=2, fallback=lambda: "fb")
    assert list(stream) == ["fb"] and stream.source == "fallback" and stream.reason == "error:RuntimeError"
    none = stream_text(None, MSGS, timeout_s=1, fallback=lambda: "fb")
    assert list(none) == ["fb"] and none.source == "none"


def test_stream_stops_at_the_deadline_while_the_server_trickles():
    model = ScriptedChatModel(script=["一二三四五六七八九十" * 5], chunk_size=1, chunk_delay_s=0.2)
    t0 = time.monotonic()
    stream = stream_text(model, MSGS, timeout_s=1.0)
    chunks = list(stream)
    assert time.monotonic() - t0 < 1.0 + 1.0
    assert 1 <= len(chunks) < 50 and stream.source == "llm" and stream.reason == "timeout"


def test_async_stream_and_deadline():
    async def collect(model, timeout_s):
        stream = astream_text(model, MSGS, timeout_s=timeout_s, fallback=lambda: "fb")
        return [c async for c in stream], stream

    chunks, stream = asyncio.run(collect(ScriptedChatModel(script=["abcdef"], chunk_size=2), 2))
    assert chunks == ["ab", "cd", "ef"] and stream.source == "llm"
    t0 = time.monotonic()
    chunks, stream = asyncio.run(collect(ScriptedChatModel(script=[Sleep(3, "late")]), 0.3))
    assert chunks == ["fb"] and stream.reason == "timeout" and time.monotonic() - t0 < 1.3


def test_gate_caps_abandoned_calls_and_frees_slots():
    gate = CallGate(max_inflight=1)
    release = threading.Event()
    with pytest.raises(DeadlineExceeded):
        gate.run(lambda: release.wait(5), timeout_s=0.1)  # abandoned, still holding the slot
    assert gate.inflight == 1
    t0 = time.monotonic()
    with pytest.raises(GateBusy):
        gate.run(lambda: "x", timeout_s=5)
    assert time.monotonic() - t0 < 0.1  # refused at once, not queued
    release.set()
    deadline = time.monotonic() + 2
    while gate.inflight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gate.inflight == 0 and gate.run(lambda: "x", timeout_s=1) == "x"


def test_gate_propagates_errors_and_contextvars():
    import contextvars

    var = contextvars.ContextVar("var", default="unset")
    var.set("caller")
    gate = CallGate(2)
    assert gate.run(var.get, timeout_s=1) == "caller"
    with pytest.raises(KeyError):
        gate.run(lambda: {}["missing"], timeout_s=1)
    with pytest.raises(ValueError):
        CallGate(0)


def test_async_invoke_text():
    from agents.common.textgen import ainvoke_text

    res = asyncio.run(ainvoke_text(ScriptedChatModel(script=["好的"]), MSGS, timeout_s=2, fallback=lambda: "fb"))
    assert (res.value, res.source) == ("好的", "llm")


def test_call_gate_breaker_opens_on_timeout_or_connection_only_and_closes_after_cooldown():
    import time as _time

    from agents.common.llm_call import CircuitOpen, classify_error

    gate = CallGate(max_inflight=2, cooldown_s=0.3)
    with pytest.raises(DeadlineExceeded):
        gate.run(lambda: _time.sleep(1), timeout_s=0.05)
    with pytest.raises(CircuitOpen) as exc:
        gate.run(lambda: "never runs", timeout_s=1)
    assert classify_error(exc.value) == "circuit_open"
    _time.sleep(0.35)
    assert gate.run(lambda: "ok", timeout_s=1) == "ok"  # cool-down over
    with pytest.raises(ValueError):
        gate.run(lambda: (_ for _ in ()).throw(ValueError("bad body")), timeout_s=1)
    assert not gate.is_open  # a bad answer says nothing about the server's health
    assert not CallGate(cooldown_s=0).is_open
    off = CallGate(cooldown_s=0)
    off.record("timeout")
    assert not off.is_open  # 0 turns the breaker off
