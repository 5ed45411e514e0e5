"""Scripted chat models for unit tests of LLM nodes (no network, deterministic).

``ScriptedChatModel(script=[...])`` answers each call with the next script item:

- a ``str`` → an AIMessage with that text;
- an ``AIMessage`` (see ``tool_reply``) → returned as is (tool calls included);
- an ``Exception`` instance → raised (simulates HTTP errors, timeouts, refused connections);
- a callable ``(messages, kwargs) -> str | AIMessage`` → computed from the request;
- ``Sleep(seconds, item)`` → waits, then answers with ``item`` (simulates a slow server).

Every call is recorded in ``calls`` as ``(messages, kwargs)`` so tests can assert on the prompt, on
``tool_choice`` and on ``response_format``. ``bind_tools`` works like ChatOpenAI's (tools converted
to the OpenAI format, ``tool_choice`` passed through); streaming yields one chunk per character
group with an optional delay. Each fake has its own call gate (``max_inflight``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field, PrivateAttr

from agents.common.llm_call import CallGate


@dataclass
class Sleep:
    seconds: float
    item: Any = ""


def tool_reply(name: str, args: dict, call_id: str | None = "call_1", content: str = "") -> AIMessage:
    """An assistant message that calls tool ``name`` with ``args``."""
    return AIMessage(content=content, tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}])


class ScriptedChatModel(BaseChatModel):
    script: list[Any] = Field(default_factory=list)
    calls: list[Any] = Field(default_factory=list)
    chunk_size: int = 2
    chunk_delay_s: float = 0.0
    max_inflight: int = 4
    _gate: CallGate | None = PrivateAttr(default=None)

    @property
    def call_gate(self) -> CallGate:
        """Own gate per fake (like PuhuiChatOpenAI), so calls abandoned by one test cannot make
        another test's calls "busy"."""
        if self._gate is None:
            self._gate = CallGate(self.max_inflight)
        return self._gate

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    def bind_tools(self, tools, *, tool_choice: str | None = None, **kwargs):
        formatted = [convert_to_openai_tool(t) for t in tools]
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    def _next(self, messages: list[BaseMessage], kwargs: dict) -> AIMessage:
        self.calls.append((list(messages), dict(kwargs)))
        if not self.script:
            raise AssertionError(f"script exhausted after {len(self.calls) - 1} calls")
        item = self.script.pop(0)
        while True:
            if isinstance(item, Sleep):
                time.sleep(item.seconds)
                item = item.item
                continue
            if isinstance(item, BaseException):
                raise item
            if callable(item) and not isinstance(item, (str, AIMessage)):
                item = item(messages, kwargs)
                continue
            return item if isinstance(item, AIMessage) else AIMessage(content=str(item))

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages, kwargs))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        message = self._next(messages, kwargs)
        text = message.content if isinstance(message.content, str) else message.text
        for i in range(0, len(text), self.chunk_size):
            if self.chunk_delay_s:
                time.sleep(self.chunk_delay_s)
            yield ChatGenerationChunk(message=AIMessageChunk(content=text[i:i + self.chunk_size]))
