"""Any sentence-transformers model the user has on disk (e.g. a local bge-small-zh or e5 copy).

torch and sentence-transformers are imported only when this provider embeds its first text, so the
embedded default (e5) never pays for them. Loading is strictly offline: ``HF_HUB_OFFLINE=1`` and
``local_files_only=True``; a name that is not on disk fails with a clear error instead of a download.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.utils.embedding_functions import register_embedding_function

from kb.retrieval.embeddings.base import Embedder, EmbeddingError, Role


@register_embedding_function
class SentenceTransformerEmbedder(Embedder):
    """``model`` is a local directory (or a name already in the local HF cache).

    ``query_prefix``/``passage_prefix`` carry the model's role convention (``"query: "``/
    ``"passage: "`` for e5 checkpoints, an instruction for bge queries); empty by default.
    """

    provider = "st"

    def __init__(self, *, model: str, threads: int = 1, batch_size: int = 32,
                 cache_dir: Path | str | None = None, cache_queries: bool = False,
                 query_prefix: str = "", passage_prefix: str = "", device: str = "cpu") -> None:
        super().__init__(batch_size=batch_size, cache_dir=cache_dir, cache_queries=cache_queries)
        if not model:
            raise ValueError("sentence-transformers provider: embedding_model (a local path or name) is required")
        self.model = str(model)
        self.threads = int(threads)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.device = device
        self._st: Any = None
        self._call_lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"st:{self.model}|q={self.query_prefix}|p={self.passage_prefix}"

    @property
    def slug(self) -> str:
        return "st-" + hashlib.sha256(self.model_id.encode()).hexdigest()[:8]

    def _load(self) -> Any:
        with self._load_lock:
            if self._st is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                try:
                    import torch  # torch + sentence-transformers only for this provider (never by default)
                    from sentence_transformers import SentenceTransformer  # (same)
                except ImportError as exc:
                    raise EmbeddingError("the sentence-transformers provider needs 'sentence-transformers' "
                                         "(pip install 'puhui[st]')") from exc
                torch.set_num_threads(self.threads)
                try:
                    self._st = SentenceTransformer(self.model, device=self.device, local_files_only=True)
                except Exception as exc:  # noqa: BLE001 - any loader failure means "model not usable"
                    raise EmbeddingError(f"sentence-transformers model {self.model!r} could not be loaded "
                                         f"offline: {exc}") from exc
        return self._st

    def _embed_batch(self, texts: list[str], role: Role) -> np.ndarray:
        model = self._load()
        prefix = self.query_prefix if role == "query" else self.passage_prefix
        with self._call_lock:  # torch modules are not documented as safe for concurrent forward passes
            out = model.encode([prefix + t for t in texts], batch_size=self.batch_size,
                               convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)

    @staticmethod
    def name() -> str:
        return "puhui-sentence-transformers"

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "model": self.model, "threads": self.threads,
                "query_prefix": self.query_prefix, "passage_prefix": self.passage_prefix}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "SentenceTransformerEmbedder":
        keys = {"model", "threads", "batch_size", "cache_dir", "query_prefix", "passage_prefix"}
        return SentenceTransformerEmbedder(**{k: v for k, v in config.items() if k in keys})
