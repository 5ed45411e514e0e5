"""Shared fixtures: the real corpus (small, on disk), a lexical-only bot, a fake KB and a fake embedder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from core.settings import PROJECT_ROOT
from kb.corpus import load_corpus
from kb.retrieval.retrieve import Passage

CORPUS = PROJECT_ROOT / "kb" / "corpus"


@pytest.fixture(scope="session")
def corpus():
    c = load_corpus(CORPUS)
    assert not c.errors
    return c


class FakeKB:
    """Same interface as kb.service.KnowledgeBase.search; returns fixed passages and records queries."""

    def __init__(self, passages: list[Passage] | None = None, fail: bool = False):
        self.passages = passages or []
        self.fail = fail
        self.queries: list[str] = []

    def search(self, query: str, k: int = 5, doc_type=None, industry=None) -> list[Passage]:
        self.queries.append(query)
        if self.fail:
            raise RuntimeError("index missing")
        return self.passages[:k]


def passage(text: str, title: str = "禾信保管箱业务说明", n: int = 1, doc_type: str = "product") -> Passage:
    return Passage(chunk_id=f"c{n}", text=text, score=0.8, doc_id=f"doc{n}", doc_type=doc_type, title=title,
                   section="业务说明", source=f"products/doc{n}.md", kind="section")


class FakeEmbedder:
    """Deterministic bag-of-characters vectors (normalised): similar texts → similar vectors."""

    model_id = "fake-embedder"

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(256, dtype=np.float32)
        for ch in text:
            v[int(hashlib.md5(ch.encode()).hexdigest(), 16) % 256] += 1.0
        return v / max(np.linalg.norm(v), 1e-9)

    def embed(self, texts, role="passage", cache=True):
        return np.stack([self._vec(t) for t in texts])

    def embed_one(self, text, role="query", cache=None):
        return self._vec(text)


@pytest.fixture(scope="session")
def base_deps(corpus):
    """Built once (the TF-IDF matcher is the slow part); tests vary KB, model and accounts."""
    from agents.customer_service.build import build_deps

    return build_deps(corpus, llm_timeout_s=5)


@pytest.fixture
def make_bot(base_deps, tmp_path):
    """Factory: a CsService over the real corpus (lexical matcher), with optional KB, LLM and accounts."""
    from dataclasses import replace

    from agents.customer_service.build import DEMO_ACCOUNTS
    from agents.customer_service.service import CsService
    from tools.cs.accounts import AccountStore

    made = []

    def make(kb=None, llm=None, accounts: bool = True, db: Path | None = None):
        deps = replace(base_deps, kb=kb, llm=llm, accounts=AccountStore.from_json(DEMO_ACCOUNTS) if accounts else None)
        bot = CsService(deps, db or tmp_path / "cs.sqlite")
        made.append(bot)
        return bot

    yield make
    for b in made:
        b.close()


def ask(bot, text: str):
    """One message in a fresh session of customer ``c1``; the bot's reply."""
    info, _ = bot.create_session("c1")
    return bot.send(info.id, "c1", text).reply
