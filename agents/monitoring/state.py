"""Graph states. Nothing is checkpointed: a monthly run is a batch that is rerun whole, and a note is
attached in one pass (a proposal waits in the store, not in a paused graph)."""

from __future__ import annotations

from typing import Any, TypedDict


class MonitorState(TypedDict, total=False):
    month: str
    book: Any  # tools.monitoring.book.LoanBook sliced to end at ``month``
    tightened: list[str]  # segments whose indicators tighten the strategy
    industry_signals: list[str]
    screening: Any  # tools.monitoring.txn_screen.BookScreening (None: the book has no statements)
    signals: Any  # tools.monitoring.signals.SignalResult
    actions: Any  # numpy (n,) action indices
    seconds: float
    result: Any  # schemas.RunResult


class NoteState(TypedDict, total=False):
    text: str
    author: str
    note: Any  # tools.monitoring.notes.FieldNote
    attached: bool
    indexed_chunks: int
    proposal: Any
    llm: str
    llm_reason: str | None
