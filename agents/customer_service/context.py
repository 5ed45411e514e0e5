"""What the nodes need (built once per process) and what one turn records (timings, query vector).

``CsDeps`` is the typed configuration object the graph is built with; ``TurnContext`` is LangGraph's
per-run context: it is not checkpointed, so the query embedding and timings never reach the database.
It also carries the optional live sink of a streaming client: with one, the grounded answer is sent
sentence by sentence as the model writes it (each sentence checked first), and ``streamed`` records
what was sent, which later nodes may only append to.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agents.customer_service.compose import reply_text
from agents.customer_service.doc_answers import DocAnswerer
from agents.customer_service.faq_match import FaqMatcher
from agents.customer_service.schemas import BotReply
from agents.customer_service.understand import ProductLexicon
from tools.cs.accounts import AccountStore
from tools.cs.guard import CsGuard
from tools.cs.policy import CsCompliance

log = logging.getLogger(__name__)


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
    #: document types the grounded answer may quote. Industry documents answer "is there a loan for my
    #: trade" (issue #17); the policy documents of this corpus are internal (credit rules, QA rubric)
    answer_doc_types: tuple[str, ...] = ("faq", "product", "industry")
    max_sources: int = 3
    #: answers from product/industry documents when no FAQ answers verbatim (doc_answers.py)
    docs: DocAnswerer | None = None
    product_categories: dict[str, str] = field(default_factory=dict)  # product id → category (topic check)
    #: replace mode (kb/faq_scope.py): the FAQ ids the bot may answer from, verbatim or by quoting a
    #: retrieved FAQ passage; None = every FAQ entry and document of the knowledge base
    faq_only: frozenset[str] | None = None
    #: KB passages fetched per turn before filtering by document type (and by ``faq_only``)
    kb_fetch: int = 10

    def reply(self, path: str, **values: str) -> str:
        """Fixed wording (replies.yaml) naming this bot's bank and hotline: the one place they are
        filled from — the compliance policy, which replace mode brands (kb/faq_scope.py)."""
        values.setdefault("hotline", self.compliance.official_hotline)
        return reply_text(path, bank=self.compliance.bank_name, **values)

    def may_quote(self, doc_type: str, faq_id: str | None) -> bool:
        """A retrieved passage the grounded answer may use."""
        if doc_type not in self.answer_doc_types:
            return False
        return self.faq_only is None or (doc_type == "faq" and faq_id in self.faq_only)


@dataclass
class TurnContext:
    timings: dict[str, float] = field(default_factory=dict)
    query_vec: np.ndarray | None = None
    llm: str = "none"  # "llm" when a model wrote part of the turn, "fallback" when it failed
    llm_reason: str | None = None  # why it failed: the first fallback's LlmResult.reason
    #: live text for a streaming client (called from the turn's worker thread); None: nothing is live
    on_delta: Callable[[str], None] | None = None
    #: called once before the first live delta with the reply being streamed (text empty; outcome,
    #: intent, candidate sources and confidence set), so a client can get its metadata first
    on_start: Callable[[BotReply], None] | None = None
    #: the reply text already sent live: the customer has read it, so it is never rewritten
    streamed: str = ""

    def timed(self, name: str, t0: float) -> None:
        """Add the milliseconds since ``t0`` (a perf_counter reading) to this turn's ``name`` timing."""
        self.timings[name] = self.timings.get(name, 0.0) + (time.perf_counter() - t0) * 1000

    @property
    def live(self) -> bool:
        return self.on_delta is not None

    def start(self, draft: BotReply) -> None:
        if self.on_start is not None:
            try:
                self.on_start(draft)
            except Exception:  # a failing client must not fail (and so lose) the turn
                log.warning("live start hook failed; the turn continues", exc_info=True)
                self.on_start = None

    def emit(self, text: str) -> None:
        """Send live text. ``streamed`` records it even when the client is gone: the turn finishes
        and is saved whatever happens to the connection."""
        self.streamed += text
        if self.on_delta is not None:
            try:
                self.on_delta(text)
            except Exception:
                log.warning("live delta sink failed; the rest of the turn is not streamed", exc_info=True)
                self.on_delta = None

    def mark_llm(self, source: str, reason: str | None = None) -> None:
        """Record one model call of the turn. A fallback anywhere makes the turn a fallback, and the
        first fallback's reason is the turn's: later calls ran on its deterministic result."""
        if source == "llm" and self.llm != "fallback":
            self.llm = "llm"
        elif source == "fallback":
            if self.llm != "fallback":
                self.llm_reason = reason
            self.llm = "fallback"
