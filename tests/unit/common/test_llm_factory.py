"""build_chat_model and the content-null sanitizer (no network: payloads are built, not sent)."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_openai import ChatOpenAI

from agents.common.llm import build_chat_model
from agents.common.llm_call import CallGate
from agents.common.openai_compat import PuhuiChatOpenAI, sanitize_messages
from core.settings import Settings

TOOL_ROUND = [
    HumanMessage(content="查一下税务贷"),
    AIMessage(content="", tool_calls=[{"name": "kb_search", "args": {"q": "税务贷"}, "id": "c1", "type": "tool_call"}]),
    ToolMessage(content="税务贷最高300万元", tool_call_id="c1"),
]


def _settings(**kw) -> Settings:
    base = dict(llm_provider="openai", llm_base_url="http://127.0.0.1:9/v1", llm_model="m")
    return Settings(**{**base, **kw})


def test_unset_provider_means_no_model():
    assert build_chat_model(Settings()) is None


def test_missing_fields_are_named():
    with pytest.raises(ValueError, match="PUHUI_LLM_BASE_URL and PUHUI_LLM_MODEL"):
        build_chat_model(Settings(llm_provider="openai"))
    with pytest.raises(ValueError, match="PUHUI_LLM_MODEL"):
        build_chat_model(Settings(llm_provider="openai", llm_base_url="http://x/v1"))


def test_factory_applies_every_setting():
    model = build_chat_model(_settings(llm_timeout_s=7, llm_max_retries=2, llm_temperature=0.5,
                                       llm_structured_method="json", llm_max_inflight=3, llm_api_key="sk-x",
                                       llm_max_tokens=64))
    assert isinstance(model, PuhuiChatOpenAI)
    assert model.model_name == "m" and model.openai_api_base == "http://127.0.0.1:9/v1"
    assert model.request_timeout.read == 7 and model.request_timeout.connect == 5
    assert model.max_retries == 2 and model.temperature == 0.5
    assert model.openai_api_key.get_secret_value() == "sk-x"
    assert model.structured_method == "json" and model.max_tokens == 64
    payload = model._get_request_payload([HumanMessage(content="hi")])
    assert payload["max_tokens"] == 64 and "max_completion_tokens" not in payload  # the name servers know
    assert isinstance(model.call_gate, CallGate) and model.call_gate.max_inflight == 3
    assert model.call_gate.cooldown_s == 15.0  # PUHUI_LLM_CIRCUIT_COOLDOWN_S default
    assert model.call_gate is model.call_gate  # one gate per model
    assert model.root_client.max_retries == 2


def test_stock_chatopenai_sends_content_null_and_ours_does_not():
    stock = ChatOpenAI(base_url="http://127.0.0.1:9/v1", api_key="x", model="m")
    assert stock._get_request_payload(TOOL_ROUND)["messages"][1]["content"] is None  # the server-side 500
    ours = build_chat_model(_settings())
    payload = ours._get_request_payload(TOOL_ROUND)
    assert payload["messages"][1]["content"] == ""
    assert payload["messages"][1]["tool_calls"][0]["function"]["name"] == "kb_search"
    assert all(m["content"] is not None for m in payload["messages"])
    bound = ours.bind_tools([{"type": "function", "function": {"name": "kb_search", "parameters": {}}}],
                            tool_choice="kb_search")
    payload = ours._get_request_payload(TOOL_ROUND, **bound.kwargs)
    assert payload["tool_choice"] == {"type": "function", "function": {"name": "kb_search"}}
    assert "response_format" not in payload


def test_sanitize_messages_touches_only_null_content():
    msgs = [{"role": "assistant", "content": None, "tool_calls": []}, {"role": "user", "content": "hi"}, "odd"]
    out = sanitize_messages(msgs)
    assert out[0] == {"role": "assistant", "content": "", "tool_calls": []} and out[1:] == msgs[1:]
    assert msgs[0]["content"] is None  # the input is not mutated
