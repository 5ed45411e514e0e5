"""The shared, lazily built objects one process (server, CLI run or eval run) needs.

Built once by the composition root from Settings; routers and UI tabs reach it as
``request.app.state.services`` and each assistant as ``XService.from_services(services)``. Nothing
heavy happens until a property is first used (the model loads on first embedding), so the server
starts fast; torch is imported only when a sentence-transformers provider is configured.
"""

from __future__ import annotations

import threading
from functools import cached_property
from pathlib import Path
from typing import Any

from agents.common.checkpoint import StateStore, postgres_state, sqlite_state
from agents.common.llm import build_chat_model
from core.settings import Settings
from kb.corpus import load_corpus
from kb.gbt import load_gbt_codes
from kb.graph import build_graph, load_graph, save_graph
from kb.retrieval.embeddings import DEFAULT_ADAPTER, build_embedder, with_adapter
from kb.service import KnowledgeBase
from kb.sources import parse_extra_corpora
from tools.storage import Database, PostgresDatabase, SqliteDatabase


#: Services.extras built from the corpus files or the FAQ scope (rebuilt after the corpus changes): the
#: bot, and the QA inspector whose official numbers include a replace-mode bank's hotline
CORPUS_DEPENDENTS = ("cs.bot", "qa.inspector")


class Services:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.RLock()
        self.extras: dict[str, Any] = {}  # per-assistant compiled graphs, cached by their modules

    def cached(self, name: str, build):
        """Build an extra shared object once (thread-safe), e.g. a compiled LangGraph graph."""
        with self._lock:
            if name not in self.extras:
                self.extras[name] = build()
            return self.extras[name]

    def forget_corpus(self) -> None:
        """Drop the cached corpus and what was built from its files — the customer-service bot, whose
        FAQ matcher holds the FAQ entries — so the next use reads the corpus as it is now (after an
        upload or an FAQ import from the workbench). Other worker processes keep theirs until restarted."""
        with self._lock:
            self.__dict__.pop("corpus", None)  # a functools.cached_property
            for name in CORPUS_DEPENDENTS:
                self.extras.pop(name, None)

    @property
    def checkpointer_path(self) -> Path:
        return self.settings.checkpoint_db

    @cached_property
    def database(self) -> PostgresDatabase | None:
        """The process's Postgres connection pool when ``PUHUI_DATABASE_URL`` is set, else None
        (embedded SQLite files). Opening it does not wait for the server."""
        s = self.settings
        if not s.uses_postgres:
            return None
        with self._lock:
            return PostgresDatabase(s.database_url.get_secret_value(), pool_size=s.database_pool_size,
                                    timeout_s=s.database_timeout_s)

    def state_store(self) -> StateStore:
        """A checkpointer + database for one assistant: the shared Postgres saver, or a new SQLite
        connection to the checkpoint file (each assistant its own, as each has its own lock)."""
        db = self.database
        return postgres_state(db) if db is not None else sqlite_state(self.checkpointer_path)

    def audit_database(self) -> Database:
        """Where the loan audit log lives: the Postgres database, or its own SQLite file (full fsync)."""
        db = self.database
        return db if db is not None else SqliteDatabase(self.settings.audit_db, synchronous="FULL")

    @cached_property
    def corpus(self):
        with self._lock:
            return load_corpus(self.settings.corpus_dir)

    @cached_property
    def embedder(self):
        s = self.settings
        with self._lock:
            embedder = build_embedder(
                provider=s.embedding_provider,
                model=s.embedding_model,
                base_url=s.embedding_base_url,
                api_key=s.embedding_api_key.get_secret_value(),
                threads=s.embedding_threads,
                batch_size=s.embedding_batch_size,
                cache_dir=s.embed_cache_dir,
            )
            embedder.query_memo_size = s.embedding_query_memo
            return embedder

    @cached_property
    def kb_embedder(self):
        """The knowledge base's embedder: ``embedder`` plus the trained e5 adapter when enabled and
        present. Only the KB index uses it: the linker's and the FAQ matcher's thresholds are
        calibrated on raw e5 cosines (with the adapter chain_map fell 0.992 → 0.811 and
        customer_service 0.907 → 0.826), while KB retrieval ranks better with it (kb/retrieval/retrieve.py)."""
        base = self.embedder
        if not self.settings.embedding_adapter:
            return base
        adapted = with_adapter(base, DEFAULT_ADAPTER)
        adapted.query_memo_size = self.settings.embedding_query_memo
        return adapted

    @cached_property
    def kb(self):
        s = self.settings
        with self._lock:
            return KnowledgeBase(
                corpus_dir=s.corpus_dir,
                index_dir=s.index_dir,
                embedder=self.kb_embedder,
                chroma_mode=s.chroma_mode,
                chroma_host=s.chroma_host,
                chroma_port=s.chroma_port,
                collection=s.collection,
                extra_roots=parse_extra_corpora(s.extra_corpora),
            )

    @cached_property
    def graph(self):
        """The industry-chain graph: loaded from data_dir, built from the corpus when missing."""
        path = self.settings.graph_path
        with self._lock:
            if path.exists():
                return load_graph(path)
            graph = build_graph(self.corpus, load_gbt_codes(self.settings.shared_data_dir / "gbt4754_2017"))
            save_graph(graph, path)
            return graph

    @cached_property
    def llm(self):
        """The chat model when an OpenAI-compatible endpoint is configured, else None."""
        with self._lock:
            return build_chat_model(self.settings)
