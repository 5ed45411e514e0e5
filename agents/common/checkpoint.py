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
from langgraph.checkpoint.sqlite import SqliteSaver

from tools.storage import Database, PostgresDatabase, SqliteDatabase


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
    saver = SqliteSaver(conn)
    return StateStore(saver=saver, db=SqliteDatabase(conn=conn, lock=saver.lock))


_PG_LOCK = threading.Lock()


def postgres_state(db: PostgresDatabase) -> StateStore:
    """The saver over ``db``'s pool, one per pool (its tables are created once; LangGraph's
    migrations are idempotent, so every worker may run them)."""
    with _PG_LOCK:
        saver = getattr(db, "checkpointer", None)
        if saver is None:
            saver = PostgresSaver(db.pool)
            with db.guarded():  # the server is down: StoreUnavailable (503), tried again next request
                saver.setup()
            db.checkpointer = saver
    return StateStore(saver=saver, db=db, shared=True)
