"""The eval runner: cases in parallel where safe, one crash = one failed case, resumable runs.

Results are appended to ``<out>/<suite>/results.jsonl`` as each case finishes, so an interrupted run
continues where it stopped (cases already in the file are not run again). ``run.json`` holds the
headline metrics of every suite; eval/report.py turns a run folder into Markdown and HTML.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from eval.judge import Judge
from eval.schema import DatasetError, EvalCase
from eval.sources import source_report
from eval.suite import LLM_JUDGE_SUFFIX, CaseResult, Suite

ProgressFn = Callable[[str, int, int], None]  # (suite, done, total)


@dataclass
class EvalContext:
    """What suites may use: the shared services, the LLM mode, where public data lives, and the judge.

    ``judge_model`` is the chat model that scores answers for the judge metrics (eval/judge.py);
    None = rule-based judges only. It is independent of ``llm_mode`` (the system under test's model),
    so deterministic answers can be judged by a model too (``puhui eval --judge openai``).
    """

    services: Any
    llm_mode: str
    shared_data_dir: Path
    judge_model: Any = None
    judge_timeout_s: float = 30.0

    @property
    def judge(self) -> Judge:
        return Judge(self.judge_model, self.judge_timeout_s)


def load_results(path: Path) -> dict[str, CaseResult]:
    done: dict[str, CaseResult] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                r = CaseResult.model_validate_json(line)
            except ValueError:
                continue  # a line cut short by a crash: that case simply runs again
            done[r.id] = r
    return done


def _run_one(suite: Suite, case: EvalCase, sut: Any) -> CaseResult:
    t0 = time.perf_counter()
    base = {"id": case.id, "suite": suite.name, "expected": case.expected, "tags": case.tags.model_dump()}
    try:
        out = suite.run_case(case, sut)
    except Exception as exc:  # recorded as this case's failure; the run goes on
        tb = traceback.format_exc(limit=4)
        return CaseResult(**base, passed=False, error=f"{type(exc).__name__}: {exc}", trace=tb.splitlines()[-6:],
                          latency_ms=(time.perf_counter() - t0) * 1000)
    return CaseResult(**base, passed=out.passed, scores=out.scores, output=out.output, trace=out.trace,
                      llm=out.llm, llm_reason=out.llm_reason if out.llm == "fallback" else None,
                      judges=out.judges, latency_ms=(time.perf_counter() - t0) * 1000)


def run_suite(suite: Suite, ctx: EvalContext, out_dir: Path, *, limit: int | None = None, workers: int = 2,
              progress: ProgressFn | None = None) -> dict[str, Any]:
    """Run one suite into ``out_dir/<suite>/``; return its entry for run.json."""
    folder = out_dir / suite.name
    folder.mkdir(parents=True, exist_ok=True)
    reason = suite.available(ctx)
    if reason:
        return {"status": "skipped", "reason": reason}
    try:
        cases = suite.load_cases(ctx)
    except DatasetError as exc:
        return {"status": "error", "reason": "malformed dataset", "problems": exc.problems}
    except Exception as exc:  # one suite that cannot load its cases never ends the run
        return {"status": "error", "reason": f"loading cases failed: {type(exc).__name__}: {exc}"}
    cases = cases[:limit] if limit else cases
    results_path = folder / "results.jsonl"
    done = load_results(results_path)
    todo = [c for c in cases if c.id not in done]
    try:
        sut = suite.setup(ctx) if todo else None
    except Exception as exc:
        return {"status": "error", "reason": f"setup failed: {type(exc).__name__}: {exc}"}
    lock = threading.Lock()
    finished = len(cases) - len(todo)
    if progress:
        progress(suite.name, finished, len(cases))
    with results_path.open("a", encoding="utf-8") as fh, \
            ThreadPoolExecutor(max_workers=workers if suite.parallel_safe else 1) as pool:
        futures = [pool.submit(_run_one, suite, c, sut) for c in todo]
        for fut in as_completed(futures):
            res = fut.result()
            with lock:
                fh.write(res.model_dump_json() + "\n")
                fh.flush()
                done[res.id] = res
                finished += 1
            if progress:
                progress(suite.name, finished, len(cases))
    results = [done[c.id] for c in cases if c.id in done]
    summary = suite.summarize(results)
    # a model's verdicts vary between runs and models: reported, never gated or written to a baseline
    model_judged = {k for k in summary if k.endswith(LLM_JUDGE_SUFFIX)}
    entry = {
        "status": "ok",
        "cases": len(results),
        "passed": sum(r.passed for r in results),
        "errors": sum(r.error is not None for r in results),
        "llm_answers": sum(r.llm == "llm" for r in results),
        "fallbacks": sum(r.llm == "fallback" for r in results),
        "summary": summary,
        **source_report(results, suite.summarize, summary),
        "lower_is_better": sorted(suite.lower_is_better),
        "ungated": sorted(suite.ungated | model_judged),
    }
    (folder / "summary.json").write_text(json.dumps(entry, ensure_ascii=False, indent=2), encoding="utf-8")
    return entry


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).parent, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def run_all(suites: list[Suite], ctx: EvalContext, out_dir: Path, *, limit: int | None = None, workers: int = 2,
            progress: ProgressFn | None = None) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    run_file = out_dir / "run.json"
    run = json.loads(run_file.read_text(encoding="utf-8")) if run_file.exists() else {"suites": {}}
    run["meta"] = {
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "llm_mode": ctx.llm_mode,
        "judge": "llm" if ctx.judge_model is not None else "rule",
        "limit": limit,
    }
    for suite in suites:
        run["suites"][suite.name] = run_suite(suite, ctx, out_dir, limit=limit, workers=workers, progress=progress)
        run_file.write_text(json.dumps(run, ensure_ascii=False, indent=2), encoding="utf-8")
    return run
