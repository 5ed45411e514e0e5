"""Session registry: which customer owns which conversation thread (SQLite, beside the checkpoints).

The checkpointer stores the conversation; this table stores ownership so that a session id alone is
never enough — every read and write is ``(session_id, customer_id)``, and a session of another
customer is indistinguishable from one that does not exist. It also maps OpenAI-style request
histories to sessions (chat front ends resend the whole history instead of a session id).
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from pathlib import Path

from pydantic import BaseModel

SESSION_ID_PREFIX = "cs_"
SESSION_ID_PATTERN = r"^cs_[0-9a-f]{24}$"  # what the routers accept as a session id

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cs_sessions (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    turns INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS cs_sessions_customer ON cs_sessions(customer_id, updated_at);
CREATE TABLE IF NOT EXISTS cs_history_keys (
    key TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""


class SessionInfo(BaseModel):
    id: str
    customer_id: str
    channel: str
    created_at: float
    updated_at: float
    turns: int


class SessionStore:
    """Thread-safe: one connection, one lock. Pass the checkpointer's connection and lock to share
    them: two connections writing one SQLite file contend for its write lock, and SQLite's busy
    handler backs off in sleeps of up to 100 ms — measured as queueing under load."""

    def __init__(self, path: Path | str | None = None, *, conn: sqlite3.Connection | None = None,
                 lock: threading.Lock | None = None):
        if conn is None:
            if path is None:
                raise ValueError("SessionStore needs a path or a connection")
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._conn = conn
        self._own = lock is None
        self._lock = lock or threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA busy_timeout=30000")
            self._conn.executescript(_SCHEMA)
            self._conn.commit()

    @staticmethod
    def _row(row) -> SessionInfo | None:
        if row is None:
            return None
        return SessionInfo(id=row[0], customer_id=row[1], channel=row[2], created_at=row[3], updated_at=row[4], turns=row[5])

    def create(self, customer_id: str, channel: str = "api") -> SessionInfo:
        now = time.time()
        info = SessionInfo(id=SESSION_ID_PREFIX + secrets.token_hex(12), customer_id=customer_id, channel=channel, created_at=now,
                           updated_at=now, turns=0)
        with self._lock:
            self._conn.execute("INSERT INTO cs_sessions VALUES (?,?,?,?,?,?)",
                               (info.id, customer_id, channel, now, now, 0))
            self._conn.commit()
        return info

    def get(self, session_id: str, customer_id: str) -> SessionInfo | None:
        """The session if it exists *and* belongs to this customer, else None."""
        with self._lock:
            row = self._conn.execute("SELECT id, customer_id, channel, created_at, updated_at, turns FROM cs_sessions "
                                     "WHERE id=? AND customer_id=?", (session_id, customer_id)).fetchone()
        return self._row(row)

    def touch(self, session_id: str, turns: int) -> None:
        with self._lock:
            self._conn.execute("UPDATE cs_sessions SET updated_at=?, turns=? WHERE id=?", (time.time(), turns, session_id))
            self._conn.commit()

    def list(self, customer_id: str | None = None, limit: int = 50) -> list[SessionInfo]:
        sql = "SELECT id, customer_id, channel, created_at, updated_at, turns FROM cs_sessions"
        args: tuple = ()
        if customer_id is not None:
            sql += " WHERE customer_id=?"
            args = (customer_id,)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY updated_at DESC LIMIT ?", (*args, limit)).fetchall()
        return [self._row(r) for r in rows]  # type: ignore[misc]

    def session_for_key(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT session_id FROM cs_history_keys WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def remember_key(self, key: str, session_id: str) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO cs_history_keys VALUES (?,?,?)", (key, session_id, time.time()))
            self._conn.commit()

    def close(self) -> None:
        if self._own:
            with self._lock:
                self._conn.close()
