"""What a suite is: a dataset, a system under test, a per-case scorer and a summary.

Each assistant's suite lives in eval/suites/<name>.py and registers itself in eval/suites/__init__.py.
The runner knows nothing about assistants; suites know nothing about threads, files or reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from eval.schema import EvalCase

LlmUse = Literal["none", "llm", "fallback"]


class CaseResult(BaseModel):
    """The outcome of one case, as stored (one JSON line) and reported."""

    id: str
    suite: str
    passed: bool
    scores: dict[str, float] = Field(default_factory=dict)
    output: Any = None
    expected: Any = None
    trace: list[str] = Field(default_factory=list)
    tags: dict[str, Any] = Field(default_factory=dict)
    latency_ms: float = 0.0
    llm: LlmUse = "none"
    error: str | None = None


@dataclass
class Outcome:
    """What a suite's ``run_case`` returns; the runner adds id, timing and error handling."""

    passed: bool
    scores: dict[str, float] = field(default_factory=dict)
    output: Any = None
    trace: list[str] = field(default_factory=list)
    llm: LlmUse = "none"


class Suite:
    """Base class. Subclasses set the class attributes and implement ``setup``/``run_case``."""

    name: ClassVar[str]
    dataset: ClassVar[str]  # file name in eval/datasets, or "" for external benchmarks
    description: ClassVar[str] = ""
    fast: ClassVar[bool] = True  # part of the CI gate
    parallel_safe: ClassVar[bool] = True
    #: headline metrics where lower is better (everything else: higher is better)
    lower_is_better: ClassVar[frozenset[str]] = frozenset()
    #: headline metrics the gate ignores (machine-dependent, e.g. latency)
    ungated: ClassVar[frozenset[str]] = frozenset({"latency_p50_ms", "latency_p95_ms"})

    def available(self, ctx: Any) -> str | None:
        """None when the suite can run here, else the reason it is skipped (e.g. data absent)."""
        return None

    def load_cases(self, ctx: Any) -> list[EvalCase]:
        from eval.schema import DATASETS_DIR, load_cases

        return load_cases(DATASETS_DIR / self.dataset)

    def setup(self, ctx: Any) -> Any:
        """Build the system under test once per run (shared by all cases)."""
        return None

    def run_case(self, case: EvalCase, sut: Any) -> Outcome:
        raise NotImplementedError

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        """Headline metrics; the default is the pass rate and the mean of each score."""
        from eval.metrics.latency import percentile

        ok = [r for r in results if r.error is None]
        out = {"pass_rate": sum(r.passed for r in results) / len(results) if results else 0.0}
        for key in sorted({k for r in ok for k in r.scores}):
            vals = [r.scores[key] for r in ok if key in r.scores]
            out[key] = sum(vals) / len(vals) if vals else 0.0
        lat = [r.latency_ms for r in ok]
        out["latency_p50_ms"], out["latency_p95_ms"] = percentile(lat, 50), percentile(lat, 95)
        return out
