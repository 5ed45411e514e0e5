"""LangGraph checkpointers on the configured state store, one choice for every assistant.

SQLite (embedded default): a ``SqliteSaver`` on its own connection to the checkpoint file, and a
``SqliteDatabase`` on the *same* connection and lock for the assistant's own tables (sessions), so one
process never contends with itself for the file's write lock. Several processes (``puhui serve
--workers N``) share the file through SQLite's locking: any worker continues any session.

Postgres: one ``PostgresSaver`` over the process's connection pool (``PostgresDatabase.pool``), set up
once; the assistants' tables live in the same database. Several hosts can then serve one conversation.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver

from tools.pii_scan import mask_text
from tools.storage import Database, PostgresDatabase, SqliteDatabase


class MaskingSerializer:
    """The checkpoint serializer, masking personal data in every string of a checkpoint before it is
    written. Customer input is masked before it enters a graph; this also covers what a model wrote
    into the state (a rewritten query, slots, notes): the PII scan of an LLM end-to-end run found a
    model-made mobile-like number in a checkpoint. Reading is unchanged."""

    def __init__(self, inner: Any = None):
        self.inner = inner or JsonPlusSerializer()

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        return self.inner.dumps_typed(_masked(obj))

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        return self.inner.loads_typed(data)


class MaskingSqliteSaver(SqliteSaver):
    """Masks the checkpoint and its metadata on ``put``: the metadata is written as JSON beside the
    serializer, so the serializer alone does not see it."""

    def put(self, config, checkpoint, metadata, new_versions):  # noqa: ANN001 - LangGraph's signature
        return super().put(_masked_config(config), _masked(checkpoint), _masked(metadata), new_versions)


class MaskingPostgresSaver(PostgresSaver):
    """Masks the checkpoint and its metadata on ``put``: Postgres keeps primitive channel values
    (a staff member's question, a rewritten query) inline in the ``checkpoints`` JSONB column and the
    metadata beside it, neither through the serializer. The CI PII scan found a mobile number there."""

    def put(self, config, checkpoint, metadata, new_versions):  # noqa: ANN001 - LangGraph's signature
        return super().put(_masked_config(config), _masked(checkpoint), _masked(metadata), new_versions)


def _masked_config(config: Any) -> Any:
    """The run config with its ``metadata`` masked: LangGraph merges it into the stored metadata
    (``get_checkpoint_metadata``). The ``configurable`` ids are left alone: they address the thread."""
    if isinstance(config, dict) and isinstance(config.get("metadata"), dict):
        return {**config, "metadata": _masked(config["metadata"])}
    return config


def _masked(obj: Any) -> Any:
    if isinstance(obj, str):
        return mask_text(obj) if any(c.isdigit() for c in obj) else obj
    if isinstance(obj, dict):
        return {k: _masked(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_masked(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_masked(v) for v in obj)
    return obj


@dataclass
class StateStore:
    """A checkpointer and the database for the tables that go with it."""

    saver: Any
    db: Database
    shared: bool = False  # the process-wide Postgres pool: not closed by one assistant

    def close(self) -> None:
        if not self.shared:
            self.db.close()


def sqlite_state(path: Path | str) -> StateStore:
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    saver = MaskingSqliteSaver(conn, serde=MaskingSerializer())
    return StateStore(saver=saver, db=SqliteDatabase(conn=conn, lock=saver.lock))


_PG_LOCK = threading.Lock()


def postgres_state(db: PostgresDatabase) -> StateStore:
    """The saver over ``db``'s pool, one per pool (its tables are created once; LangGraph's
    migrations are idempotent, so every worker may run them)."""
    with _PG_LOCK:
        saver = getattr(db, "checkpointer", None)
        if saver is None:
            saver = MaskingPostgresSaver(db.pool, serde=MaskingSerializer())
            with db.guarded():  # the server is down: StoreUnavailable (503), tried again next request
                saver.setup()
            db.checkpointer = saver
    return StateStore(saver=saver, db=db, shared=True)
