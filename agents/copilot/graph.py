"""Copilot graph wiring (no logic here) and its one-call entry point.

    START → start ─┬─ model ──→ agent ─┬─ tool calls → tools ─┬─→ agent (≤ max_steps)
                   │                   │                       └─→ check
                   │                   ├─ text ─────────────────→ check ─┬─ grounded → finish
                   │                   └─ failure ─→ route ─→ finish     └─ no facts → route
                   └─ no model ──────────────────→ route ─→ finish → END
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.graph import END, START, StateGraph

from agents.copilot.nodes import CopilotContext, Nodes, to_answer
from agents.copilot.schemas import CopilotAnswer
from agents.copilot.state import CopilotState
from agents.copilot.tools import CopilotTools


def build_copilot(tools: CopilotTools, model: Any = None, *, timeout_s: float = 20.0,
                  total_timeout_s: float | None = None, max_steps: int = 3, checkpointer: Any = None):
    """The compiled copilot graph. ``model`` None → keyword routing only (the embedded default)."""
    nodes = Nodes(CopilotContext(tools=tools, model=model, timeout_s=timeout_s,
                                 total_timeout_s=total_timeout_s or 3 * timeout_s, max_steps=max_steps))
    g = StateGraph(CopilotState)
    for name in ("start", "agent", "tools", "route", "check", "finish"):
        g.add_node(name, getattr(nodes, name))
    g.add_edge(START, "start")
    g.add_conditional_edges("start", nodes.entry)
    g.add_conditional_edges("agent", nodes.after_agent)
    g.add_conditional_edges("tools", nodes.after_tools)
    g.add_conditional_edges("check", nodes.after_check)
    g.add_edge("route", "finish")
    g.add_edge("finish", END)
    return g.compile(checkpointer=checkpointer, name="copilot")


def ask(graph: Any, question: str, history: Sequence[Any] = ()) -> CopilotAnswer:
    """One staff request (with optional earlier messages) → the copilot's typed answer."""
    question = (question or "").strip()
    if not question:
        raise ValueError("question: must not be empty")
    state = graph.invoke({"messages": [*history, HumanMessage(content=question)], "tools_used": []})
    return to_answer(state)
