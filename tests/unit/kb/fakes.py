"""A deterministic fake embedder for KB tests that need many vectors fast (no model)."""

from __future__ import annotations

import hashlib

import numpy as np

from kb.retrieval.embeddings import Embedder
from kb.retrieval.embeddings.base import Role


class HashEmbedder(Embedder):
    """8-d vectors from a hash of (role, text): deterministic, no model."""

    provider = "hash"
    calls = 0

    @property
    def model_id(self) -> str:
        return "hash-8"

    @property
    def slug(self) -> str:
        return "hash"

    def _embed_batch(self, texts: list[str], role: Role) -> np.ndarray:
        HashEmbedder.calls += len(texts)
        seeds = [int(hashlib.sha256(f"{role}{t}".encode()).hexdigest()[:8], 16) for t in texts]
        return np.stack([np.random.default_rng(s).normal(size=8) for s in seeds]).astype(np.float32)
