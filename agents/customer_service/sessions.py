"""Session registry: which customer owns which conversation thread (beside the checkpoints: the same
SQLite file, or the same Postgres database).

The checkpointer stores the conversation; this table stores ownership so that a session id alone is
never enough — every read and write is ``(session_id, customer_id)``, and a session of another
customer is indistinguishable from one that does not exist. It also maps OpenAI-style request
histories to sessions (chat front ends resend the whole history instead of a session id).
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from pydantic import BaseModel

from tools.storage import Database, SqliteDatabase

SESSION_ID_PREFIX = "cs_"
SESSION_ID_PATTERN = r"^cs_[0-9a-f]{24}$"  # what the routers accept as a session id

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS cs_sessions (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    turns INTEGER NOT NULL DEFAULT 0
)""",
    "CREATE INDEX IF NOT EXISTS cs_sessions_customer ON cs_sessions(customer_id, updated_at)",
    "CREATE INDEX IF NOT EXISTS cs_sessions_updated ON cs_sessions(updated_at)",
    """CREATE TABLE IF NOT EXISTS cs_history_keys (
    key TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL
)""",
)
_COLS = "id, customer_id, channel, created_at, updated_at, turns"


class SessionInfo(BaseModel):
    id: str
    customer_id: str
    channel: str
    created_at: float
    updated_at: float
    turns: int


class SessionStore:
    """Over a ``Database`` (tools/storage): the SQLite file beside the checkpoints — pass the
    checkpointer's database to share its connection and lock: two connections writing one SQLite file
    contend for its write lock, and SQLite's busy handler backs off in sleeps of up to 100 ms
    (measured as queueing under load) — or the Postgres database the checkpoints are in."""

    def __init__(self, path: Path | str | None = None, *, db: Database | None = None):
        if db is None:
            if path is None:
                raise ValueError("SessionStore needs a path or a database")
            db = SqliteDatabase(path)
            self._own = True
        else:
            self._own = False
        self.db = db
        db.script(_SCHEMA)

    @staticmethod
    def _info(row: dict | None) -> SessionInfo | None:
        return None if row is None else SessionInfo.model_validate(row)

    def create(self, customer_id: str, channel: str = "api") -> SessionInfo:
        now = time.time()
        info = SessionInfo(id=SESSION_ID_PREFIX + secrets.token_hex(12), customer_id=customer_id, channel=channel,
                           created_at=now, updated_at=now, turns=0)
        self.db.execute(f"INSERT INTO cs_sessions ({_COLS}) VALUES (?,?,?,?,?,?)",
                        (info.id, customer_id, channel, now, now, 0))
        return info

    def get(self, session_id: str, customer_id: str) -> SessionInfo | None:
        """The session if it exists *and* belongs to this customer, else None."""
        return self._info(self.db.fetchone(f"SELECT {_COLS} FROM cs_sessions WHERE id=? AND customer_id=?",
                                           (session_id, customer_id)))

    def get_any(self, session_id: str) -> SessionInfo | None:
        """The session whoever owns it: for staff (QA over every dialog), never for a customer."""
        return self._info(self.db.fetchone(f"SELECT {_COLS} FROM cs_sessions WHERE id=?", (session_id,)))

    def touch(self, session_id: str, turns: int) -> None:
        self.db.execute("UPDATE cs_sessions SET updated_at=?, turns=? WHERE id=?", (time.time(), turns, session_id))

    def list(self, customer_id: str | None = None, limit: int = 50) -> list[SessionInfo]:
        sql = f"SELECT {_COLS} FROM cs_sessions"
        args: tuple = ()
        if customer_id is not None:
            sql += " WHERE customer_id=?"
            args = (customer_id,)
        rows = self.db.fetchall(sql + " ORDER BY updated_at DESC LIMIT ?", (*args, limit))
        return [SessionInfo.model_validate(r) for r in rows]

    def session_for_key(self, key: str) -> str | None:
        row = self.db.fetchone("SELECT session_id FROM cs_history_keys WHERE key=?", (key,))
        return row["session_id"] if row else None

    def remember_key(self, key: str, session_id: str) -> None:
        self.db.execute("INSERT INTO cs_history_keys (key, session_id, created_at) VALUES (?,?,?) "
                        "ON CONFLICT (key) DO UPDATE SET session_id=excluded.session_id, created_at=excluded.created_at",
                        (key, session_id, time.time()))

    def close(self) -> None:
        if self._own:
            self.db.close()
