"""Composition of the bot's dependencies (``CsDeps``) from explicit parts: corpus, embedder, KB, model,
account store. ``CsService.from_services`` (service.py) feeds it the process's shared services."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agents.customer_service.context import CsDeps
from agents.customer_service.doc_answers import DocAnswerer
from agents.customer_service.faq_match import FaqMatcher, MatchParams, load_params, with_threshold
from agents.customer_service.memo import MemoKB, MemoMatcher
from agents.customer_service.understand import ProductLexicon
from kb.faq_scope import Branding, load_scope, scope_entries
from kb.faq_threshold import threshold_status
from kb.linking.linker import EntityLinker
from kb.schema import FaqEntry
from tools.cs.accounts import AccountStore
from tools.cs.guard import CsGuard
from tools.cs.guard_patterns import ATTACK_EXEMPLARS
from tools.cs.policy import load_cs_compliance

log = logging.getLogger(__name__)
DEMO_ACCOUNTS = Path(__file__).resolve().parents[2] / "tools" / "data" / "cs_demo_accounts.json"


def build_deps(corpus: Any, *, embedder: Any = None, kb: Any = None, llm: Any = None,
               accounts: AccountStore | None = None, params: MatchParams | None = None,
               llm_timeout_s: float = 20.0, memo: int = 0, faqs: Sequence[FaqEntry] | None = None,
               branding: Branding | None = None) -> CsDeps:
    """``embedder`` is a kb.retrieval.embeddings.Embedder (``embed(texts, role)``, ``embed_one``, ``model_id``).
    ``memo``: FAQ-match and KB-search results kept per query text (agents/customer_service/memo.py; 0 = off).
    ``faqs``: replace mode (kb/faq_scope.py) — the bot answers from these FAQ entries alone: the
    matcher holds only them, and a grounded answer may quote only their passages (no product or
    industry document of ours); compliance rules, hand-offs and disclosures stay the corpus's.
    ``branding``: replace mode with the bank's own name and hotline — the bot says them wherever it
    names the bank or its hotline (``CsCompliance.branded``)."""
    compliance = load_cs_compliance(corpus)
    if branding is not None:
        compliance = compliance.branded(branding.bank_name, branding.hotline)
    params = params or load_params(getattr(embedder, "model_id", None) if embedder is not None else None)
    embed_many = (lambda texts, role: embedder.embed(texts, role)) if embedder is not None else None
    embed_one = (lambda text: np.asarray(embedder.embed_one(text, "query"))) if embedder is not None else None
    scoped = faqs is not None
    matcher = FaqMatcher(list(faqs) if scoped else corpus.faqs, params, embed_many)
    exemplar_vecs = embed_many(ATTACK_EXEMPLARS, "query") if matcher.uses_dense else None
    guard = CsGuard(compliance, exemplar_vecs, ATTACK_EXEMPLARS, params.guard_similarity)
    kb_vector = kb_vector_map(embedder, kb)
    if memo > 0:
        matcher = MemoMatcher(matcher, memo)  # type: ignore[assignment]
        kb = MemoKB(kb, memo) if kb is not None else None
    only = dict(faq_only=frozenset(e.id for e in faqs), answer_doc_types=("faq",), kb_fetch=50) if scoped else {}
    return CsDeps(compliance=compliance, guard=guard, matcher=matcher, lexicon=ProductLexicon.from_corpus(corpus),
                  kb=kb, llm=llm, accounts=accounts, embed_query=embed_one if matcher.uses_dense else None,
                  llm_timeout_s=llm_timeout_s, kb_vector=kb_vector,
                  docs=None if scoped else DocAnswerer(corpus, industry_linker(corpus)),
                  product_categories={pid: d.meta.category for pid, d in corpus.products.items()}, **only)  # type: ignore[arg-type]


def industry_linker(corpus: Any) -> EntityLinker | None:
    """Lexical linking of the customer's trade (no model load); None for a corpus without industries
    (the bot then answers product questions from the documents and trade questions from passages)."""
    return EntityLinker.from_corpus(corpus) if corpus.industries else None


def kb_vector_map(embedder: Any, kb: Any):
    """How the bot's query vector becomes the KB's: identity when the KB embeds with the same
    embedder, the adapter's linear map when the KB's embedder is that embedder plus an adapter
    (kb/retrieval/embeddings/adapter.py), else None (the KB then embeds the query itself)."""
    kb_embedder = getattr(kb, "embedder", None)
    if embedder is None or kb_embedder is None:
        return None
    if kb_embedder is embedder:
        return lambda v: v
    adapter = getattr(kb_embedder, "adapter", None)
    if getattr(kb_embedder, "base", None) is embedder and hasattr(adapter, "apply"):
        return lambda v: adapter.apply(np.asarray(v, dtype=np.float32)[None, :])[0]
    return None


def kb_or_none(services: Any) -> Any:
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


def scoped_faqs(data_dir: Path) -> list[FaqEntry] | None:
    """The FAQ entries of replace mode (``puhui kb import-faq --replace``), or None: every FAQ entry.
    A corrupt scope file or a missing import folder answers no FAQ (logged), never ours instead."""
    try:
        scope = load_scope(data_dir)
    except ValueError as exc:
        log.error("%s: answering from no FAQ", exc)
        return []
    if scope is None:
        return None
    entries, problems = scope_entries(scope)
    for p in problems[:5]:
        log.error("FAQ scope %r: %s", scope.name, p)
    log.info("replace mode: the bot answers from FAQ import %r alone (%d entries)", scope.name, len(entries))
    return entries


def embedder_or_none(services: Any) -> Any:
    """The process's embedder, or None when it cannot load (FAQ matching is then lexical-only)."""
    try:
        return services.embedder
    except Exception as exc:  # missing package or model files: degrade, do not fail the bot
        log.warning("embedder unavailable (%s): FAQ matching is lexical-only", type(exc).__name__)
        return None


def calibrated_params(data_dir: Path, entries: Sequence[FaqEntry], embedder: Any) -> MatchParams:
    """The shipped calibrated parameters, with the verbatim threshold ``puhui kb calibrate`` stored for
    exactly these FAQ entries and this embedder (kb/faq_threshold.py) when there is one. A stale one
    (the FAQ or the model changed since) or a corrupt file is ignored with a warning: the shipped
    default then applies, never a threshold measured on another FAQ."""
    embedder_id = getattr(embedder, "model_id", None) if embedder is not None else None
    params = load_params(embedder_id)
    try:
        status, record = threshold_status(data_dir, entries, embedder_id)
    except ValueError as exc:
        log.warning("%s: using the shipped verbatim threshold %.3f", exc, params.threshold)
        return params
    if status == "current" and record is not None:
        log.info("verbatim threshold %.3f calibrated for this FAQ (%s, target precision %.2f)",
                 record.threshold, record.set_at, record.target_precision)
        return with_threshold(params, record.threshold)
    if status == "stale" and record is not None:
        log.warning("stored verbatim threshold %.3f (calibrated %s on %d entries) is stale: the FAQ or the "
                    "embedder changed since; using the shipped %.3f — re-run `puhui kb calibrate`",
                    record.threshold, record.set_at, record.entries, params.threshold)
    return params
