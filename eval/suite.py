"""What a suite is: a dataset, a system under test, a per-case scorer and a summary.

Each assistant's suite lives in eval/suites/<name>.py and registers itself in eval/suites/__init__.py.
The runner knows nothing about assistants; suites know nothing about threads, files or reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from eval.metrics.latency import percentile
from eval.schema import DATASETS_DIR, EvalCase, load_cases

LlmUse = Literal["none", "llm", "fallback"]
JudgeMetric = Literal["faithfulness", "helpfulness"]
#: score-key suffixes of judge metrics: model-judged and rule-judged scores are never averaged together
LLM_JUDGE_SUFFIX, RULE_SUFFIX = "_llm_judge", "_rule"


class JudgeRecord(BaseModel):
    """One judge verdict on one case (eval/judge.py makes them).

    ``judge`` is who produced ``score``: the model ("llm"), the deterministic rule ("rule"), or nobody
    ("none": the model failed and no rule applies, e.g. helpfulness without a reference answer).
    ``llm``/``llm_reason`` say what happened to the model call: "none" when no judge model is
    configured, "fallback" with the reason (timeout, http_500, invalid_output …) when it failed.
    """

    metric: JudgeMetric
    judge: Literal["llm", "rule", "none"]
    score: float | None = Field(None, ge=0, le=1)
    rationale: str = ""
    unsupported_claims: list[str] = Field(default_factory=list)
    llm: LlmUse = "none"
    llm_reason: str | None = None


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
    #: why the system under test fell back from the model (timeout, http_500, ungrounded …)
    llm_reason: str | None = None
    judges: list[JudgeRecord] = Field(default_factory=list)
    error: str | None = None


@dataclass
class Outcome:
    """What a suite's ``run_case`` returns; the runner adds id, timing and error handling."""

    passed: bool
    scores: dict[str, float] = field(default_factory=dict)
    output: Any = None
    trace: list[str] = field(default_factory=list)
    #: which path produced the answer — read from the result, never assumed from the run's LLM mode
    llm: LlmUse = "none"
    llm_reason: str | None = None
    judges: list[JudgeRecord] = field(default_factory=list)


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
        return load_cases(DATASETS_DIR / self.dataset)

    def setup(self, ctx: Any) -> Any:
        """Build the system under test once per run (shared by all cases)."""
        return None

    def run_case(self, case: EvalCase, sut: Any) -> Outcome:
        raise NotImplementedError

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        """Headline metrics; the default is the pass rate and the mean of each score."""
        ok = [r for r in results if r.error is None]
        out = {"pass_rate": sum(r.passed for r in results) / len(results) if results else 0.0}
        for key in sorted({k for r in ok for k in r.scores}):
            vals = [r.scores[key] for r in ok if key in r.scores]
            out[key] = sum(vals) / len(vals) if vals else 0.0
        lat = [r.latency_ms for r in ok]
        out["latency_p50_ms"], out["latency_p95_ms"] = percentile(lat, 50), percentile(lat, 95)
        return out
