"""Append-only audit log of credit decisions: a table whose rows form a SHA-256 hash chain, in its own
SQLite file (embedded default) or in the Postgres database (tools/storage).

Each record stores the input hash (SHA-256 of the full application; the application itself is not
kept here), model version, rule hits, score, reasons, decision, reviewer and time, plus the previous
record's hash; its own hash covers all of that. Appends are serialised (SQLite's write lock, a
Postgres advisory lock), so concurrent writers — several workers, several hosts — never fork the
chain. Triggers refuse UPDATE and DELETE (and, on Postgres, TRUNCATE), and
``verify`` recomputes the chain, so an edit made any other way (another tool, a hex editor, dropping
the triggers) shows up as the first broken sequence number. Truncating the newest rows leaves a valid
shorter chain: keep the head hash somewhere else (``verify`` prints it; ``--expect-head`` checks it).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from tools.storage import Database, SqliteDatabase

GENESIS = "0" * 64
FIELDS = ("seq", "ts", "thread_id", "event", "application_id", "input_hash", "model_version", "policy_version",
          "decision", "system_decision", "score", "pd", "rule_hits", "reasons", "reviewer", "comment", "prev_hash")

_COLUMNS = """(
  seq BIGINT PRIMARY KEY, ts TEXT NOT NULL, thread_id TEXT NOT NULL, event TEXT NOT NULL,
  application_id TEXT, input_hash TEXT NOT NULL, model_version TEXT, policy_version TEXT,
  decision TEXT NOT NULL, system_decision TEXT, score INTEGER, pd DOUBLE PRECISION,
  rule_hits TEXT NOT NULL, reasons TEXT NOT NULL, reviewer TEXT, comment TEXT,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE)"""
SCHEMA = {
    "sqlite": (
        "CREATE TABLE IF NOT EXISTS audit_log " + _COLUMNS.replace("seq BIGINT", "seq INTEGER"),
        "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ),
    "postgres": (
        f"CREATE TABLE IF NOT EXISTS audit_log {_COLUMNS}",
        "CREATE INDEX IF NOT EXISTS audit_log_thread ON audit_log(thread_id)",
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
        "CREATE OR REPLACE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
        "CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ),
}


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


def _row(rec: AuditRecord, seq: int, ts: str, prev_hash: str) -> dict[str, Any]:
    """The stored fields of one record (without its own hash), in column order."""
    return {
        "seq": seq, "ts": ts,
        "thread_id": rec.thread_id, "event": rec.event, "application_id": rec.application_id,
        "input_hash": rec.input_hash, "model_version": rec.model_version,
        "policy_version": rec.policy_version, "decision": rec.decision,
        "system_decision": rec.system_decision, "score": rec.score,
        "pd": None if rec.pd is None else round(rec.pd, 6),
        "rule_hits": json.dumps(rec.rule_hits, ensure_ascii=False),
        "reasons": json.dumps(rec.reasons, ensure_ascii=False),
        "reviewer": rec.reviewer, "comment": rec.comment,
        "prev_hash": prev_hash,
    }


class AuditLog:
    """Over a ``Database``: a path opens its own SQLite file (WAL, full fsync on commit)."""

    def __init__(self, where: Path | str | Database):
        if isinstance(where, Database):
            self.db, self.path = where, None
        else:
            self.path = Path(where)
            self.db = SqliteDatabase(self.path, synchronous="FULL")
        self.db.script(SCHEMA[self.db.dialect])

    def close(self) -> None:
        if self.path is not None:
            self.db.close()

    def append(self, rec: AuditRecord, ts: datetime | None = None) -> dict[str, Any]:
        """Append one record atomically; concurrent writers wait for each other (never fork the chain)."""
        return self.append_many([rec], ts)[0]

    def append_many(self, recs: Sequence[AuditRecord], ts: datetime | None = None) -> list[dict[str, Any]]:
        """Append records in order as one transaction under the chain lock: one head read and one
        batched insert, so a monthly monitoring run can audit every alert (thousands of rows) without
        a round trip per row; either all records are in the chain or none is."""
        if not recs:
            return []
        stamp = (ts or datetime.now(timezone.utc)).isoformat(timespec="milliseconds")
        with self.db.transaction(exclusive="puhui-audit-log") as tx:
            last = tx.fetchone("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            seq, prev = ((last["seq"], last["hash"]) if last else (0, GENESIS))
            rows = []
            for rec in recs:
                seq += 1
                row = _row(rec, seq, stamp, prev)
                row["hash"] = prev = record_hash(row)
                rows.append(row)
            cols = ", ".join(rows[0])
            tx.executemany(f"INSERT INTO audit_log ({cols}) VALUES ({', '.join('?' * len(rows[0]))})",
                           [tuple(r.values()) for r in rows])
            return rows

    def records(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        q = "SELECT * FROM audit_log" + (" WHERE thread_id = ?" if thread_id else "") + " ORDER BY seq"
        rows = self.db.fetchall(q, (thread_id,) if thread_id else ())
        for r in rows:
            r["rule_hits"], r["reasons"] = json.loads(r["rule_hits"]), json.loads(r["reasons"])
        return rows

    def open_referrals(self) -> list[dict[str, Any]]:
        """Referred reviews with no reviewer decision recorded yet (the pending queue), oldest first."""
        return self.db.fetchall(
            "SELECT thread_id, ts, seq FROM audit_log a WHERE event = 'referred' AND NOT EXISTS "
            "(SELECT 1 FROM audit_log b WHERE b.thread_id = a.thread_id AND b.event = 'reviewed') ORDER BY seq")

    def verify(self, expect_head: str | None = None) -> VerifyResult:
        """Recompute the chain; report the first record whose content, link or sequence is wrong."""
        prev, expected_seq, n = GENESIS, 1, 0
        rows = self.db.fetchall("SELECT * FROM audit_log ORDER BY seq")  # one statement: one snapshot
        for row in rows:
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
