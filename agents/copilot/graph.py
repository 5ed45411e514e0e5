"""Copilot graph wiring (no logic here).

    START → start ─┬─ model ──→ agent ─┬─ tool calls → tools ─┬─→ agent (≤ max_steps)
                   │                   │                       └─→ check
                   │                   ├─ text ─────────────────→ check ─┬─ grounded → finish
                   │                   └─ failure ─→ route ─→ finish     └─ no facts → route
                   └─ no model ──────────────────→ route ─→ finish → END
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from agents.copilot.context import CopilotContext
from agents.copilot.nodes import Nodes
from agents.copilot.state import CopilotState
from agents.copilot.tools import CopilotTools


def build_graph(tools: CopilotTools, model: Any = None, *, timeout_s: float = 20.0,
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
