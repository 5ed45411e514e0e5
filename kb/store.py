"""Chroma behind a small interface: upsert/delete by id, list ids, filtered vector query.

Embedded ``PersistentClient(path)`` by default; ``HttpClient(host, port)`` to a ``chroma run``
server when configured (the scale-out path). The collection always gets the project's embedder as
its explicit embedding function — Chroma's default one downloads a model and fails offline — and the
cosine space. The collection name is ``<base>-<embedder slug>`` so that switching the embedding
model never mixes two vector spaces in one collection (Chroma names: 3–512 of ``[a-zA-Z0-9._-]``).

Vectors are computed by the caller (with the right query/passage role per record) and passed in;
Chroma never embeds on its own in this project.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from kb.chunking import Chunk
from kb.retrieval.embeddings import Embedder

_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]$")


def collection_name(base: str, embedder: Embedder) -> str:
    """``<base>-<slug>``, validated against Chroma's naming rules with a readable error."""
    name = f"{base}-{embedder.slug}"
    if not _NAME.match(name) or ".." in name:
        raise ValueError(f"collection name {name!r} is invalid: use 3-512 characters of [a-zA-Z0-9._-], "
                         "starting and ending with a letter or digit")
    return name


def where_filter(doc_type: str | None = None, industry: str | None = None,
                 source: str | None = None) -> dict[str, Any] | None:
    """Chroma ``where`` clause for the optional doc_type / industry_id / corpus source filters."""
    clauses: list[dict[str, Any]] = []
    if doc_type:
        clauses.append({"doc_type": doc_type})
    if industry:
        clauses.append({"industry_id": industry})
    if source:
        clauses.append({"corpus": source})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class ChromaStore:
    """One Chroma collection for one embedder. Cheap to construct; connects on first use."""

    def __init__(self, embedder: Embedder, *, path: Path | str | None = None, host: str | None = None,
                 port: int | None = None, collection: str = "puhui-kb") -> None:
        if path is None and host is None:
            raise ValueError("ChromaStore needs a path (embedded) or a host (server mode)")
        self.embedder = embedder
        self.path = Path(path) if path is not None else None
        self.host, self.port = host, port
        self.name = collection_name(collection, embedder)
        self._client: Any = None
        self._col: Any = None
        self._lock = threading.Lock()

    # ---- connection -----------------------------------------------------------------------
    def _collection(self) -> Any:
        with self._lock:
            if self._col is None:
                settings = ChromaSettings(anonymized_telemetry=False)
                if self.host:
                    self._client = chromadb.HttpClient(host=self.host, port=int(self.port or 8000), settings=settings)
                else:
                    assert self.path is not None
                    self.path.mkdir(parents=True, exist_ok=True)
                    self._client = chromadb.PersistentClient(path=str(self.path), settings=settings)
                self._col = self._client.get_or_create_collection(
                    self.name, embedding_function=self.embedder, configuration={"hnsw": {"space": "cosine"}},
                    metadata={"embedder": self.embedder.model_id[:500]})
            return self._col

    @property
    def location(self) -> str:
        return f"http://{self.host}:{self.port}" if self.host else str(self.path)

    # ---- writes ---------------------------------------------------------------------------
    def upsert(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        """Insert or replace records with precomputed vectors (same order as ``chunks``)."""
        if len(chunks) != len(embeddings):
            raise ValueError(f"{len(chunks)} chunks but {len(embeddings)} embeddings")
        col = self._collection()
        step = 1000
        for start in range(0, len(chunks), step):
            part = chunks[start:start + step]
            col.upsert(ids=[c.id for c in part], documents=[c.text for c in part],
                       metadatas=[c.metadata() for c in part], embeddings=np.asarray(embeddings[start:start + step]))

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        col = self._collection()
        for start in range(0, len(ids), 1000):
            col.delete(ids=ids[start:start + 1000])

    def reset(self) -> None:
        """Drop the collection (a full rebuild); it is recreated empty on next use."""
        self._collection()
        with self._lock:
            try:
                self._client.delete_collection(self.name)
            except Exception:  # noqa: BLE001 - already gone is fine
                pass
            self._col = None

    # ---- reads ----------------------------------------------------------------------------
    def ids(self) -> set[str]:
        """Every id in the collection (paged, so large collections do not load at once)."""
        col = self._collection()
        out: set[str] = set()
        offset, step = 0, 5000
        while True:
            got = col.get(include=[], limit=step, offset=offset)["ids"]
            out.update(got)
            if len(got) < step:
                return out
            offset += step

    def embeddings(self, ids: Sequence[str]) -> np.ndarray:
        """Stored vectors for ``ids`` in that order (paged; ids missing from the store → error)."""
        col = self._collection()
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), 2000):
            got = col.get(ids=list(ids[start:start + 2000]), include=["embeddings"])
            found.update(zip(got["ids"], got["embeddings"]))
        missing = [i for i in ids if i not in found]
        if missing:
            raise KeyError(f"{len(missing)} ids are not in collection {self.name}, e.g. {missing[0]}")
        return np.asarray([found[i] for i in ids], dtype=np.float32).reshape(len(ids), -1)

    def count(self) -> int:
        return int(self._collection().count())

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """Nearest ``n`` records as (id, cosine similarity), best first."""
        col = self._collection()  # n beyond the collection size just returns fewer (checked in 1.5.9)
        res = col.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=max(1, int(n)), where=where,
                        include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

    def close(self) -> None:
        with self._lock:
            self._col = None
            self._client = None
