"""Turn a run folder into report.md and a self-contained report.html (charts inlined as PNG)."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

from eval.compare import load_run
from eval.run import load_results
from eval.suite import CaseResult
from prompts.loader import render

WORST_PER_SUITE = 8


def _primary_score(r: CaseResult) -> float:
    if r.error:
        return 0.0
    return next(iter(r.scores.values())) if r.scores else float(r.passed)


def worst_cases(results: list[CaseResult], n: int = WORST_PER_SUITE) -> list[CaseResult]:
    failed = [r for r in results if not r.passed]
    return sorted(failed, key=lambda r: (r.error is None, _primary_score(r), r.id))[:n]


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def suite_charts(name: str, results: list[CaseResult]) -> list[tuple[str, str]]:
    """Score distribution, pass rate per category, latency histogram — as base64 PNGs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    charts = []
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.hist([_primary_score(r) for r in results], bins=10, range=(0, 1), color="#3b7dd8")
    ax.set_title(f"{name}: score distribution")
    charts.append(("score distribution", _png(fig)))

    by_cat: dict[str, list[bool]] = {}
    for r in results:
        by_cat.setdefault(str(r.tags.get("category", "general")), []).append(r.passed)
    cats = sorted(by_cat)[:20]
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.barh(range(len(cats)), [sum(by_cat[c]) / len(by_cat[c]) for c in cats], color="#4caf50")
    ax.set_yticks(range(len(cats)), [c[:18] for c in cats], fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_title("pass rate by category")
    charts.append(("pass rate by category", _png(fig)))

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.hist([r.latency_ms for r in results], bins=20, color="#ff9800")
    ax.set_title("latency (ms)")
    charts.append(("latency histogram", _png(fig)))
    return charts


def write_reports(run_dir: Path) -> tuple[Path, Path]:
    run = load_run(run_dir)
    worst: dict[str, Any] = {}
    charts: dict[str, Any] = {}
    for name, entry in run["suites"].items():
        if entry.get("status") != "ok":
            continue
        results = list(load_results(run_dir / name / "results.jsonl").values())
        worst[name] = [r.model_dump() for r in worst_cases(results)]
        charts[name] = suite_charts(name, results) if results else []
    md = run_dir / "report.md"
    md.write_text(render("reports/eval_report.md.j2", meta=run["meta"], suites=run["suites"], worst=worst),
                  encoding="utf-8")
    html = run_dir / "report.html"
    html.write_text(render("reports/eval_report.html.j2", meta=run["meta"], suites=run["suites"], worst=worst,
                           charts=charts), encoding="utf-8")
    return md, html
