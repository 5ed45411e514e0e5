"""What the nodes need (built once per process) and what one turn records (timings, query vector).

``CsDeps`` is the typed configuration object the graph is built with; ``TurnContext`` is LangGraph's
per-run context: it is not checkpointed, so the query embedding and timings never reach the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tools.cs_accounts import AccountStore
from tools.cs_guard import CsGuard
from tools.cs_policy import CsCompliance

from agents.customer_service.faq_match import FaqMatcher
from agents.customer_service.understand import ProductLexicon


@dataclass
class CsDeps:
    compliance: CsCompliance
    guard: CsGuard
    matcher: FaqMatcher
    lexicon: ProductLexicon
    kb: Any = None  # kb.service.KnowledgeBase (search(query, k) -> list[Passage]) or None
    llm: Any = None
    accounts: AccountStore | None = None
    embed_query: Callable[[str], np.ndarray] | None = None
    #: maps the turn's query vector into the KB's vector space (same embedder, or the same base under a
    #: linear adapter); None when it cannot, and the KB embeds the query itself
    kb_vector: Callable[[np.ndarray], np.ndarray] | None = None
    llm_timeout_s: float = 20.0
    kb_k: int = 5
    passage_min_overlap: float = 0.5  # share of the query's content bigrams a passage (and a quoted sentence) must contain
    #: customer-facing document types; industry research and internal policies are staff material
    answer_doc_types: tuple[str, ...] = ("faq", "product")
    max_sources: int = 3


@dataclass
class TurnContext:
    timings: dict[str, float] = field(default_factory=dict)
    query_vec: np.ndarray | None = None
    llm: str = "none"  # "llm" when a model wrote part of the turn, "fallback" when it failed

    def mark_llm(self, source: str) -> None:
        if source == "llm" and self.llm != "fallback":
            self.llm = "llm"
        elif source == "fallback":
            self.llm = "fallback"
