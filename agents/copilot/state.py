"""Copilot graph state: the conversation, the tool uses of this turn, and who is driving."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

from agents.common.llm_call import Source
from agents.copilot.schemas import ToolUse


class CopilotState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    tools_used: Annotated[list[ToolUse], operator.add]
    deadline: float  # time.monotonic() by which the model must be done (total budget)
    steps: int  # model turns taken (bounded by max_steps)
    llm: Source  # "llm" while the model drives; "fallback"/"none" once the router took over
    reason: str | None
    draft: str  # the model's final text, before the grounding check
    answer: str
