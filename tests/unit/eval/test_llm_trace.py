"""The eval's call log: a traced model behaves like the model, and a fallback's reason is recovered
from the calls in the helpers' own vocabulary (timeout, http_500, invalid_output, busy, …)."""

from __future__ import annotations

import httpx
import openai
from pydantic import BaseModel, Field

from agents.common.llm import invoke_structured, invoke_text
from eval.llm_trace import TracedModel, call_log, traced
from tests.llm_fakes import ScriptedChatModel, Sleep, tool_reply


class Intent(BaseModel):
    intent: str
    confidence: float = Field(ge=0, le=1)


FALLBACK = Intent(intent="faq", confidence=0.0)
MSGS = [("system", "意图识别"), ("human", "税务贷额度多少？")]


def http_500() -> Exception:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    return openai.InternalServerError("err", response=httpx.Response(500, request=request), body=None)


def structured(model, timeout_s=5.0):
    return invoke_structured(model, MSGS, Intent, timeout_s=timeout_s, fallback=lambda: FALLBACK)


def test_traced_model_is_transparent():
    fake = ScriptedChatModel(script=[tool_reply("Intent", {"intent": "rate", "confidence": 0.5}), "你好"])
    model = traced(fake)
    assert model.call_gate is fake.call_gate  # same gate: the cap on abandoned calls still holds
    with call_log(5) as calls:
        res = structured(model)
        text = invoke_text(model, MSGS, timeout_s=5, fallback=lambda: "备用")
    assert res.source == "llm" and res.value == Intent(intent="rate", confidence=0.5)
    assert text.source == "llm" and text.value == "你好"
    assert [(c.kind, c.valid) for c in calls.calls] == [("typed", True), ("plain", None)]
    assert fake.calls[0][1]["tool_choice"] == "Intent"  # the binding reached the real model
    assert traced(None) is None


def test_calls_outside_a_log_are_not_recorded():
    model = TracedModel(ScriptedChatModel(script=["好"]))
    assert invoke_text(model, MSGS, timeout_s=5, fallback=lambda: "备用").value == "好"


def test_http_error_reason():
    with call_log(5) as calls:
        res = structured(traced(ScriptedChatModel(script=[http_500()])))
    assert res.source == "fallback" and calls.fallback_reason() == res.reason == "http_500"


def test_timeout_reason_for_an_abandoned_call():
    with call_log(0.3) as calls:
        res = invoke_text(traced(ScriptedChatModel(script=[Sleep(1.0, "迟到的回答")])), MSGS, timeout_s=0.3,
                          fallback=lambda: "备用")
    assert res.reason == "timeout" and calls.fallback_reason() == "timeout"


def test_invalid_output_after_the_repair_turn():
    with call_log(5) as calls:
        res = structured(traced(ScriptedChatModel(script=["不是 JSON", "还不是"])))
    assert res.reason == "invalid_output" and len(calls.calls) == 2
    assert calls.fallback_reason("ungrounded") == "invalid_output"


def test_repaired_exchange_then_rejected_text_uses_the_suite_classifier():
    fake = ScriptedChatModel(script=[tool_reply("Intent", {"intent": "x", "confidence": 3}),
                                     tool_reply("Intent", {"intent": "x", "confidence": 0.3}), "每年只要99元"])
    model = traced(fake)
    with call_log(5) as calls:
        assert structured(model).source == "llm"
        res = invoke_text(model, MSGS, timeout_s=5, fallback=lambda: "备用",
                          check=lambda t: "ungrounded" if "99" in t else None)
    assert res.reason == "ungrounded"
    assert calls.fallback_reason(lambda text: "ungrounded" if "99元" in text else "other") == "ungrounded"


def test_empty_reply_and_busy_gate():
    with call_log(5) as calls:
        res = invoke_text(traced(ScriptedChatModel(script=["  "])), MSGS, timeout_s=5, fallback=lambda: "备用")
    assert res.reason == "empty_output" and calls.fallback_reason() == "empty_output"

    fake = ScriptedChatModel(script=[Sleep(0.5, "a"), "b"], max_inflight=1)
    model = traced(fake)
    with call_log(0.1):
        invoke_text(model, MSGS, timeout_s=0.1, fallback=lambda: "备用")  # abandoned, holds the only slot
    with call_log(5) as calls:
        res = invoke_text(model, MSGS, timeout_s=5, fallback=lambda: "备用")
    assert res.reason == "busy" and calls.fallback_reason() == "busy"
