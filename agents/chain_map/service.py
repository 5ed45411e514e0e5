"""The chain-map assistant as one object: the per-process context plus the compiled graph.

``ChainMapService.from_services(services)`` is what the API, the workbench, the CLI, the copilot and the
eval use; ``run_chain_map(raw, context)`` runs the same graph over an explicit context (tests, benchmarks).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from agents.chain_map.brief import IndustryBrief, build_brief
from agents.chain_map.context import ChainMapContext, build_context
from agents.chain_map.graph import build_graph
from agents.chain_map.schemas import ChainMapErrors, ChainMapResult
from tools.monitoring.tracking import IndustryTracking, corpus_profiles, open_tracking_db

log = logging.getLogger("puhui.chain_map")


@lru_cache(maxsize=1)
def compiled():
    """The compiled graph (compiled once per process; it holds no per-request data)."""
    return build_graph()


def run_chain_map(raw: Any, context: ChainMapContext) -> ChainMapResult | ChainMapErrors:
    """Run the assistant on a request dict; field errors come back as ChainMapErrors, never raised."""
    out = compiled().invoke({"raw": raw, "llm": {}, "llm_reasons": {}, "warnings": []}, context=context)
    if out.get("errors"):
        return ChainMapErrors(errors=out["errors"])
    return out["result"]


class ChainMapService:
    def __init__(self, context: ChainMapContext):
        self.context = context

    @classmethod
    def from_services(cls, services: Any) -> "ChainMapService":
        """The shared service of one process (server, CLI), built once from its Services.

        Uses the configured embedder for enterprise linking when it can be built; linking falls back to
        the dictionary signal (and says so in the log) when it cannot, e.g. when no model is installed.
        """

        def build() -> ChainMapService:
            embedder = None
            try:
                candidate = services.embedder
                if hasattr(candidate, "embed_query") and hasattr(candidate, "embed_documents"):
                    embedder = candidate
            except Exception as exc:  # a missing/broken embedding model must not take the assistant down
                log.warning("chain map: linking without embeddings (%s)", exc)
            ctx = build_context(services.corpus, services.graph, embedder=embedder, chat_model=services.llm,
                                llm_timeout_s=services.settings.llm_timeout_s)
            try:  # issue #15: profile versions and indicator signals; the map works without them
                ctx.tracking = IndustryTracking(open_tracking_db(services.database, services.settings.data_dir),
                                                corpus_profiles(services.corpus)).lookup
            except Exception as exc:
                log.warning("chain map: industry tracking unavailable (%s)", exc)
            return cls(ctx)

        return services.cached("chain_map", build)

    def run(self, raw: Any) -> ChainMapResult | ChainMapErrors:
        return run_chain_map(raw, self.context)

    def brief(self, segment_id: str, kb: Any = None) -> IndustryBrief:
        """The standard industry brief; raises brief.UnknownSegment (with the nearest ids)."""
        return build_brief(self.context, segment_id, kb)
