"""The index manifest: which file version is indexed, and the table of every indexed chunk.

It is the source of truth that makes ingestion incremental and crash-safe:

* ``files``: corpus path → content hash of the version whose chunks are indexed;
* ``chunks``: every chunk (text, search text, metadata) — the BM25 index and the retriever's
  passage details are rebuilt/read from here, never from the vector store;
* invariant kept by ``kb.ingest``: every chunk row is already in Chroma (rows are written only after
  the vectors are upserted, in one transaction per file). After a crash Chroma may hold extra ids
  (orphans), which the next ingest deletes; rows missing from Chroma (a lost server) make their
  file re-ingest.

SQLite in WAL mode; each operation opens its own short connection, so API threads can read while an
ingest writes.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kb.chunking import Chunk

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, errors INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS chunks (
  id TEXT PRIMARY KEY, path TEXT NOT NULL, ord INTEGER NOT NULL, doc_id TEXT NOT NULL,
  text TEXT NOT NULL, search_text TEXT NOT NULL, meta TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_path ON chunks(path);
"""


@dataclass(frozen=True)
class IndexPaths:
    """Where one collection's local state lives inside an index directory."""

    index_dir: Path
    collection: str

    @property
    def chroma(self) -> Path:
        return self.index_dir / "chroma"

    @property
    def manifest(self) -> Path:
        return self.index_dir / f"{self.collection}.manifest.sqlite"

    def lexical(self, tokenizer: str) -> Path:
        return self.index_dir / f"{self.collection}.bm25-{tokenizer}"


class Manifest:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            with conn:  # one transaction; rolled back on any exception
                yield conn
        finally:
            conn.close()

    # ---- meta -----------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # ---- files ----------------------------------------------------------------------------
    def files(self) -> dict[str, tuple[str, int]]:
        """path → (sha256, error count at last ingest)."""
        with self._db() as db:
            return {p: (s, e) for p, s, e in db.execute("SELECT path, sha256, errors FROM files")}

    def commit_file(self, path: str, sha256: str, chunks: Sequence[Chunk], errors: int = 0) -> None:
        """Atomically make ``chunks`` the indexed content of ``path`` (call after the upsert)."""
        rows = [(c.id, path, i, c.doc_id, c.text, c.search_text, json.dumps(c.metadata(), ensure_ascii=False))
                for i, c in enumerate(chunks)]
        with self._db() as db:
            db.execute("DELETE FROM chunks WHERE path=?", (path,))
            db.executemany("INSERT OR REPLACE INTO chunks (id, path, ord, doc_id, text, search_text, meta) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute("INSERT OR REPLACE INTO files (path, sha256, errors) VALUES (?, ?, ?)", (path, sha256, errors))

    def commit_files(self, files: Sequence[tuple[str, str, Sequence[Chunk], int]], removed: Iterable[str] = ()) -> None:
        """In ONE transaction: make each ``(path, sha256, chunks, errors)`` the indexed content of its
        path and drop ``removed`` paths — an ingest run's whole change, applied at once."""
        with self._db() as db:
            for p in removed:
                db.execute("DELETE FROM chunks WHERE path=?", (p,))
                db.execute("DELETE FROM files WHERE path=?", (p,))
            for path, sha256, chunks, errors in files:
                rows = [(c.id, path, i, c.doc_id, c.text, c.search_text, json.dumps(c.metadata(), ensure_ascii=False))
                        for i, c in enumerate(chunks)]
                db.execute("DELETE FROM chunks WHERE path=?", (path,))
                db.executemany("INSERT OR REPLACE INTO chunks (id, path, ord, doc_id, text, search_text, meta) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                db.execute("INSERT OR REPLACE INTO files (path, sha256, errors) VALUES (?, ?, ?)", (path, sha256, errors))

    def remove_files(self, paths: Iterable[str]) -> None:
        with self._db() as db:
            for p in paths:
                db.execute("DELETE FROM chunks WHERE path=?", (p,))
                db.execute("DELETE FROM files WHERE path=?", (p,))

    def clear(self) -> None:
        with self._db() as db:
            db.execute("DELETE FROM chunks")
            db.execute("DELETE FROM files")
            db.execute("DELETE FROM meta")

    # ---- chunks ---------------------------------------------------------------------------
    def chunk_ids(self, path: str | None = None) -> set[str]:
        with self._db() as db:
            if path is None:
                return {r[0] for r in db.execute("SELECT id FROM chunks")}
            return {r[0] for r in db.execute("SELECT id FROM chunks WHERE path=?", (path,))}

    def paths_of(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        out: set[str] = set()
        with self._db() as db:
            for start in range(0, len(ids), 500):
                part = ids[start:start + 500]
                marks = ",".join("?" * len(part))
                out.update(r[0] for r in db.execute(f"SELECT DISTINCT path FROM chunks WHERE id IN ({marks})", part))
        return out

    def doc_owners(self) -> dict[str, str]:
        """doc id → path that indexes it (to reject a duplicate id in another file)."""
        with self._db() as db:
            return {d: p for d, p in db.execute("SELECT DISTINCT doc_id, path FROM chunks")}

    def all_chunks(self) -> list[Chunk]:
        """Every chunk in a stable order (path, then position in the file)."""
        with self._db() as db:
            rows = db.execute("SELECT id, text, search_text, meta FROM chunks ORDER BY path, ord").fetchall()
        return [Chunk.from_row(i, t, s, json.loads(m)) for i, t, s, m in rows]

    def count(self) -> int:
        with self._db() as db:
            return int(db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])


def generation(ids: Iterable[str]) -> str:
    """Identity of an index state: the hash of its sorted chunk ids (ids already hash content)."""
    h = hashlib.sha256()
    for i in sorted(ids):
        h.update(i.encode("utf-8") + b"\n")
    return h.hexdigest()[:32]
