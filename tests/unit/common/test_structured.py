"""invoke_structured / invoke_message with scripted fake models: every path and its recorded reason."""

from __future__ import annotations

import json
import time

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import BaseModel, Field

from agents.common.structured import invoke_message, invoke_structured, json_from_text
from tests.llm_fakes import ScriptedChatModel, Sleep, tool_reply


class Intent(BaseModel):
    """The customer's intent."""

    intent: str = Field(description="intent label")
    confidence: float = Field(ge=0, le=1)


FALLBACK = Intent(intent="faq", confidence=0.0)
MSGS = [("system", "你是客服意图识别器。"), ("human", "税务贷额度多少？")]


def _run(model, **kw):
    return invoke_structured(model, MSGS, Intent, timeout_s=kw.pop("timeout_s", 5), fallback=lambda: FALLBACK, **kw)


def test_no_model_is_the_embedded_default_not_a_failure():
    res = _run(None)
    assert res.value == FALLBACK and res.source == "none" and res.reason == "no_model" and res.attempts == 0


def test_valid_tool_call_is_used_and_tool_choice_is_named():
    model = ScriptedChatModel(script=[tool_reply("Intent", {"intent": "loan_limit", "confidence": 0.9})])
    res = _run(model)
    assert res.source == "llm" and res.value == Intent(intent="loan_limit", confidence=0.9) and res.attempts == 1
    _, kwargs = model.calls[0]
    assert kwargs["tool_choice"] == "Intent"
    assert kwargs["tools"][0]["function"]["name"] == "Intent"
    assert "confidence" in kwargs["tools"][0]["function"]["parameters"]["properties"]


def test_invalid_then_repaired_uses_one_repair_turn_with_the_error():
    model = ScriptedChatModel(script=[
        tool_reply("Intent", {"intent": "loan_limit", "confidence": 7}, call_id="c1"),
        tool_reply("Intent", {"intent": "loan_limit", "confidence": 0.7}, call_id="c2"),
    ])
    res = _run(model)
    assert res.source == "llm" and res.attempts == 2 and res.value.confidence == 0.7
    second, _ = model.calls[1]
    assert isinstance(second[-2], AIMessage) and second[-2].tool_calls[0]["id"] == "c1"
    assert isinstance(second[-1], ToolMessage) and second[-1].tool_call_id == "c1"
    assert "confidence" in second[-1].content  # the validation error is shown to the model


def test_invalid_twice_falls_back_with_reason():
    model = ScriptedChatModel(script=["我觉得是额度问题", "还是额度问题"])
    res = _run(model)
    assert res.source == "fallback" and res.reason == "invalid_output" and res.attempts == 2
    assert res.value == FALLBACK
    # a text reply (no tool call) is repaired with a user turn, not a tool result
    second, _ = model.calls[1]
    assert isinstance(second[-1], HumanMessage) and "Intent" in second[-1].content


def test_tool_call_without_id_is_repaired_as_text():
    model = ScriptedChatModel(script=[tool_reply("Intent", {"intent": 1}, call_id=None),
                                      tool_reply("Intent", {"intent": "x", "confidence": 0.5})])
    res = _run(model)
    assert res.source == "llm" and res.attempts == 2
    second, _ = model.calls[1]
    assert not any(isinstance(m, ToolMessage) for m in second)


def test_json_in_text_is_accepted_when_the_server_ignores_tools():
    model = ScriptedChatModel(script=['```json\n{"intent": "rate", "confidence": 0.4}\n```'])
    res = _run(model)
    assert res.source == "llm" and res.value.intent == "rate"


@pytest.mark.parametrize("exc, reason", [
    (RuntimeError("boom"), "error:RuntimeError"),
    (ValueError("Response missing 'choices' key"), "invalid_output"),
])
def test_exception_falls_back(exc, reason):
    res = _run(ScriptedChatModel(script=[exc]))
    assert res.source == "fallback" and res.reason == reason and res.value == FALLBACK and res.attempts == 1


def test_openai_errors_are_classified():
    import httpx
    import openai

    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    cases = [
        (openai.APITimeoutError(request=request), "timeout"),
        (openai.APIConnectionError(request=request), "connection"),
        (openai.InternalServerError("err", response=httpx.Response(500, request=request), body=None), "http_500"),
    ]
    for exc, reason in cases:
        assert _run(ScriptedChatModel(script=[exc])).reason == reason


def test_json_mode_sets_json_object_and_merges_the_schema_into_the_system_prompt():
    model = ScriptedChatModel(script=['{"intent": "rate", "confidence": 0.5}'])
    res = _run(model, method="json")
    assert res.source == "llm" and res.value.intent == "rate"
    messages, kwargs = model.calls[0]
    assert kwargs["response_format"] == {"type": "json_object"}  # never json_schema
    assert isinstance(messages[0], SystemMessage) and sum(isinstance(m, SystemMessage) for m in messages) == 1
    assert messages[0].content.startswith("你是客服意图识别器。") and '"confidence"' in messages[0].content


