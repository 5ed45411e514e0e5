"""The turn's query vector is reused for KB search only in the KB's own vector space."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from agents.customer_service.build import kb_vector_map
from agents.customer_service.retrieval import search
from tests.unit.customer_service.conftest import FakeKB, passage


class Adapter:
    def __init__(self, m):
        self.m = m

    def apply(self, vectors):
        out = vectors @ self.m
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_identity_adapter_and_foreign_embedders():
    base, other = object(), object()
    assert kb_vector_map(base, SimpleNamespace(embedder=base))(np.ones(2)).tolist() == [1.0, 1.0]
    rot = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    mapped = kb_vector_map(base, SimpleNamespace(embedder=SimpleNamespace(base=base, adapter=Adapter(rot))))
    assert np.allclose(mapped(np.array([1.0, 0.0])), [0.0, 1.0])
    assert kb_vector_map(base, SimpleNamespace(embedder=other)) is None
    assert kb_vector_map(None, SimpleNamespace(embedder=base)) is None


def test_search_without_a_usable_retriever_falls_back_to_kb_search():
    kb = FakeKB([passage("保管箱每年300元")])
    assert search(kb, "保管箱", 3, np.ones(4))[0].text == "保管箱每年300元"
    assert kb.queries == ["保管箱"]
