"""What the monitoring graphs need at run time, built once per process (LangGraph ``context``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tools.credit.audit import AuditLog
from tools.monitoring.disposal import DisposalStrategy
from tools.monitoring.signals import SignalParams
from tools.monitoring.tracking import IndustryTracking
from tools.monitoring.warnings_store import WarningStore
from tools.txn.flags import ScreeningParams

STRATEGY_FILE = Path(__file__).resolve().parent / "data" / "disposal_strategy.yaml"


def load_strategy(path: Path = STRATEGY_FILE) -> DisposalStrategy:
    return DisposalStrategy.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@dataclass
class MonitoringContext:
    tracking: IndustryTracking
    warnings: WarningStore
    audit: AuditLog
    book_path: Path  # the booked-loan book (long CSV, tools.monitoring.book)
    seasonality: dict[str, list[float]]  # segment → 12 factors, from the corpus
    risk_grades: dict[str, int]
    segment_names: dict[str, str]
    strategy: DisposalStrategy = field(default_factory=load_strategy)
    params: SignalParams = field(default_factory=SignalParams)
    screening_params: ScreeningParams = field(default_factory=ScreeningParams)
    chat_model: Any | None = None
    llm_timeout_s: float = 20.0

    @property
    def statements_path(self) -> Path:
        """The book's bank statements (long CSV, tools.monitoring.statements), beside the book."""
        return self.book_path.with_name("statements.csv")
