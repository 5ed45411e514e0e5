"""Wiring of the campaign graph (logic in nodes.py):

link → screen → learn → score → allocate → END
"""

from __future__ import annotations

from langgraph.graph import START, StateGraph

from agents.campaign import nodes
from agents.campaign.context import CampaignContext
from agents.campaign.state import CampaignState

ORDER = ("link", "screen", "learn", "score", "allocate")


def build_graph():
    """Compile the graph; no checkpointer (a batch run over in-memory tables, see state.py)."""
    g = StateGraph(CampaignState, context_schema=CampaignContext)
    for name in ORDER:
        g.add_node(name, getattr(nodes, name))
    g.add_edge(START, ORDER[0])
    for a, b in zip(ORDER, ORDER[1:]):
        g.add_edge(a, b)
    return g.compile()
