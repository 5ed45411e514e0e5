"""``KnowledgeBase``: embedder + Chroma store + BM25 + retriever for one index directory.

What the API, the CLI, the UI and the agents' tools hold. Constructing it is cheap (no model, no
client, no disk read); the index is loaded on the first search. It is safe to share across request
threads: searches read an immutable snapshot; ``ingest`` runs under a lock and swaps in a new
snapshot when done. An ingest by another process (``puhui ingest`` beside a running server) is
noticed through the BM25 folder, which every ingest rewrites last, and the snapshot is reloaded.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from kb.ingest import IngestReport, ingest, rebuild_lexical
from kb.manifest import IndexPaths, Manifest, generation
from kb.progress import ProgressFn, RichProgress
from kb.retrieval.embeddings import Embedder
from kb.retrieval.fusion import FusionMethod
from kb.retrieval.lexical import LexicalIndex, Tokenizer
from kb.retrieval.retrieve import DEFAULT_FUSION, DEFAULT_LEXICAL_WEIGHT, HybridRetriever, Passage, Snapshot
from kb.sources import CorpusRoot
from kb.store import ChromaStore


class KBStats(BaseModel):
    collection: str
    embedder: str
    vector_store: str
    lexical: str
    files: int
    chunks: int
    by_doc_type: dict[str, int]
    by_kind: dict[str, int]
    by_source: dict[str, int] = {}


class KnowledgeBase:
    """One searchable knowledge base: ``chroma_mode="server"`` talks to ``chroma run`` at
    ``chroma_host:chroma_port``; ``"embedded"`` keeps Chroma in ``index_dir/chroma``."""

    def __init__(self, *, index_dir: Path | str, embedder: Embedder, corpus_dir: Path | str | None = None,
                 collection: str = "puhui-kb", chroma_mode: Literal["embedded", "server"] = "embedded",
                 chroma_host: str = "127.0.0.1", chroma_port: int = 8001, tokenizer: Tokenizer = "char", fusion: FusionMethod = DEFAULT_FUSION,
                 lexical_weight: float = DEFAULT_LEXICAL_WEIGHT, faq_answers: bool = True,
                 extra_roots: list[CorpusRoot] | tuple[CorpusRoot, ...] = ()) -> None:
        self.index_dir = Path(index_dir)
        self.corpus_dir = Path(corpus_dir) if corpus_dir else None
        self.extra_roots = tuple(extra_roots)  # other corpus roots indexed beside corpus_dir (kb.sources)
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.faq_answers = faq_answers
        if chroma_mode not in ("embedded", "server"):
            raise ValueError(f"chroma_mode must be 'embedded' or 'server', got {chroma_mode!r}")
        server = chroma_mode == "server"
        self.store = ChromaStore(embedder, path=None if server else self.index_dir / "chroma",
                                 host=chroma_host if server else None, port=chroma_port, collection=collection)
        self.paths = IndexPaths(self.index_dir, self.store.name)
        self.manifest = Manifest(self.paths.manifest)
        self._fusion, self._lexical_weight = fusion, lexical_weight
        self._retriever: HybridRetriever | None = None
        self._stamp: float | None = None
        self._load_lock = threading.Lock()
        self._ingest_lock = threading.Lock()

    # ---- loading --------------------------------------------------------------------------
    def _lexical_stamp(self) -> float | None:
        try:
            return (self.paths.lexical(self.tokenizer) / "meta.json").stat().st_mtime
        except OSError:
            return None

    def _snapshot(self) -> Snapshot:
        if not self.paths.manifest.exists():
            return Snapshot.empty()
        chunks = {c.id: c for c in self.manifest.all_chunks()}
        folder = self.paths.lexical(self.tokenizer)
        lexical = LexicalIndex.load(folder)
        if lexical is None or lexical.generation != generation(chunks) or lexical.tokenizer != self.tokenizer:
            lexical = rebuild_lexical(self.manifest, folder, self.tokenizer)
        return Snapshot(lexical, chunks)

    def reload(self) -> None:
        """Re-read the manifest and BM25 index (after an ingest)."""
        with self._load_lock:
            self._reload_locked()

    def _reload_locked(self) -> None:
        snapshot = self._snapshot()
        self._stamp = self._lexical_stamp()
        if self._retriever is None:
            self._retriever = HybridRetriever(self.store, self.embedder, snapshot, fusion=self._fusion,
                                              lexical_weight=self._lexical_weight)
        else:
            self._retriever.snapshot = snapshot

    @property
    def retriever(self) -> HybridRetriever:
        """The retriever over the current snapshot (loaded lazily, reloaded after any ingest)."""
        if self._retriever is None or self._lexical_stamp() != self._stamp:
            with self._load_lock:
                if self._retriever is None or self._lexical_stamp() != self._stamp:
                    self._reload_locked()
        assert self._retriever is not None
        return self._retriever

    # ---- the API --------------------------------------------------------------------------
    def is_built(self) -> bool:
        """True once an ingest has indexed at least one chunk (loads the index on first call)."""
        return bool(self.retriever.snapshot.chunks)

    def search(self, query: str, k: int = 5, doc_type: str | None = None, industry: str | None = None,
               source: str | None = None) -> list[Passage]:
        return self.retriever.search(query, k=k, doc_type=doc_type, industry=industry, source=source)

    def sources(self) -> list[str]:
        """Source names present in the index (the values ``search(source=…)`` accepts)."""
        return sorted({c.corpus for c in self.retriever.snapshot.chunks.values()})

    def ingest(self, progress: ProgressFn | bool | None = None, *, full: bool = False,
               corpus_dir: Path | str | None = None, prune: bool = False) -> IngestReport:
        """Incremental ingest (``full``: rebuild from scratch). ``progress``: a callback
        ``(stage, done, total)``, or True for rich progress bars on the terminal. Removing more
        than a few indexed files raises ``kb.ingest.PruneRequired`` unless ``prune``."""
        folder = Path(corpus_dir) if corpus_dir else self.corpus_dir
        if folder is None:
            raise ValueError("no corpus directory configured")
        with self._ingest_lock:
            if progress is True:
                with RichProgress() as bars:
                    report = self._ingest(folder, bars, full, prune)
            else:
                report = self._ingest(folder, progress or None, full, prune)
            self.reload()
        return report

    def _ingest(self, folder: Path, progress: ProgressFn | None, full: bool, prune: bool = False) -> IngestReport:
        return ingest(folder, self.index_dir, self.store, self.embedder, progress, full=full,
                      tokenizer=self.tokenizer, faq_answers=self.faq_answers, extra_roots=self.extra_roots,
                      prune=prune)

    def stats(self) -> KBStats:
        snap = self.retriever.snapshot
        chunks = list(snap.chunks.values())
        return KBStats(collection=self.store.name, embedder=self.embedder.model_id, vector_store=self.store.location,
                       lexical=f"bm25/{self.tokenizer}", files=len({c.source for c in chunks}), chunks=len(chunks),
                       by_doc_type=dict(Counter(c.doc_type for c in chunks)),
                       by_kind=dict(Counter(c.kind for c in chunks)),
                       by_source=dict(Counter(c.corpus for c in chunks)))
