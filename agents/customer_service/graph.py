"""Wiring of the customer-service graph (no logic here).

    guard ─┬─ refuse ───────────────────────────────────────────┐
           ├─ pending (already handed off) ─────────────────────┤
           └─ understand ─┬─ request_handoff ─ handoff ─────────┤
                          ├─ chitchat ──────────────────────────┤
                          ├─ account ─┐                         ├─ finish → END
                          └─ retrieve ─ answer ─┴─ check ─┬─ handoff ┘
                                                          └──────────┘
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from agents.customer_service.context import CsDeps, TurnContext
from agents.customer_service.nodes import AnswerNodes, CsNodes
from agents.customer_service.state import CsState


def build_graph(deps: CsDeps, checkpointer: Any = None):
    n, a = CsNodes(deps), AnswerNodes(deps)
    g = StateGraph(CsState, context_schema=TurnContext)
    g.add_node("guard", n.guard)
    g.add_node("refuse", n.refuse)
    g.add_node("pending", n.pending)
    g.add_node("understand", n.understand)
    g.add_node("request_handoff", n.request_handoff)
    g.add_node("chitchat", n.chitchat)
    g.add_node("account", n.account)
    g.add_node("retrieve", n.retrieve)
    g.add_node("answer", a.answer)
    g.add_node("check", a.check)
    g.add_node("handoff", a.handoff)
    g.add_node("finish", n.finish)

    g.add_edge(START, "guard")
    g.add_conditional_edges("guard", n.route_guard, ["pending", "refuse", "understand"])
    g.add_conditional_edges("understand", n.route_intent,
                            {"handoff": "request_handoff", "chitchat": "chitchat", "account": "account",
                             "retrieve": "retrieve"})
    g.add_edge("request_handoff", "handoff")
    g.add_edge("retrieve", "answer")
    g.add_edge("answer", "check")
    g.add_edge("account", "check")
    g.add_conditional_edges("check", a.route_check, ["handoff", "finish"])
    for node in ("refuse", "pending", "chitchat", "handoff"):
        g.add_edge(node, "finish")
    g.add_edge("finish", END)
    return g.compile(checkpointer=checkpointer, name="customer_service")
