"""Wiring of the loan-review graph (no logic here: see nodes.py). Routers return Literal names.

enrich → check_policy → score → limit_price → decide → draft_memo → audit ─┬─ decided → END
                                                                          └─ referred → human_review
human_review (interrupt; resumed by a reviewer) → finalize_memo → audit → END
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.graph import START, StateGraph

from agents.loan_review import nodes
from agents.loan_review.context import LoanReviewContext
from agents.loan_review.state import LoanReviewState


def after_audit(state: LoanReviewState) -> Literal["human_review", "__end__"]:
    return "human_review" if state["system_decision"] == "refer" and not state.get("review") else "__end__"


def build_graph(checkpointer: Any | None = None):
    """Compile the graph; a checkpointer (SqliteSaver) is needed for the human-review interrupt."""
    g = StateGraph(LoanReviewState, context_schema=LoanReviewContext)
    order = ["enrich", "check_policy", "score", "limit_price", "decide", "draft_memo", "audit"]
    for name in order + ["human_review", "finalize_memo"]:
        g.add_node(name, getattr(nodes, name))
    g.add_edge(START, "enrich")
    for a, b in zip(order, order[1:]):
        g.add_edge(a, b)
    g.add_conditional_edges("audit", after_audit)
    g.add_edge("human_review", "finalize_memo")
    g.add_edge("finalize_memo", "audit")
    return g.compile(checkpointer=checkpointer)
