"""The monthly "what changed" digest across all industries: profile versions, notes and indicator
signals of one calendar month, rendered from prompts/monitoring/digest.md.j2 (no model writes it)."""

from __future__ import annotations

import pandas as pd

from prompts.loader import render
from tools.monitoring.tracking import IndustryTracking


def month_bounds(month: str) -> tuple[str, str]:
    p = pd.Period(month, freq="M")
    return f"{p}-01", f"{p + 1}-01"


def monthly_digest(tracking: IndustryTracking, month: str) -> str:
    start, end = month_bounds(month)
    changes = []
    for v in tracking.profiles.changes_between(start, end):
        added, removed = tracking.profiles.line_changes(v.segment, v.version)
        changes.append({**v.model_dump(), "added": added, "removed": removed})
    notes = tracking.profiles.notes(start=start, end=end)
    signals = [s for s in tracking.signals(as_of=month) if s.month == month]
    return render("monitoring/digest.md.j2", month=month, changes=changes, notes=notes, signals=signals)
