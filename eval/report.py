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


#: CJK-capable fonts first so Chinese category labels are not drawn as empty boxes (fallback: DejaVu)
_FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "DejaVu Sans"]


def figure_png(fig) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it (figures are not kept alive)."""
    import matplotlib.pyplot as plt  # charts only: matplotlib (~0.7 s) stays out of eval runs

    buf = io.BytesIO()
    with plt.rc_context({"font.sans-serif": _FONTS, "axes.unicode_minus": False}):  # fonts resolve at draw
        fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _png(fig) -> str:
    return base64.b64encode(figure_png(fig)).decode("ascii")


def suite_figures(name: str, results: list[CaseResult]) -> list[tuple[str, Any]]:
    """The one chart function: score distribution, pass rate per category, latency histogram.

    Returns (title, matplotlib Figure) pairs; the HTML report inlines them as base64 PNGs
    (``suite_charts``) and the workbench's eval tab shows them as images (``suite_chart_images``).
    """
    import matplotlib  # charts only: matplotlib (~0.7 s) stays out of eval runs

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # after matplotlib.use("Agg")

    figures = []
    with plt.rc_context({"font.sans-serif": _FONTS, "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.hist([_primary_score(r) for r in results], bins=10, range=(0, 1), color="#3b7dd8")
        ax.set_title(f"{name}: score distribution")
        figures.append(("score distribution", fig))

        by_cat: dict[str, list[bool]] = {}
        for r in results:
            by_cat.setdefault(str(r.tags.get("category", "general")), []).append(r.passed)
        cats = sorted(by_cat)[:20]
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.barh(range(len(cats)), [sum(by_cat[c]) / len(by_cat[c]) for c in cats], color="#4caf50")
        ax.set_yticks(range(len(cats)), [c[:18] for c in cats], fontsize=7)
        ax.set_xlim(0, 1)
        ax.set_title("pass rate by category")
        figures.append(("pass rate by category", fig))

        fig, ax = plt.subplots(figsize=(4, 3))
        ax.hist([r.latency_ms for r in results], bins=20, color="#ff9800")
        ax.set_title("latency (ms)")
        figures.append(("latency histogram", fig))
    return figures


def suite_charts(name: str, results: list[CaseResult]) -> list[tuple[str, str]]:
    """The charts as (title, base64 PNG) for the self-contained HTML report."""
    return [(title, _png(fig)) for title, fig in suite_figures(name, results)]


def suite_chart_images(name: str, results: list[CaseResult]) -> list[tuple[Any, str]]:
    """The charts as (PIL image, title) pairs, the shape a Gradio Gallery takes."""
    from PIL import Image  # image decoding only for the workbench gallery

    return [(Image.open(io.BytesIO(figure_png(fig))), title) for title, fig in suite_figures(name, results)]


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
