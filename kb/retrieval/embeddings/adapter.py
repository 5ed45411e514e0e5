"""A trained linear map on top of a base embedder's vectors (``kb/models/e5_bank_adapter.npz``).

Why: multilingual-e5-small was not trained on Chinese bank customer-service paraphrases. A 384×384
map ``W`` (initialised at the identity, trained contrastively by ``python -m kb.train_adapter`` on the
public ATEC + BQ same-intent question pairs, no UnionPay or project data) moves same-intent questions
closer. Applied to *every* vector, queries and indexed chunks alike (``normalize(x @ W)``), so the
index and the queries stay in one space (figures: README, "Retrieval ablations"). Only the KB index uses it (``core/services.py``: ``Services.kb_embedder``): the linker and
the FAQ matcher keep raw e5, whose cosine thresholds they were calibrated on.

The adapted vectors get their own ``model_id`` (base id + the file's hash) and ``slug``, so they are
never mixed in one Chroma collection with unadapted vectors: enabling or retraining the adapter
builds a new collection. The base embedder's raw-vector cache is reused, so that rebuild costs a
matrix product per chunk, not a model call.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.utils.embedding_functions import known_embedding_functions, register_embedding_function

from kb.retrieval.embeddings.base import Embedder, EmbeddingError, Role, l2_normalize

log = logging.getLogger(__name__)

#: where ``kb.train_adapter`` writes the adapter for the default e5 model
DEFAULT_ADAPTER = Path(__file__).resolve().parents[2] / "models" / "e5_bank_adapter.npz"


class LinearAdapter:
    """``W`` (d×d float32) plus the base model id it was trained for and a short content hash."""

    def __init__(self, matrix: np.ndarray, base_model_id: str, path: Path | None = None) -> None:
        matrix = np.asarray(matrix, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or not np.isfinite(matrix).all():
            raise EmbeddingError(f"adapter matrix must be a finite square matrix, got shape {matrix.shape}")
        self.matrix, self.base_model_id, self.path = matrix, str(base_model_id), path
        self.digest = hashlib.sha256(matrix.tobytes() + self.base_model_id.encode()).hexdigest()[:10]

    @classmethod
    def load(cls, path: Path | str) -> "LinearAdapter":
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as f:
                return cls(f["W"], str(f["base_model_id"]), path)
        except (OSError, KeyError, ValueError) as exc:
            raise EmbeddingError(f"adapter file {path} is unreadable (needs arrays W, base_model_id): {exc}") from exc

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.size == 0:
            return vectors
        if vectors.shape[-1] != self.matrix.shape[0]:
            raise EmbeddingError(f"adapter is {self.matrix.shape[0]}-d, vectors are {vectors.shape[-1]}-d")
        return l2_normalize(vectors @ self.matrix)


@register_embedding_function
class AdaptedEmbedder(Embedder):
    """``base`` followed by ``adapter``; the base does the batching and caches the raw vectors."""

    provider = "adapted"

    def __init__(self, base: Embedder, adapter: LinearAdapter) -> None:
        super().__init__(batch_size=base.batch_size, cache_dir=None, cache_queries=base.cache_queries)
        if adapter.base_model_id != base.model_id:
            raise EmbeddingError(f"adapter {adapter.path or ''} was trained for {adapter.base_model_id!r}, "
                                 f"not for the configured embedder {base.model_id!r}")
        self.base, self.adapter = base, adapter

    @property
    def model_id(self) -> str:
        return f"{self.base.model_id}+adapter-{self.adapter.digest}"

    @property
    def slug(self) -> str:
        return f"{self.base.slug}-a{self.adapter.digest[:6]}"

    def embed(self, texts, role: Role = "passage", *, cache: bool = True) -> np.ndarray:  # type: ignore[override]
        return self.adapter.apply(self.base.embed(texts, role, cache=cache))

    def _embed_batch(self, texts: list[str], role: Role) -> np.ndarray:
        return self.adapter.apply(self.base._embed_batch(texts, role))

    def token_count(self, text: str, role: Role = "passage") -> int:
        return self.base.token_count(text, role)  # type: ignore[attr-defined]

    @staticmethod
    def name() -> str:
        return "puhui-adapted"

    def get_config(self) -> dict[str, Any]:
        return {"base": self.base.name(), "base_config": self.base.get_config(),
                "adapter": str(self.adapter.path) if self.adapter.path else None}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "AdaptedEmbedder":
        base_cls = known_embedding_functions.get(config.get("base", ""))
        if base_cls is None or not config.get("adapter"):
            raise EmbeddingError(f"cannot rebuild an adapted embedder from {config!r}")
        return AdaptedEmbedder(base_cls.build_from_config(config.get("base_config") or {}),
                               LinearAdapter.load(config["adapter"]))


def with_adapter(base: Embedder, path: Path | str | None) -> Embedder:
    """``base`` wrapped with the adapter at ``path`` when that file exists and was trained for
    ``base``'s model; ``base`` otherwise (a different model is logged, not an error, because the
    setting is on by default and other providers simply have no adapter)."""
    if path is None or not Path(path).is_file():
        return base
    adapter = LinearAdapter.load(path)
    if adapter.base_model_id != base.model_id:
        log.info("adapter %s is for %s, not %s: not applied", path, adapter.base_model_id, base.model_id)
        return base
    return AdaptedEmbedder(base, adapter)
