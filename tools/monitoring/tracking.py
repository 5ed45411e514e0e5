"""What the chain map and the brief need from industry tracking for one segment: the profile version
in force (and its body, when a person has edited the profile since the corpus), the indicator signals
of the latest month and the resulting strategy stance (收紧/放宽/维持).

``open_tracking_db`` says where tracking lives: the shared Postgres database when configured, else
``<data_dir>/monitoring.sqlite`` — the same choice every entry point (CLI, server, eval) makes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from tools.monitoring import indicators
from tools.monitoring.indicators import IndustrySignal
from tools.monitoring.profiles import ProfileStore
from tools.storage import Database, SqliteDatabase

_FRONT = re.compile(r"\A---\s*\n.*?\n---\s*\n?", re.S)


class SegmentTracking(BaseModel):
    segment: str
    profile_version: int
    profile_label: str = Field(description="e.g. v3（2026-11-20，张三）")
    edited_body: str | None = Field(None, description="the body of an edited profile (None: the corpus text)")
    stance: str = "维持"
    signals: list[IndustrySignal] = Field(default_factory=list)

    def evidence(self) -> list[str]:
        return [f"【{'收紧' if s.direction == 'tighten' else '放宽'}】{s.evidence}" for s in self.signals]


def open_tracking_db(database: Database | None, data_dir: Path) -> Database:
    return database if database is not None else SqliteDatabase(Path(data_dir) / "monitoring.sqlite")


def corpus_profiles(corpus: Any) -> dict[str, str]:
    """Segment id → the corpus document's text: version 1 of every profile."""
    return {k: (Path(corpus.root) / d.path).read_text(encoding="utf-8") for k, d in corpus.industries.items()}


class IndustryTracking:
    def __init__(self, db: Database, baseline: dict[str, str]):
        self.db = db
        self.profiles = ProfileStore(db, baseline)
        db.script(indicators.SCHEMA)

    def signals(self, segment: str | None = None, as_of: str | None = None) -> list[IndustrySignal]:
        return indicators.signals(indicators.load(self.db, segment), as_of)

    def lookup(self, segment: str, as_of: str | None = None) -> SegmentTracking | None:
        if segment not in self.profiles.baseline:
            return None
        version, content = self.profiles.current(segment)
        sigs = self.signals(segment, as_of)
        body = _FRONT.sub("", content, count=1) if version.version > 1 else None
        return SegmentTracking(segment=segment, profile_version=version.version, profile_label=version.label,
                               edited_body=body, stance=indicators.stance(sigs), signals=sigs)
