"""KB retrieval for the bot, reusing the query vector the turn already computed.

``KnowledgeBase.search`` embeds its query itself; the bot has already embedded the same normalised
text once (guard + FAQ matching), and on a 2-core machine a second e5 call is the largest single
cost of a turn that falls through to retrieval. The caller passes a vector only in the KB's vector space
(CsDeps.kb_vector: the same embedder, or its base under the KB's linear adapter). With a vector, this runs the KB's own candidate,
fusion and FAQ-collapsing steps (HybridRetriever's public methods) around it; anything else (a fake
KB, a retriever without those methods, lexical-only fusion) goes through ``kb.search``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.customer_service.memo import MemoKB
from kb.textnorm import normalize


def search(kb: Any, query: str, k: int, vector: np.ndarray | None = None) -> list[Any]:
    if isinstance(kb, MemoKB):  # the same question again: the passages of the last time (same index)
        return kb.memoized(query, k, vector is not None, lambda: _search(kb.kb, query, k, vector))
    return _search(kb, query, k, vector)


def _search(kb: Any, query: str, k: int, vector: np.ndarray | None) -> list[Any]:
    retriever = getattr(kb, "retriever", None)
    needed = ("store", "snapshot", "lexical", "rank", "fusion", "n_candidates")
    if vector is None or retriever is None or not all(hasattr(retriever, a) for a in needed) \
            or retriever.fusion in ("lexical", "dense"):
        return kb.search(query, k=k)
    text = normalize(query).strip()
    snap = retriever.snapshot
    if not text or not snap.chunks:
        return []
    n = max(retriever.n_candidates, 4 * k)
    dense = {i: s for i, s in retriever.store.query(np.asarray(vector, dtype=np.float32), n, None) if i in snap.chunks}
    return retriever.rank(dense, retriever.lexical(text, n), k)
