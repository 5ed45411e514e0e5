"""Monthly monitoring results in the state store: one row per run, one per loan that is not 正常, and
the staff decisions on an alert's action (accept or override, with a comment).

A rerun of the same month replaces that month's alerts (the book may have been corrected); decisions
are kept, keyed by loan and month. Evidence is stored as JSON with personal data masked.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from pydantic import BaseModel, Field

from tools.pii import mask_pii
from tools.storage import Database

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS monitor_runs (month TEXT PRIMARY KEY, ts TEXT NOT NULL, loans INTEGER NOT NULL, "
    "counts TEXT NOT NULL, strategy_version TEXT NOT NULL, seconds DOUBLE PRECISION NOT NULL, "
    "input_hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS loan_warnings (month TEXT NOT NULL, loan_id TEXT NOT NULL, segment TEXT NOT NULL, "
    "level TEXT NOT NULL, action TEXT NOT NULL, points INTEGER NOT NULL, reasons TEXT NOT NULL, "
    "evidence TEXT NOT NULL, PRIMARY KEY (month, loan_id))",
    "CREATE TABLE IF NOT EXISTS warning_decisions (month TEXT NOT NULL, loan_id TEXT NOT NULL, ts TEXT NOT NULL, "
    "reviewer TEXT NOT NULL, decision TEXT NOT NULL, action TEXT NOT NULL, comment TEXT NOT NULL)",
)


class LoanWarning(BaseModel):
    month: str
    loan_id: str
    segment: str
    level: str
    action: str
    points: int
    reasons: list[str]
    evidence: list[dict] = Field(default_factory=list)


class RunSummary(BaseModel):
    month: str
    ts: str
    loans: int
    counts: dict[str, int]
    strategy_version: str
    seconds: float
    input_hash: str


class WarningStore:
    def __init__(self, db: Database):
        self.db = db
        db.script(SCHEMA)

    def save_run(self, run: RunSummary, warnings: list[LoanWarning]) -> None:
        rows = [(w.month, w.loan_id, w.segment, w.level, w.action, w.points, json.dumps(w.reasons),
                 mask_pii(json.dumps(w.evidence, ensure_ascii=False))) for w in warnings]
        with self.db.transaction(exclusive="puhui-monitor") as tx:
            tx.execute("DELETE FROM loan_warnings WHERE month = ?", (run.month,))
            tx.execute("DELETE FROM monitor_runs WHERE month = ?", (run.month,))
            tx.execute("INSERT INTO monitor_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (run.month, run.ts, run.loans, json.dumps(run.counts, ensure_ascii=False),
                        run.strategy_version, run.seconds, run.input_hash))
            tx.executemany("INSERT INTO loan_warnings VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def runs(self) -> list[RunSummary]:
        rows = self.db.fetchall("SELECT * FROM monitor_runs ORDER BY month")
        return [RunSummary(**{**r, "counts": json.loads(r["counts"])}) for r in rows]

    def warnings(self, month: str | None = None, level: str | None = None, segment: str | None = None,
                 loan_id: str | None = None, limit: int = 200, offset: int = 0) -> list[LoanWarning]:
        sql, params = "SELECT * FROM loan_warnings WHERE 1 = 1", []
        for col, val in (("month", month), ("level", level), ("segment", segment), ("loan_id", loan_id)):
            if val:
                sql += f" AND {col} = ?"
                params.append(val)
        sql += " ORDER BY month DESC, points DESC, loan_id LIMIT ? OFFSET ?"
        rows = self.db.fetchall(sql, [*params, limit, offset])
        return [LoanWarning(**{**r, "reasons": json.loads(r["reasons"]), "evidence": json.loads(r["evidence"])})
                for r in rows]

    def portfolio(self, month: str) -> list[dict]:
        """Counts by segment and level for one month (正常 loans are counted in the run, not stored)."""
        return self.db.fetchall("SELECT segment, level, COUNT(*) AS loans FROM loan_warnings WHERE month = ? "
                                "GROUP BY segment, level ORDER BY segment, level", (month,))

    def decide(self, month: str, loan_id: str, *, reviewer: str, decision: str, action: str, comment: str) -> dict:
        row = (month, loan_id, datetime.now(timezone.utc).isoformat(timespec="seconds"), reviewer, decision, action,
               mask_pii(comment))
        self.db.execute("INSERT INTO warning_decisions VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        return dict(zip(("month", "loan_id", "ts", "reviewer", "decision", "action", "comment"), row))

    def decisions(self, loan_id: str) -> list[dict]:
        return self.db.fetchall("SELECT * FROM warning_decisions WHERE loan_id = ? ORDER BY ts", (loan_id,))
