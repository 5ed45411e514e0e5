"""Wiring of the chain-map graph (no logic here: see nodes.py). Routers return Literal names.

validate ─┬─ errors → END
          └─ extract → link ─┬─ linked → position → profile
                             └─ unknown ──────────→ profile → screen → strategies → prose → report → END
"""

from __future__ import annotations

from typing import Literal

from langgraph.graph import END, START, StateGraph

from agents.chain_map import nodes
from agents.chain_map.context import ChainMapContext
from agents.chain_map.state import ChainMapState


def after_validate(state: ChainMapState) -> Literal["extract", "__end__"]:
    return "__end__" if state.get("errors") else "extract"


def after_link(state: ChainMapState) -> Literal["position", "profile"]:
    return "position" if state["placement"].verdict == "linked" else "profile"


def build_graph():
    g = StateGraph(ChainMapState, context_schema=ChainMapContext)
    for name in ("validate", "extract", "link", "position", "profile", "screen", "strategies", "prose", "report"):
        g.add_node(name, getattr(nodes, name))
    g.add_edge(START, "validate")
    g.add_conditional_edges("validate", after_validate)
    g.add_edge("extract", "link")
    g.add_conditional_edges("link", after_link)
    g.add_edge("position", "profile")
    g.add_edge("profile", "screen")
    g.add_edge("screen", "strategies")
    g.add_edge("strategies", "prose")
    g.add_edge("prose", "report")
    g.add_edge("report", END)
    return g.compile()
