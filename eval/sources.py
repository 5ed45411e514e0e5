"""Who answered, and how well: a suite's cases split by answer source, and judge figures kept apart.

With ``--llm openai`` a suite's cases are answered three ways — by the model (``llm``), by the
deterministic path after the model failed (``fallback``, with its reason), or by the deterministic
path because no model was asked (``none``). A mean over all of them hides a model that fails half the
time behind a good fallback, so the runner stores, next to the headline metrics:

- ``answered_by``: cases per source, and ``fallback_reasons``: fallbacks per reason;
- ``by_source``: the suite's own headline metrics computed over each source's cases alone;
- ``judges``: per judge metric, the model-judged and the rule-judged mean, each with its n, and why
  the judge model fell back.

These sit outside ``summary``, so the gate and the baselines are unchanged by them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from eval.suite import LLM_JUDGE_SUFFIX, RULE_SUFFIX, CaseResult

SOURCES = ("llm", "fallback", "none")


def answered_by(results: list[CaseResult]) -> dict[str, int]:
    """Cases per answer source; errored cases were not answered and are counted as errors only."""
    ok = [r for r in results if r.error is None]
    return {s: sum(r.llm == s for r in ok) for s in SOURCES}


def fallback_reasons(results: list[CaseResult]) -> dict[str, int]:
    """Fallbacks per reason, most frequent first ("unknown" when the suite could not tell)."""
    c = Counter(r.llm_reason or "unknown" for r in results if r.error is None and r.llm == "fallback")
    return dict(c.most_common())


def by_source(results: list[CaseResult], summarize: Callable[[list[CaseResult]], dict[str, float]],
              summary: dict[str, float] | None = None) -> dict[str, dict[str, float]]:
    """``summarize`` (the suite's headline metrics) over each source's cases, plus their count.
    ``summary`` (the whole run's) is reused when one source answered every case."""
    out: dict[str, dict[str, float]] = {}
    for s in SOURCES:
        group = [r for r in results if r.error is None and r.llm == s]
        if group:
            figures = summary if summary is not None and len(group) == len(results) else summarize(group)
            out[s] = {"cases": float(len(group)), **figures}
    return out


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def judge_summary(results: list[CaseResult]) -> dict[str, dict[str, Any]]:
    """Per judge metric: {llm_judge: {n, mean}, rule: {n, mean}, judge_fallbacks: {reason: n}, unscored: n}.

    ``rule`` covers every case the rule could score (also those the model judged), ``llm_judge``
    only the cases the model judged; the two are never averaged together.
    """
    ok = [r for r in results if r.error is None]
    metrics = sorted({j.metric for r in ok for j in r.judges}
                     | {k[: -len(RULE_SUFFIX)] for r in ok for k in r.scores if k.endswith(RULE_SUFFIX)})
    out: dict[str, dict[str, Any]] = {}
    for m in metrics:
        llm_vals = [r.scores[m + LLM_JUDGE_SUFFIX] for r in ok if m + LLM_JUDGE_SUFFIX in r.scores]
        rule_vals = [r.scores[m + RULE_SUFFIX] for r in ok if m + RULE_SUFFIX in r.scores]
        records = [j for r in ok for j in r.judges if j.metric == m]
        fails = Counter(j.llm_reason or "unknown" for j in records if j.llm == "fallback")
        out[m] = {"llm_judge": {"n": len(llm_vals), "mean": _mean(llm_vals)},
                  "rule": {"n": len(rule_vals), "mean": _mean(rule_vals)},
                  "judge_fallbacks": dict(fails.most_common()),
                  "unscored": sum(j.judge == "none" for j in records)}
    return out


def source_report(results: list[CaseResult], summarize: Callable[[list[CaseResult]], dict[str, float]],
                  summary: dict[str, float] | None = None) -> dict[str, Any]:
    """The run.json fields this module adds to a suite's entry."""
    return {"answered_by": answered_by(results), "fallback_reasons": fallback_reasons(results),
            "by_source": by_source(results, summarize, summary), "judges": judge_summary(results)}