def test_prompt_mode_asks_in_the_prompt_without_any_constrained_decoding():
    model = ScriptedChatModel(script=['好的：```json\n{"intent": "rate", "confidence": 2}\n```',
                                      '{"intent": "rate", "confidence": 0.4}'])
    res = _run(model, method="prompt")
    assert res.source == "llm" and res.value == Intent(intent="rate", confidence=0.4) and res.attempts == 2
    for messages, kwargs in model.calls:  # neither response_format nor tools: nothing a server can spin on
        assert "response_format" not in kwargs and "tools" not in kwargs and "tool_choice" not in kwargs
        assert '"confidence"' in messages[0].content
    assert "JSON" in model.calls[1][0][-1].content  # the repair turn asks for JSON, not a tool call


def test_model_without_tool_support_is_asked_in_json_mode():
    model = GenericFakeChatModel(messages=iter(['{"intent": "rate", "confidence": 0.3}']))
    res = _run(model)
    assert res.source == "llm" and res.value == Intent(intent="rate", confidence=0.3)


def test_structured_method_attribute_selects_json_mode():
    model = ScriptedChatModel(script=['{"intent": "a", "confidence": 0.1}'])
    object.__setattr__(model, "structured_method", "json")
    assert _run(model).source == "llm"
    assert model.calls[0][1]["response_format"] == {"type": "json_object"}


def test_slow_model_falls_back_within_the_deadline():
    model = ScriptedChatModel(script=[Sleep(3.0, tool_reply("Intent", {"intent": "x", "confidence": 1}))])
    t0 = time.monotonic()
    res = _run(model, timeout_s=0.4)
    elapsed = time.monotonic() - t0
    assert res.source == "fallback" and res.reason == "timeout"
    assert elapsed < 0.4 + 1.0


def test_repair_shares_the_deadline():
    """The repair turn does not get a fresh budget: the whole exchange is bounded by timeout_s."""
    model = ScriptedChatModel(script=[Sleep(0.3, "not json"), Sleep(3.0, "never")])
    t0 = time.monotonic()
    res = _run(model, timeout_s=0.6)
    assert res.source == "fallback" and res.reason == "timeout" and res.attempts == 2
    assert time.monotonic() - t0 < 0.6 + 1.0


def test_fallback_of_the_wrong_type_is_a_bug():
    with pytest.raises(TypeError, match="expected Intent"):
        invoke_structured(None, MSGS, Intent, timeout_s=1, fallback=lambda: {"intent": "x"})


def test_json_from_text_errors_name_the_problem():
    assert json_from_text('好的：{"a": 1} 以上') == {"a": 1}
    for bad, msg in [("no braces", "no JSON object"), ("{a: 1}", "not valid JSON")]:
        with pytest.raises(ValueError, match=msg):
            json_from_text(bad)


def test_invoke_message_returns_tool_calls_or_reason():
    model = ScriptedChatModel(script=[tool_reply("search", {"q": "x"}), RuntimeError("down")])
    ok = invoke_message(model, [("human", "hi")], timeout_s=2, tools=[Intent])
    assert ok.source == "llm" and ok.value.tool_calls[0]["name"] == "search"
    assert model.calls[0][1]["tool_choice"] == "auto"
    bad = invoke_message(model, [("human", "hi")], timeout_s=2)
    assert bad.value is None and bad.source == "fallback" and bad.reason == "error:RuntimeError"
    assert invoke_message(None, [("human", "hi")], timeout_s=1).source == "none"


def test_schema_json_is_chinese_readable():
    """The JSON-mode prompt keeps Chinese field descriptions readable (ensure_ascii=False)."""
    class Memo(BaseModel):
        summary: str = Field(description="审查意见摘要")

    model = ScriptedChatModel(script=[json.dumps({"summary": "同意"}, ensure_ascii=False)])
    res = invoke_structured(model, [("human", "写摘要")], Memo, timeout_s=2,
                            fallback=lambda: Memo(summary="-"), method="json")
    assert res.value.summary == "同意" and "审查意见摘要" in model.calls[0][0][0].content


def test_tools_are_shown_without_bounds_a_server_would_unroll_into_a_grammar():
    """llama.cpp's server builds a grammar from the tool schema and fails on maxLength: 2000 (measured in
    the end-to-end test); the bounds are enforced by Pydantic on the reply instead."""

    class Ask(BaseModel):
        question: str = Field(min_length=1, max_length=2000, description="问题")
        tags: list[str] = Field(default_factory=list, max_length=5)

    model = ScriptedChatModel(script=[tool_reply("Ask", {"question": "q" * 2001}), tool_reply("Ask", {"question": "好"})])
    res = invoke_structured(model, MSGS, Ask, timeout_s=5, fallback=lambda: Ask(question="-"))
    assert res.source == "llm" and res.value.question == "好" and res.attempts == 2  # too long → repaired
    sent = json.dumps(model.calls[0][1]["tools"])
    assert "maxLength" not in sent and "maxItems" not in sent and "minLength" not in sent
    assert '"description": "\\u95ee\\u9898"' in sent or "问题" in sent  # descriptions are kept
    model = ScriptedChatModel(script=[AIMessage(content="ok")])
    invoke_message(model, MSGS, timeout_s=5, tools=[Ask])
    assert "maxLength" not in json.dumps(model.calls[0][1]["tools"])
