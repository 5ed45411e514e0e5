"""Scan what Puhui wrote — data dirs, logs, transcripts, SQLite files, a Postgres database — for
personal data that is not masked: ID-card, mobile and bank-card numbers by shape (tools/pii.py's
detectors: a wrong check digit still counts; hashes, float fractions and labelled order numbers do not).

Files are read as bytes and decoded leniently, so SQLite pages, WAL files, msgpack checkpoints and
JSON all expose their text; a Postgres database is read table by table as JSON rows. A digit run
right after a decimal point is a float's fraction, and one starting with 0 (padding in binary files
passes the Luhn check) is no card number, nor are digits inside a hex hash (chunk ids): all skipped. Findings carry
the masked value only: the report of a scan never leaks what it found.
"""

from __future__ import annotations

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


def scan_files(paths: Iterable[Path]) -> tuple[int, list[PiiFinding]]:
    """(files scanned, findings) over every file under ``paths``."""
    n, findings = 0, []
    for path in iter_files(paths):
        if path.suffix.lower() in _BINARY_SUFFIXES:
            continue
        try:
            data = path.read_bytes()[:_MAX_BYTES]
        except OSError:
            continue
        n += 1
        findings += scan_text(data.decode("utf-8", errors="replace"), str(path))
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
