"""The staff copilot as one object: the compiled graph over the three assistants of this process.

``CopilotService.from_services(services)`` is what the API, the CLI, the workbench tab and langgraph.json
use: ``services.llm`` (None → keyword routing), bounded by ``settings.llm_timeout_s`` per model turn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agents.copilot.assistants import assistant_tools
from agents.copilot.graph import build_graph
from agents.copilot.nodes import to_answer
from agents.copilot.schemas import CopilotAnswer

MAX_HISTORY = 20  # earlier messages passed to the model (the keyword router reads only the question)


def history_messages(history: Iterable[Mapping[str, Any]]) -> list[BaseMessage]:
    """Chat history as ``{"role": "user"|"assistant", "content": str}`` → messages (last MAX_HISTORY)."""
    out: list[BaseMessage] = []
    for item in history:
        content = str(item.get("content") or "").strip()
        if not content:
            continue
        out.append(HumanMessage(content=content) if item.get("role") == "user" else AIMessage(content=content))
    return out[-MAX_HISTORY:]


def ask(graph: Any, question: str, history: Sequence[Any] = ()) -> CopilotAnswer:
    """One staff request (with optional earlier messages) on a compiled copilot graph → its typed answer."""
    question = (question or "").strip()
    if not question:
        raise ValueError("question: must not be empty")
    state = graph.invoke({"messages": [*history, HumanMessage(content=question)], "tools_used": []})
    return to_answer(state)


class CopilotService:
    def __init__(self, graph: Any):
        self.graph = graph

    @classmethod
    def from_services(cls, services: Any) -> "CopilotService":
        """The process-wide copilot, compiled once."""
        return services.cached("copilot.service", lambda: cls(build_graph(
            assistant_tools(services), services.llm, timeout_s=services.settings.llm_timeout_s)))

    def ask(self, question: str, history: Iterable[Mapping[str, Any]] = ()) -> CopilotAnswer:
        """One staff request → the copilot's answer. Raises ValueError for an empty question."""
        return ask(self.graph, question, history_messages(history))
