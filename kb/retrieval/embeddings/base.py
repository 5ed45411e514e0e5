"""The embedder contract shared by every provider, and the parts they all need.

One object plays three roles, so nothing in the project has to wrap or adapt it:

* a LangChain ``Embeddings`` (``embed_documents`` / ``embed_query``) for chains and retrievers;
* a Chroma ``EmbeddingFunction`` (``__call__`` / ``embed_query(input=...)`` / ``name`` /
  ``get_config`` / ``build_from_config``) — Chroma must always get an explicit one, because its
  default downloads an ONNX model and fails offline;
* the project's own ``embed(texts, role)`` with explicit ``query``/``passage`` roles, batching and a
  content-hash cache, used by ingestion and retrieval.

Roles matter for e5-style models: ``query:`` on both sides for symmetric question↔question matching
(FAQ standard/similar questions), ``query:``/``passage:`` for question→passage. Providers without
roles map them to optional prefixes (empty by default).

Models are loaded lazily on the first embedding, so constructing an embedder (and Chroma's
``is_legacy()`` check, which calls ``build_from_config``) costs nothing.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Space
from langchain_core.embeddings import Embeddings

from kb.retrieval.embeddings.cache import VectorCache, cache_key

Role = Literal["query", "passage"]
ROLES: tuple[Role, ...] = ("query", "passage")


class EmbeddingError(RuntimeError):
    """An embedding provider failed (model missing, server unreachable, bad answer)."""


def l2_normalize(mat: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation, so cosine, inner product and L2 rank identically."""
    mat = np.asarray(mat, dtype=np.float32)
    if mat.ndim == 1:
        mat = mat[None, :]
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    return mat / np.maximum(norms, 1e-12)


class Embedder(Embeddings, EmbeddingFunction[Documents]):
    """Base class: batching, de-duplication, caching and the LangChain/Chroma faces.

    Subclasses implement :meth:`_embed_batch` (one provider call for a batch of texts in one role),
    :attr:`model_id` (stable identity used in cache keys and collection names), :meth:`name`,
    :meth:`get_config` and :meth:`build_from_config`.
    """

    #: short provider tag used in collection names (``[a-z0-9]`` only)
    provider: ClassVar[str] = "base"

    def __init__(self, *, batch_size: int = 32, cache_dir: Path | str | None = None,
                 cache_queries: bool = False) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.batch_size = int(batch_size)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.cache_queries = cache_queries
        self._cache = VectorCache(self.cache_dir) if self.cache_dir else None
        self._load_lock = threading.Lock()
        self._dim: int | None = None
        #: in-memory LRU of query vectors (``embed_one`` in the query role): customers ask the same
        #: questions again and again, and one e5 call was ~70% of a customer-service turn (bench/cs_profile.py)
        self.query_memo_size = 4096
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._memo_lock = threading.Lock()
        self.memo_hits = self.memo_misses = 0

    # ---- provider hooks -------------------------------------------------------------------
    @property
    @abstractmethod
    def model_id(self) -> str:
        """Stable identity of the model (and anything else that changes the vectors)."""

    @property
    @abstractmethod
    def slug(self) -> str:
        """Short ``[a-z0-9-]`` tag naming the vector space, used to derive collection names."""

    @abstractmethod
    def _embed_batch(self, texts: list[str], role: Role) -> np.ndarray:
        """Embed one batch (len <= batch_size) in one role; returns (n, dim) float32."""

    # ---- the project's API ----------------------------------------------------------------
    def embed(self, texts: Sequence[str], role: Role = "passage", *, cache: bool = True) -> np.ndarray:
        """Embed ``texts`` in ``role``; (n, dim) float32, L2-normalised, in input order.

        Identical texts are embedded once; with a cache directory, vectors already computed (by
        this or an earlier process) are read back instead of recomputed.
        """
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {role!r}")
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        vectors: dict[str, np.ndarray] = {}
        keys: dict[str, str] = {}
        if cache and self._cache is not None:
            keys = {t: cache_key(role, self.model_id, t) for t in unique}
            hits = self._cache.get_many(list(keys.values()))
            vectors = {t: hits[k] for t, k in keys.items() if k in hits}
        todo = [t for t in unique if t not in vectors]
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start:start + self.batch_size]
            mat = l2_normalize(self._embed_batch(batch, role))
            if mat.shape[0] != len(batch):
                raise EmbeddingError(f"{self.provider}: got {mat.shape[0]} vectors for {len(batch)} texts")
            fresh = dict(zip(batch, mat))
            vectors.update(fresh)
            if cache and self._cache is not None:
                self._cache.put_many([(keys[t], v) for t, v in fresh.items()])
        return np.stack([vectors[t] for t in texts]).astype(np.float32, copy=False)

    def embed_one(self, text: str, role: Role = "query", *, cache: bool | None = None) -> np.ndarray:
        """One vector (read-only). Query vectors are kept in a bounded in-memory LRU of this process
        (``query_memo_size`` texts, 0 = off); on disk only when ``cache_queries`` was set."""
        use_cache = self.cache_queries if cache is None else cache
        if role != "query" or self.query_memo_size <= 0:
            return self.embed([text], role, cache=use_cache)[0]
        with self._memo_lock:
            vec = self._memo.get(text)
            if vec is not None:
                self._memo.move_to_end(text)
                self.memo_hits += 1
                return vec
            self.memo_misses += 1
        vec = self.embed([text], role, cache=use_cache)[0]
        vec.setflags(write=False)
        with self._memo_lock:
            self._memo[text] = vec
            while len(self._memo) > self.query_memo_size:
                self._memo.popitem(last=False)
        return vec

    @property
    def dim(self) -> int:
        """Vector size (embeds a probe text the first time)."""
        if self._dim is None:
            self._dim = int(self.embed(["dim"], "passage", cache=False).shape[1])
        return self._dim

    # ---- LangChain Embeddings -------------------------------------------------------------
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts, "passage").tolist()

    def embed_query(self, text: str | None = None, *, input: Documents | None = None) -> Any:  # noqa: A002
        """LangChain calls ``embed_query(text)`` → one vector; Chroma calls
        ``embed_query(input=[...])`` → a list of vectors. Both use the ``query`` role."""
        if input is not None:
            return list(self.embed(list(input), "query", cache=self.cache_queries))
        if text is None:
            raise TypeError("embed_query() needs a text")
        return self.embed_one(text, "query").tolist()

    # ---- Chroma EmbeddingFunction ---------------------------------------------------------
    def __call__(self, input: Documents) -> list[np.ndarray]:  # noqa: A002
        """Chroma embeds documents with this; they are passages."""
        return list(self.embed(list(input), "passage"))

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    @staticmethod
    def name() -> str:  # overridden by each provider
        return "puhui-base"

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size, "cache_dir": str(self.cache_dir) if self.cache_dir else None}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_id={self.model_id!r})"
