"""Wiring of the QA inspection graph: rules → review → report."""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from agents.qa_inspection.nodes import QaNodes
from agents.qa_inspection.state import QaState


def build_graph(nodes: QaNodes):
    g = StateGraph(QaState)
    g.add_node("rules", nodes.rules)
    g.add_node("review", nodes.review)
    g.add_node("report", nodes.report)
    g.add_edge(START, "rules")
    g.add_edge("rules", "review")
    g.add_edge("review", "report")
    g.add_edge("report", END)
    return g.compile()
