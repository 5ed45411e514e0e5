"""Everything the chain-map graph needs at run time, built once per process (LangGraph ``context``).

Nodes receive it as ``runtime.context``; nothing here reads settings or the environment: the
composition root (app.py services, the CLI, the benchmark) passes corpus, graph, embedder and model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from agents.chain_map.places import known_places
from kb.corpus import Corpus
from kb.gbt import load_gbt_codes
from kb.linking.linker import EntityLinker
from kb.schema import IndustryDoc, ProductDoc
from tools.credit.policy import CreditPolicy
from tools.monitoring.tracking import SegmentTracking
from tools.txn.chain import Distance, Resolver, corpus_resolver, graph_distance, support_segments
from tools.txn.flags import ScreeningParams

log = logging.getLogger("puhui.chain_map")


@dataclass
class ChainMapContext:
    corpus: Corpus
    graph: nx.MultiDiGraph
    linker: EntityLinker  # dictionary signal only: fast, decides the clear cases
    industries: dict[str, IndustryDoc]
    products: list[ProductDoc]
    distance: Distance
    counterparty_resolver: Resolver
    universal: frozenset[str]
    places: list[str]
    gbt_names: dict[str, str] = field(default_factory=dict)
    chat_model: Any | None = None
    llm_timeout_s: float = 20.0
    params: ScreeningParams = field(default_factory=ScreeningParams)
    industry_access: Callable[[str], str | None] | None = None
    semantic_linker: EntityLinker | None = None  # + embeddings: consulted only when the dictionary is unsure
    tracking: Callable[[str], SegmentTracking | None] | None = None  # issue #15: profile version + indicator signals

    def track(self, segment_id: str | None) -> SegmentTracking | None:
        """The segment's tracking state; a store failure costs only the version line and the signals."""
        if not segment_id or self.tracking is None:
            return None
        try:
            return self.tracking(segment_id)
        except Exception as exc:  # tracking is advisory: the map and the brief still render without it
            log.warning("industry tracking unavailable for %s: %s", segment_id, exc)
            return None

    def body(self, segment_id: str, tracked: SegmentTracking | None = None) -> str:
        if tracked is not None and tracked.edited_body is not None:
            return tracked.edited_body
        doc = self.corpus.industries.get(segment_id)
        return doc.body if doc else ""


def policy_access(corpus: Corpus) -> Callable[[str], str | None] | None:
    """industry_access (鼓励/适度/审慎/禁止) per segment from the credit policy document, when valid."""
    doc = corpus.policy("credit")
    if doc is None:
        return None
    try:
        return CreditPolicy.from_doc(doc).access_of
    except ValueError as exc:  # a broken policy leaves the fact unknown, it is not invented
        log.warning("credit policy unusable for industry_access: %s", exc)
        return None


def build_context(corpus: Corpus, graph: nx.MultiDiGraph, embedder: Any | None = None, chat_model: Any | None = None,
                  llm_timeout_s: float = 20.0, gbt_names: dict[str, str] | None = None,
                  industry_access: Callable[[str], str | None] | None = None) -> ChainMapContext:
    """``embedder`` (embed_query/embed_documents) helps link enterprises the dictionary is unsure about
    (positioning.link_enterprise decides when; an embedding costs ~100 ms, so clear cases skip it).
    Counterparties are linked
    with the fast dictionary linker (tools.txn.chain.corpus_resolver, ~1 ms per text): a statement
    names dozens of them, kb.linking takes ~25 ms each, and the budget is 200 ms for 500 transactions.
    bench/txn_screening.py measures both linkers (``--linker corpus|kb``)."""
    industries = {k: d.meta for k, d in corpus.industries.items()}  # type: ignore[misc]
    if not industries:
        raise ValueError(f"the corpus at {corpus.root} has no industries")
    regions = [r for d in industries.values() for r in d.regions]
    if industry_access is None:
        industry_access = policy_access(corpus)
    return ChainMapContext(
        corpus=corpus, graph=graph, linker=EntityLinker(industries.values()),
        semantic_linker=EntityLinker(industries.values(), embedder=embedder) if embedder is not None else None,
        industries=industries, products=[d.meta for d in corpus.products.values()],  # type: ignore[misc]
        distance=graph_distance(graph), counterparty_resolver=corpus_resolver(industries),
        universal=support_segments(industries), places=known_places(regions),
        gbt_names=gbt_names if gbt_names is not None else load_gbt_codes(), chat_model=chat_model,
        llm_timeout_s=llm_timeout_s, industry_access=industry_access)
