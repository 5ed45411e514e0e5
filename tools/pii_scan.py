"""Scan what Puhui wrote — data dirs, logs, transcripts, SQLite files, a Postgres database — for
personal data that is not masked: ID-card, mobile and bank-card numbers by shape (tools/pii.py's
detectors: a wrong check digit still counts; hashes, float fractions and labelled order numbers do not).

Files are read as bytes and decoded leniently, so SQLite pages, WAL files, msgpack checkpoints and
JSON all expose their text; a Postgres database is read table by table as JSON rows. A digit run
right after a decimal point is a float's fraction, and one starting with 0 (padding in binary files
passes the Luhn check) is no card number, nor are digits inside a hex hash (chunk ids): all skipped. Findings carry
the masked value only: the report of a scan never leaks what it found.

SQLite files (a database, its ``-wal``, its rollback ``-journal``) are read twice. Their rows, read through
SQLite from a copy (WAL frames included), are scanned like a Postgres table, which also finds a number split
across two pages. Their raw bytes are scanned too, because a deleted row's text stays in free space until the
page is reused. Free space also holds *fragments*: when a new cell overwrites part of an old one, the tail of a
float such as LangGraph's channel version ``…0002.0.2275123456787117`` is left as a bare 16-digit run (a CI
run reported one). So a raw hit is kept only when its digits are nowhere in the rows (a deleted number) — a
hit whose digits are in a live row is that row's finding, or a fragment of a non-personal token.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel

from tools.pii import PiiMatch, find_pii, mask_value

#: files that hold vectors or indexes only (no text a person wrote), skipped for speed
_BINARY_SUFFIXES = {".bin", ".npy", ".npz", ".pickle", ".pkl", ".png", ".jpg", ".parquet", ".gguf"}
_MAX_BYTES = 200 * 1024 * 1024


class PiiFinding(BaseModel):
    where: str  # file path, or "postgres:<table>"
    kind: str
    masked: str
    offset: int


def _reported(text: str) -> list[PiiMatch]:
    """find_pii's spans minus what binary files make look like numbers: a run right after "." or an
    exponent's "e" (0.8123456789012345, 1e-1234…) is part of a float."""
    return [m for m in find_pii(text)
            if not (text[max(0, m.start - 1):m.start] in (".", "e", "E") and m.kind != "id_card")]


def scan_text(text: str, where: str) -> list[PiiFinding]:
    return [PiiFinding(where=where, kind=m.kind, masked=mask_value(m.kind, m.text), offset=m.start)
            for m in _reported(text)]


def mask_text(text: str) -> str:
    """``text`` with every unmasked number the scan would report replaced by its masked form."""
    spans = _reported(text)
    for m in reversed(spans):
        text = text[:m.start] + mask_value(m.kind, m.text) + text[m.end:]
    return text


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    for root in paths:
        root = Path(root)
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (p for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink())


_SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-journal", "-shm")


def _sqlite_database(path: Path) -> Path | None:
    """The SQLite database ``path`` belongs to: itself, or the database beside its -wal/-journal/-shm file."""
    for side in _SIDE_FILES:
        if path.name.endswith(side):
            path = path.with_name(path.name[: -len(side)])
            break
    try:
        with path.open("rb") as f:
            return path if f.read(16) == _SQLITE_HEADER else None
    except OSError:
        return None


class _SqliteRows:
    """The text of every row of a SQLite database, read from a copy (so the scan never checkpoints or
    locks the live file); None when the file cannot be read as a database."""

    def __init__(self, db: Path):
        self.rows: list[tuple[str, str]] = []  # (where, text)
        with tempfile.TemporaryDirectory(prefix="puhui-pii-") as tmp:
            copy = Path(tmp) / db.name
            try:
                for side in ("", "-wal", "-journal"):
                    if db.with_name(db.name + side).is_file():
                        shutil.copyfile(db.with_name(db.name + side), copy.with_name(copy.name + side))
                with sqlite3.connect(copy) as conn:
                    conn.text_factory = lambda b: b.decode("utf-8", errors="replace")
                    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
                    for table in tables:
                        for i, row in enumerate(conn.execute(f'SELECT * FROM "{table}"')):
                            text = "\x00".join(v.decode("utf-8", errors="replace") if isinstance(v, bytes) else str(v)
                                               for v in row if v is not None)
                            self.rows.append((f"{db}:{table}#{i}", text))
            except (OSError, sqlite3.Error):
                self.rows = []
        self.text = "\n".join(text for _, text in self.rows)

    def findings(self) -> list[PiiFinding]:
        return [f for where, text in self.rows for f in scan_text(text, where)]

    def holds(self, number: str) -> bool:
        """The number is in some live row, as written or without its separators."""
        return number in self.text or re.sub(r"[ -]", "", number) in self.text


def _scan_sqlite_file(path: Path, text: str, rows: _SqliteRows) -> list[PiiFinding]:
    """Raw hits of one SQLite file whose digits are in no live row (see the module docstring)."""
    return [PiiFinding(where=str(path), kind=m.kind, masked=mask_value(m.kind, m.text), offset=m.start)
            for m in _reported(text) if not rows.holds(m.text)]


def scan_files(paths: Iterable[Path]) -> tuple[int, list[PiiFinding]]:
    """(files scanned, findings) over every file under ``paths``."""
    n, findings = 0, []
    databases: dict[Path, _SqliteRows] = {}
    for path in iter_files(paths):
        if path.suffix.lower() in _BINARY_SUFFIXES:
            continue
        try:
            data = path.read_bytes()[:_MAX_BYTES]
        except OSError:
            continue
        n += 1
        text = data.decode("utf-8", errors="replace")
        db = _sqlite_database(path)
        if db is None:
            findings += scan_text(text, str(path))
            continue
        if db not in databases:
            databases[db] = _SqliteRows(db)
            findings += databases[db].findings()
        findings += _scan_sqlite_file(path, text, databases[db])
    return n, findings


def scan_postgres(url: str) -> tuple[int, list[PiiFinding]]:
    """(tables scanned, findings) over every table of the database's public schema (rows as JSON)."""
    import psycopg  # the Postgres driver, only when a database is scanned

    findings: list[PiiFinding] = []
    with psycopg.connect(url, connect_timeout=5) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema='public' AND table_type='BASE TABLE'")]
        for table in tables:
            rows = conn.execute(f'SELECT row_to_json(t)::text, encode(convert_to(t::text, \'UTF8\'), \'escape\') '
                                f'FROM "{table}" t')
            for i, (as_json, raw) in enumerate(rows):
                findings += scan_text(as_json + "\n" + raw, f"postgres:{table}#{i}")
        blobs = conn.execute("SELECT blob FROM checkpoint_blobs") if "checkpoint_blobs" in tables else []
        for i, (blob,) in enumerate(blobs):  # msgpack: the strings inside are UTF-8
            if blob:
                findings += scan_text(bytes(blob).decode("utf-8", errors="replace"), f"postgres:checkpoint_blobs#{i}")
    return len(tables), findings
