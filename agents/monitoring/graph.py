"""Wiring only: the monthly monitoring run and the field-note flow."""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from agents.monitoring import nodes
from agents.monitoring.context import MonitoringContext
from agents.monitoring.state import MonitorState, NoteState


def build_graph():
    g = StateGraph(MonitorState, context_schema=MonitoringContext)
    for name in ("load_book", "industry", "screen", "score", "dispose", "persist"):
        g.add_node(name, getattr(nodes, name))
    g.add_edge(START, "load_book")
    g.add_edge("load_book", "industry")
    g.add_edge("industry", "screen")
    g.add_edge("screen", "score")
    g.add_edge("score", "dispose")
    g.add_edge("dispose", "persist")
    g.add_edge("persist", END)
    return g.compile()


def build_note_graph():
    g = StateGraph(NoteState, context_schema=MonitoringContext)
    for name in ("validate_note", "attach", "propose"):
        g.add_node(name, getattr(nodes, name))
    g.add_edge(START, "validate_note")
    g.add_edge("validate_note", "attach")
    g.add_edge("attach", "propose")
    g.add_edge("propose", END)
    return g.compile()
