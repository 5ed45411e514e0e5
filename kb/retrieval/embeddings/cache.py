"""On-disk cache of embedding vectors keyed by a content hash.

Why: re-ingesting an unchanged (or slightly edited) corpus, rebuilding a benchmark index or repairing
an interrupted ingest must not pay for the same embeddings twice — on 2 shared cores e5 costs
15-80 ms per text. The key is ``sha256(role, model id, text)`` so a vector is never reused across
models or across the ``query:``/``passage:`` roles. SQLite gives atomic, crash-safe writes and lets
several processes share one cache file.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, vec BLOB NOT NULL)"


def cache_key(role: str, model_id: str, text: str) -> str:
    """Content hash of one (role, model, text) triple; NUL separators keep the fields apart."""
    return hashlib.sha256(f"{role}\0{model_id}\0{text}".encode("utf-8")).hexdigest()


class VectorCache:
    """A tiny key → float32 vector store in ``<cache_dir>/embeddings.sqlite``.

    Thread-safe (one connection guarded by a lock); the file is created on first use, not on
    construction, so building an embedder never touches the disk.
    """

    def __init__(self, cache_dir: Path) -> None:
        self.path = Path(cache_dir) / "embeddings.sqlite"
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
            conn.commit()
            self._conn = conn
        return self._conn

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors found for ``keys`` (missing keys are simply absent)."""
        found: dict[str, np.ndarray] = {}
        if not keys:
            return found
        with self._lock:
            db = self._db()
            for start in range(0, len(keys), 500):
                part = list(keys[start:start + 500])
                marks = ",".join("?" * len(part))
                for key, dim, blob in db.execute(f"SELECT key, dim, vec FROM vectors WHERE key IN ({marks})", part):
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape[0] == dim:
                        found[key] = vec
        return found

    def put_many(self, items: Sequence[tuple[str, np.ndarray]]) -> None:
        if not items:
            return
        rows = [(k, int(v.shape[0]), np.ascontiguousarray(v, dtype=np.float32).tobytes()) for k, v in items]
        with self._lock:
            db = self._db()
            db.executemany("INSERT OR REPLACE INTO vectors (key, dim, vec) VALUES (?, ?, ?)", rows)
            db.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db().execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
