"""The monitoring assistant as one object: industry tracking (notes, profile versions, indicators, the
monthly digest) and the post-loan monitoring run over the booked-loan book.

``MonitoringService.from_services(services)`` is what the CLI, the API router, the workbench tab and the
eval call. State lives in the state store (tools/storage: ``<data_dir>/monitoring.sqlite`` or the
Postgres database); the book is a CSV at ``<data_dir>/monitoring/book.csv``; run audit records go to
the loan audit chain.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from agents.monitoring.context import MonitoringContext
from agents.monitoring.digest import monthly_digest
from agents.monitoring.graph import build_graph, build_note_graph
from agents.monitoring.schemas import NoteResult, RunResult
from tools.credit.audit import AuditLog, AuditRecord
from tools.monitoring import book as book_mod, indicators, statements
from tools.monitoring.disposal import ACTIONS
from tools.monitoring.note_index import NoteHit, search_notes
from tools.monitoring.profiles import ProfileVersion
from tools.monitoring.tracking import IndustryTracking, corpus_profiles, open_tracking_db
from tools.monitoring.warnings_store import LoanWarning, WarningStore


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temp file and rename, so a half-written file is never read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


class MonitoringService:
    def __init__(self, context: MonitoringContext):
        self.context = context
        self.graph = build_graph()
        self.note_graph = build_note_graph()

    @classmethod
    def build(cls, corpus: Any, db: Any, audit: AuditLog, data_dir: Path, chat_model: Any = None,
              llm_timeout_s: float = 20.0) -> "MonitoringService":
        metas = {k: d.meta for k, d in corpus.industries.items()}
        tracking = IndustryTracking(db, corpus_profiles(corpus))
        return cls(MonitoringContext(
            tracking=tracking, warnings=WarningStore(db), audit=audit,
            book_path=Path(data_dir) / "monitoring" / "book.csv",
            seasonality={k: list(m.seasonality) for k, m in metas.items()},
            risk_grades={k: m.risk_grade for k, m in metas.items()}, segment_names={k: m.name for k, m in metas.items()},
            chat_model=chat_model, llm_timeout_s=llm_timeout_s))

    @classmethod
    def from_services(cls, services: Any) -> "MonitoringService":
        def build() -> MonitoringService:
            s = services.settings
            return cls.build(services.corpus, open_tracking_db(services.database, s.data_dir),
                             AuditLog(services.audit_database()), s.data_dir, services.llm, s.llm_timeout_s)

        return services.cached("monitoring", build)

    @property
    def tracking(self) -> IndustryTracking:
        return self.context.tracking

    # --- industry tracking -----------------------------------------------------------------------
    def add_note(self, text: str, author: str) -> NoteResult:
        """Validate (notes.NoteInvalid on bad fields), attach and index; propose an edit with a model."""
        out = self.note_graph.invoke({"text": text, "author": author}, context=self.context)
        note = out["note"]
        return NoteResult(note_id=note.note_id, segment=note.segment, attached=out["attached"],
                          indexed_chunks=out["indexed_chunks"], proposal=out.get("proposal"), llm=out["llm"],
                          llm_reason=out.get("llm_reason"))

    def decide_proposal(self, proposal_id: str, *, accept: bool, by: str, comment: str = "") -> ProfileVersion | None:
        return self.tracking.profiles.decide(proposal_id, accept=accept, by=by, comment=comment)

    def commit_profile(self, segment: str, content: str, *, author: str, reason: str) -> ProfileVersion:
        return self.tracking.profiles.commit(segment, content, author=author, reason=reason)

    def history(self, segment: str) -> list[ProfileVersion]:
        return self.tracking.profiles.history(segment)

    def diff(self, segment: str, since: str) -> str:
        return self.tracking.profiles.diff_since(segment, since)

    def digest(self, month: str) -> str:
        return monthly_digest(self.tracking, month)

    def search_notes(self, query: str, k: int = 5, segment: str | None = None) -> list[NoteHit]:
        return search_notes(self.tracking.profiles, query, k, segment)

    def load_indicators(self, csv_text: str) -> tuple[int, list[indicators.IndustrySignal]]:
        df = indicators.read_csv(csv_text)
        unknown = sorted(set(df["segment"]) - set(self.context.seasonality))
        if unknown:
            raise indicators.IndicatorFileError(f"segment: 未知行业 {', '.join(unknown[:5])}")
        n = indicators.save(self.tracking.db, df)
        return n, self.tracking.signals()

    # --- the book and the monthly run ------------------------------------------------------------
    def save_book(self, bk: book_mod.LoanBook) -> Path:
        """Write the book atomically (a half-written book is never read)."""
        unknown = sorted(set(bk.loans["segment"]) - set(self.context.seasonality))
        if unknown:
            raise book_mod.BookFileError(f"segment: 未知行业 {', '.join(unknown[:5])}")
        path = self.context.book_path
        if bk.statements is not None:
            _write_atomic(self.context.statements_path, statements.to_csv(bk.statements))
        else:  # a new book without statements: the old book's statements must not be screened with it
            self.context.statements_path.unlink(missing_ok=True)
        _write_atomic(path, book_mod.to_csv(bk))
        return path

    def synthetic_book(self, n: int, end_month: str, seed: int = 7) -> book_mod.LoanBook:
        return book_mod.synthetic_book(n, self.context.seasonality, end_month=end_month, seed=seed)

    def run(self, month: str, book: book_mod.LoanBook | None = None) -> RunResult:
        """One monthly run (the stored book, or ``book``); raises ValueError/BookMissing naming the field."""
        return self.graph.invoke({"month": month, "book": book}, context=self.context)["result"]

    def warnings(self, **filters: Any) -> list[LoanWarning]:
        return self.context.warnings.warnings(**filters)

    def portfolio(self, month: str) -> list[dict]:
        return self.context.warnings.portfolio(month)

    def timeline(self, loan_id: str) -> dict:
        """A loan's months (flows, tax, delays, concentration, screening flags), its alerts by month and
        staff decisions. A month screened from statements shows the flags its alert found (the book
        column holds only imported counts)."""
        months: list[dict] = []
        alerts = self.context.warnings.warnings(loan_id=loan_id, limit=24)
        screened = {w.month: len(e.get("flags", [])) for w in alerts for e in w.evidence if e["code"] == "M06"}
        if self.context.book_path.exists():
            bk = book_mod.from_csv(self.context.book_path.read_text(encoding="utf-8"))
            hit = np.flatnonzero(bk.loans["loan_id"].to_numpy() == loan_id)
            if hit.size:
                i = int(hit[0])
                months = [{"month": m, "inflow": float(bk.inflow[i, k]), "tax_revenue": float(bk.tax_revenue[i, k]),
                           "dpd": int(bk.dpd[i, k]), "top_share": float(bk.top_share[i, k]),
                           "chain_flags": screened.get(m) or int(bk.chain_flags[i, k])}
                          for k, m in enumerate(bk.months)]
        return {"loan_id": loan_id, "months": months, "warnings": [w.model_dump() for w in alerts],
                "decisions": self.context.warnings.decisions(loan_id)}

    def decide_warning(self, month: str, loan_id: str, *, reviewer: str, decision: str, action: str | None,
                       comment: str) -> dict:
        """Staff accept the proposed action or override it (with a comment); written to the audit chain."""
        found = self.context.warnings.warnings(month=month, loan_id=loan_id, limit=1)
        if not found:
            raise KeyError(f"loan_id: {month} 没有贷款 {loan_id} 的预警")
        w = found[0]
        chosen = w.action if decision == "accept" else action
        if chosen not in ACTIONS:
            raise ValueError(f"action: 应为 {' / '.join(ACTIONS)}")
        row = self.context.warnings.decide(month, loan_id, reviewer=reviewer, decision=decision, action=chosen,
                                           comment=comment)
        self.context.audit.append(AuditRecord(
            thread_id=f"monitor-{month}", event="monitor_reviewed", application_id=loan_id,
            input_hash=hashlib.sha256(w.model_dump_json().encode()).hexdigest(),
            policy_version=self.context.strategy.version, decision=chosen,
            system_decision=w.action, rule_hits=w.reasons, reasons=[e["evidence"] for e in w.evidence],
            reviewer=reviewer, comment=row["comment"]))
        return row
