"""Composition of the bot from explicit parts (corpus, embedder, KB, model, account store).

``bot_from_services`` is what the server, CLI and eval use: one bot per process, built on first use.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from tools.cs_accounts import AccountStore
from tools.cs_guard import CsGuard
from tools.cs_guard_patterns import ATTACK_EXEMPLARS
from tools.cs_policy import load_cs_compliance

from agents.customer_service.faq_match import FaqMatcher, MatchParams, load_params
from agents.customer_service.runtime import CsDeps
from agents.customer_service.service import CsBot
from agents.customer_service.understand import ProductLexicon

log = logging.getLogger(__name__)
DEMO_ACCOUNTS = Path(__file__).resolve().parents[2] / "tools" / "data" / "cs_demo_accounts.json"


def build_deps(corpus: Any, *, embedder: Any = None, kb: Any = None, llm: Any = None,
               accounts: AccountStore | None = None, params: MatchParams | None = None,
               llm_timeout_s: float = 20.0) -> CsDeps:
    """``embedder`` is a kb.embeddings.Embedder (``embed(texts, role)``, ``embed_one``, ``model_id``)."""
    compliance = load_cs_compliance(corpus)
    params = params or load_params(getattr(embedder, "model_id", None) if embedder is not None else None)
    embed_many = (lambda texts, role: embedder.embed(texts, role)) if embedder is not None else None
    embed_one = (lambda text: np.asarray(embedder.embed_one(text, "query"))) if embedder is not None else None
    matcher = FaqMatcher(corpus.faqs, params, embed_many)
    exemplar_vecs = embed_many(ATTACK_EXEMPLARS, "query") if matcher.uses_dense else None
    guard = CsGuard(compliance, exemplar_vecs, ATTACK_EXEMPLARS, params.guard_similarity)
    return CsDeps(compliance=compliance, guard=guard, matcher=matcher, lexicon=ProductLexicon.from_corpus(corpus),
                  kb=kb, llm=llm, accounts=accounts, embed_query=embed_one if matcher.uses_dense else None,
                  llm_timeout_s=llm_timeout_s, kb_vector=kb_vector_map(embedder, kb))


def kb_vector_map(embedder: Any, kb: Any):
    """How the bot's query vector becomes the KB's: identity when the KB embeds with the same
    embedder, the adapter's linear map when the KB's embedder is that embedder plus an adapter
    (kb/embeddings/adapter.py), else None (the KB then embeds the query itself)."""
    kb_embedder = getattr(kb, "embedder", None)
    if embedder is None or kb_embedder is None:
        return None
    if kb_embedder is embedder:
        return lambda v: v
    adapter = getattr(kb_embedder, "adapter", None)
    if getattr(kb_embedder, "base", None) is embedder and hasattr(adapter, "apply"):
        return lambda v: adapter.apply(np.asarray(v, dtype=np.float32)[None, :])[0]
    return None


def _kb_or_none(services: Any) -> Any:
    """The knowledge base when its index exists; the bot still answers FAQs without it."""
    try:
        kb = services.kb
        built = getattr(kb, "is_built", None)
        if callable(built) and not built():
            log.warning("KB index not built: grounded answers disabled until `puhui ingest`")
            return None
        return kb
    except Exception as exc:  # missing module, store error: degrade, do not fail the bot
        log.warning("KB unavailable (%s: %s): grounded answers disabled", type(exc).__name__, exc)
        return None


def bot_from_services(services: Any, accounts_path: Path | None = None) -> CsBot:
    """The process-wide bot: checkpoints in services.checkpointer_path; account records from
    ``accounts_path`` or data_dir/cs_accounts.json when present."""

    def build() -> CsBot:
        path = accounts_path or services.settings.data_dir / "cs_accounts.json"
        accounts = AccountStore.from_json(path) if path.exists() else None
        try:
            embedder = services.embedder
        except Exception as exc:
            log.warning("embedder unavailable (%s): FAQ matching is lexical-only", type(exc).__name__)
            embedder = None
        deps = build_deps(services.corpus, embedder=embedder, kb=_kb_or_none(services), llm=services.llm,
                          accounts=accounts, llm_timeout_s=services.settings.llm_timeout_s)
        return CsBot(deps, services.checkpointer_path)

    return services.cached("cs.bot", build)
