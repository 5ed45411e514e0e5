"""Hybrid retrieval: dense (Chroma, e5) + lexical (BM25), fused, FAQ hits collapsed per faq_id.

The query is normalised like the corpus (``kb.textnorm.normalize``: traditional → simplified,
full-width → half-width). Each side proposes its top candidates (filters applied: ``doc_type`` and
``industry_id`` and the corpus ``source`` as a Chroma ``where`` and a BM25 mask); a candidate missing from one side scores 0
there. Passages carry the absolute cosine similarity and raw BM25 score besides the fused score,
because the fused score is relative to the candidates and cannot serve as a confidence threshold.
The fusion defaults were chosen on the UnionPay benchmark: README, "Retrieval ablations".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel

from kb.chunking import Chunk
from kb.retrieval.embeddings import Embedder
from kb.retrieval.fusion import FusionMethod, fuse
from kb.retrieval.lexical import LexicalIndex
from kb.store import ChromaStore, where_filter
from kb.textnorm import normalize

#: defaults chosen by the benchmark above
DEFAULT_FUSION: FusionMethod = "weighted"
DEFAULT_LEXICAL_WEIGHT = 0.3
DEFAULT_CANDIDATES = 50


class Passage(BaseModel):
    """One retrieved record. For FAQ hits ``title`` is the standard question, ``text`` the record
    that matched (standard/similar question or the answer) and ``answer`` the approved answer."""

    chunk_id: str
    text: str
    score: float
    doc_id: str
    doc_type: str
    title: str
    section: str
    source: str
    industry_id: str | None = None
    faq_id: str | None = None
    answer: str | None = None
    kind: str
    corpus: str = "puhui"  # the corpus root (source name) it came from: kb.sources
    dense_score: float | None = None
    lexical_score: float | None = None

    @classmethod
    def from_chunk(cls, c: Chunk, score: float, dense: float | None, lexical: float | None) -> "Passage":
        return cls(chunk_id=c.id, text=c.text, score=round(score, 6), doc_id=c.doc_id, doc_type=c.doc_type,
                   title=c.title, section=c.section, source=c.source, industry_id=c.industry_id or None,
                   faq_id=c.faq_id or None, answer=c.answer or None, kind=c.kind, corpus=c.corpus,
                   dense_score=None if dense is None else round(dense, 6),
                   lexical_score=None if lexical is None else round(lexical, 6))


@dataclass
class Snapshot:
    """An immutable view of the indexed chunks, aligned with the lexical index's order.

    For filtered dense search it also holds the chunk vectors (fetched from the store on the first
    filtered query) and the per-filter sub-matrices, so a filter costs a small matmul instead of
    Chroma's metadata filter (~22 ms for 4.7k matching chunks of 12k, vs ~1 ms here).
    """

    lexical: LexicalIndex
    chunks: dict[str, Chunk]
    doc_types: np.ndarray = field(init=False)
    industries: np.ndarray = field(init=False)
    corpora: np.ndarray = field(init=False)
    _vectors: np.ndarray | None = field(init=False, default=None)
    _subsets: dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = field(init=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        ordered = [self.chunks[i] for i in self.lexical.ids]
        self.doc_types = np.array([c.doc_type for c in ordered], dtype=object)
        self.industries = np.array([c.industry_id for c in ordered], dtype=object)
        self.corpora = np.array([c.corpus for c in ordered], dtype=object)

    def filtered_dense(self, vec: np.ndarray, n: int, doc_type: str | None, industry: str | None,
                       load: Callable[[list[str]], np.ndarray], source: str | None = None) -> dict[str, float]:
        """Exact cosine top-``n`` among the chunks passing the filter (vectors are normalised)."""
        key = (doc_type or "", industry or "", source or "")
        with self._lock:
            if self._vectors is None:
                self._vectors = load(self.lexical.ids)
            if key not in self._subsets:
                if len(self._subsets) > 256:
                    self._subsets.clear()
                mask = self.mask(doc_type, industry, source)
                idx = np.flatnonzero(mask) if mask is not None else np.arange(len(self.lexical.ids))
                self._subsets[key] = (idx, np.ascontiguousarray(self._vectors[idx]))
            idx, mat = self._subsets[key]
        if not len(idx):
            return {}
        sims = mat @ np.asarray(vec, dtype=np.float32)
        top = np.argpartition(-sims, min(n, len(sims)) - 1)[:n]
        return {self.lexical.ids[idx[i]]: float(sims[i]) for i in top}

    @classmethod
    def empty(cls) -> "Snapshot":
        return cls(LexicalIndex(), {})

    def mask(self, doc_type: str | None, industry: str | None, source: str | None = None) -> np.ndarray | None:
        if not doc_type and not industry and not source:
            return None
        keep = np.ones(len(self.lexical.ids), dtype=bool)
        if doc_type:
            keep &= self.doc_types == doc_type
        if industry:
            keep &= self.industries == industry
        if source:
            keep &= self.corpora == source
        return keep.astype(np.float32)


class HybridRetriever:
    """Stateless per call (safe for concurrent requests); ``snapshot`` is swapped atomically."""

    def __init__(self, store: ChromaStore, embedder: Embedder, snapshot: Snapshot, *,
                 fusion: FusionMethod = DEFAULT_FUSION, lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
                 candidates: int = DEFAULT_CANDIDATES, rrf_k: int = 60) -> None:
        if not 0.0 <= lexical_weight <= 1.0:
            raise ValueError("lexical_weight must be within [0, 1]")
        self.store, self.embedder, self.snapshot = store, embedder, snapshot
        self.fusion, self.lexical_weight, self.n_candidates, self.rrf_k = fusion, lexical_weight, candidates, rrf_k

    def dense(self, query: str, n: int, doc_type: str | None = None, industry: str | None = None,
              source: str | None = None) -> dict[str, float]:
        """Nearest ``n`` chunks by cosine similarity, filters applied.

        Unfiltered: Chroma's ANN query (~2 ms on 12k chunks). Filtered: exact scoring of the
        matching chunks in memory (``Snapshot.filtered_dense``), because Chroma's metadata filter
        costs 10-35 ms on 12k chunks and over-fetching unfiltered fails when the filtered type is
        far from the query (FAQ questions crowd out industry passages): ``bench/query_latency.py``.
        """
        vec = self.embedder.embed_one(query, "query")
        if not doc_type and not industry and not source:
            return dict(self.store.query(vec, n))
        try:
            return self.snapshot.filtered_dense(vec, n, doc_type, industry, self.store.embeddings, source)
        except KeyError:  # the store lost vectors the manifest lists (repaired by the next ingest)
            return dict(self.store.query(vec, n, where_filter(doc_type, industry, source)))

    def lexical(self, query: str, n: int, doc_type: str | None = None, industry: str | None = None,
                source: str | None = None) -> dict[str, float]:
        snap = self.snapshot
        scores = snap.lexical.scores(query, snap.mask(doc_type, industry, source))
        if not len(scores):
            return {}
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        return {snap.lexical.ids[i]: float(scores[i]) for i in top if scores[i] > 0}

    def candidates(self, query: str, k: int = 5, doc_type: str | None = None, industry: str | None = None,
                   source: str | None = None) -> tuple[dict[str, float], dict[str, float]]:
        """(dense, lexical) candidate scores for an already-normalised query."""
        snap = self.snapshot
        n = max(self.n_candidates, 4 * k)
        dense = self.dense(query, n, doc_type, industry, source) if self.fusion != "lexical" else {}
        dense = {i: s for i, s in dense.items() if i in snap.chunks}  # ids of an ingest in progress
        lexical = self.lexical(query, n, doc_type, industry, source) if self.fusion != "dense" else {}
        return dense, lexical

    def rank(self, dense: dict[str, float], lexical: dict[str, float], k: int = 5,
             fusion: FusionMethod | None = None, lexical_weight: float | None = None) -> list[Passage]:
        """Fuse candidate scores and collapse FAQ records to the best one per faq_id."""
        snap = self.snapshot
        fused = fuse(dense, lexical, fusion or self.fusion,
                     self.lexical_weight if lexical_weight is None else lexical_weight, self.rrf_k)
        out: list[Passage] = []
        seen: set[str] = set()
        for cid in sorted(fused, key=lambda i: (-fused[i], i)):
            chunk = snap.chunks.get(cid)
            if chunk is None:
                continue
            group = f"faq:{chunk.faq_id}" if chunk.faq_id else cid
            if group in seen:
                continue
            seen.add(group)
            out.append(Passage.from_chunk(chunk, fused[cid], dense.get(cid), lexical.get(cid)))
            if len(out) == k:
                break
        return out

    def search(self, query: str, k: int = 5, doc_type: str | None = None,
               industry: str | None = None, source: str | None = None) -> list[Passage]:
        """Top ``k`` passages for ``query`` (FAQ records collapsed to the best one per faq_id)."""
        text = normalize(query).strip()
        if not text or not self.snapshot.chunks or k < 1:
            return []
        dense, lexical = self.candidates(text, k, doc_type, industry, source)
        return self.rank(dense, lexical, k)
