"""Append-only audit log of credit decisions: a SQLite table whose rows form a SHA-256 hash chain.

Each record stores the input hash (SHA-256 of the full application; the application itself is not
kept here), model version, rule hits, score, reasons, decision, reviewer and time, plus the previous
record's hash; its own hash covers all of that. Triggers refuse UPDATE and DELETE through SQLite, and
``verify`` recomputes the chain, so an edit made any other way (another tool, a hex editor, dropping
the triggers) shows up as the first broken sequence number. Truncating the newest rows leaves a valid
shorter chain: keep the head hash somewhere else (``verify`` prints it; ``--expect-head`` checks it).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

GENESIS = "0" * 64
FIELDS = ("seq", "ts", "thread_id", "event", "application_id", "input_hash", "model_version", "policy_version",
          "decision", "system_decision", "score", "pd", "rule_hits", "reasons", "reviewer", "comment", "prev_hash")

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, thread_id TEXT NOT NULL, event TEXT NOT NULL,
  application_id TEXT, input_hash TEXT NOT NULL, model_version TEXT, policy_version TEXT,
  decision TEXT NOT NULL, system_decision TEXT, score INTEGER, pd REAL,
  rule_hits TEXT NOT NULL, reasons TEXT NOT NULL, reviewer TEXT, comment TEXT,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
"""


class AuditRecord(BaseModel):
    thread_id: str
    event: str  # referred | decided | reviewed
    application_id: str | None = None
    input_hash: str
    model_version: str | None = None
    policy_version: str | None = None
    decision: str
    system_decision: str | None = None
    score: int | None = None
    pd: float | None = None
    rule_hits: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    reviewer: str | None = None
    comment: str | None = None


class VerifyResult(BaseModel):
    ok: bool
    records: int
    head: str
    first_bad_seq: int | None = None
    problem: str | None = None


def record_hash(row: dict[str, Any]) -> str:
    """Hash of a stored row's fields (JSON, sorted keys) — what ``verify`` recomputes."""
    body = {k: row[k] for k in FIELDS}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class AuditLog:
    """One connection per instance (thread-safe behind a lock); WAL journal, full fsync on commit."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._con = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._con.row_factory = sqlite3.Row
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=FULL")
        self._con.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._con

    def close(self) -> None:
        self._con.close()

    def append(self, rec: AuditRecord, ts: datetime | None = None) -> dict[str, Any]:
        """Append one record atomically (BEGIN IMMEDIATE: concurrent writers cannot fork the chain)."""
        with self._connect() as con:
            return self._append(con, rec, ts)

    def _append(self, con: sqlite3.Connection, rec: AuditRecord, ts: datetime | None) -> dict[str, Any]:
        try:
            con.execute("BEGIN IMMEDIATE")
            last = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            row = {
                "seq": (last["seq"] + 1) if last else 1,
                "ts": (ts or datetime.now(timezone.utc)).isoformat(timespec="milliseconds"),
                "thread_id": rec.thread_id, "event": rec.event, "application_id": rec.application_id,
                "input_hash": rec.input_hash, "model_version": rec.model_version,
                "policy_version": rec.policy_version, "decision": rec.decision,
                "system_decision": rec.system_decision, "score": rec.score,
                "pd": None if rec.pd is None else round(rec.pd, 6),
                "rule_hits": json.dumps(rec.rule_hits, ensure_ascii=False),
                "reasons": json.dumps(rec.reasons, ensure_ascii=False),
                "reviewer": rec.reviewer, "comment": rec.comment,
                "prev_hash": last["hash"] if last else GENESIS,
            }
            row["hash"] = record_hash(row)
            cols = ", ".join(row)
            con.execute(f"INSERT INTO audit_log ({cols}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
            con.execute("COMMIT")
            return row
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise

    def records(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        with self._connect() as con:
            q = "SELECT * FROM audit_log" + (" WHERE thread_id = ?" if thread_id else "") + " ORDER BY seq"
            rows = [dict(r) for r in con.execute(q, (thread_id,) if thread_id else ())]
        for r in rows:
            r["rule_hits"], r["reasons"] = json.loads(r["rule_hits"]), json.loads(r["reasons"])
        return rows

    def open_referrals(self) -> list[dict[str, Any]]:
        """Referred reviews with no reviewer decision recorded yet (the pending queue), oldest first."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT thread_id, ts, seq FROM audit_log a WHERE event = 'referred' AND NOT EXISTS "
                "(SELECT 1 FROM audit_log b WHERE b.thread_id = a.thread_id AND b.event = 'reviewed') ORDER BY seq")
            return [dict(r) for r in rows]

    def verify(self, expect_head: str | None = None) -> VerifyResult:
        """Recompute the chain; report the first record whose content, link or sequence is wrong."""
        prev, expected_seq, n = GENESIS, 1, 0
        with self._connect() as con:
            for r in con.execute("SELECT * FROM audit_log ORDER BY seq"):
                row = dict(r)
                n += 1
                if row["seq"] != expected_seq:
                    return VerifyResult(ok=False, records=n, head=prev, first_bad_seq=expected_seq,
                                        problem=f"record {expected_seq} is missing (next is {row['seq']})")
                if row["prev_hash"] != prev:
                    return VerifyResult(ok=False, records=n, head=prev, first_bad_seq=row["seq"],
                                        problem=f"record {row['seq']} does not link to the record before it")
                if record_hash(row) != row["hash"]:
                    return VerifyResult(ok=False, records=n, head=prev, first_bad_seq=row["seq"],
                                        problem=f"record {row['seq']} was altered (hash mismatch)")
                prev, expected_seq = row["hash"], expected_seq + 1
        if expect_head and expect_head != prev:
            return VerifyResult(ok=False, records=n, head=prev, problem="head hash differs from the expected one "
                                "(records were removed from the end, or the chain was replaced)")
        return VerifyResult(ok=True, records=n, head=prev)
