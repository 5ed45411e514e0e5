"""Batch QA: every dialog in a folder (JSON/JSONL/CSV), a summary, a chart and the KB-gap list.

Covers 100% of the dialogs it can read; files or dialogs it cannot read are listed in the summary's
``errors`` (with file and line) instead of stopping the run.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from agents.qa_inspection.schemas import BatchSummary, RuleCount
from agents.qa_inspection.service import QaService
from tools.qa.dialogs import Dialog, DialogFormatError, dialog_files, read_dialogs
from tools.qa.gaps import group_gaps
from tools.qa.models import DialogReport

_CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "SimHei")


def summarize(reports: list[DialogReport], inspector: QaService, errors: list[str] | None = None,
              worst_n: int = 10) -> BatchSummary:
    n = len(reports)
    by_rule: list[RuleCount] = []
    for rule in inspector.rubric.rules:
        hits = [sum(f.rule_id == rule.id for f in r.findings) for r in reports]
        by_rule.append(RuleCount(rule_id=rule.id, rule_name=rule.name, severity=rule.severity,
                                 dialogs=sum(1 for h in hits if h), findings=sum(hits)))
    severity = Counter(f.severity for r in reports for f in r.findings)
    worst = sorted(reports, key=lambda r: (r.score, -len(r.findings)))[:worst_n]
    return BatchSummary(
        dialogs=n,
        passed=sum(r.passed for r in reports),
        pass_rate=sum(r.passed for r in reports) / n if n else 0.0,
        mean_score=sum(r.score for r in reports) / n if n else 0.0,
        by_rule=by_rule,
        by_severity={s: severity.get(s, 0) for s in ("critical", "high", "medium", "low")},
        worst=[{"dialog_id": r.dialog_id, "score": r.score, "rules": sorted(r.rule_ids)} for r in worst if r.findings],
        gaps=group_gaps([g for r in reports for g in r.gaps]),
        errors=errors or [],
        llm_suggestions=sum(len(r.llm_suggestions) for r in reports),
    )


def load_folder(folder: Path) -> tuple[list[Dialog], list[str]]:
    dialogs, errors = [], []
    for path in dialog_files(folder):
        try:
            dialogs.extend(read_dialogs(path))
        except DialogFormatError as exc:
            errors.extend(exc.problems)
    return dialogs, errors


def write_chart(summary: BatchSummary, path: Path) -> None:
    """Bar chart of dialogs with findings per rule, pass rate in the title (PNG)."""
    import matplotlib  # charts only: matplotlib (~0.7 s) stays out of the inspection path

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # after matplotlib.use("Agg")
    from matplotlib import font_manager  # (same)

    installed = {f.name for f in font_manager.fontManager.ttflist}
    font = next((f for f in _CJK_FONTS if f in installed), None)
    labels = [f"{r.rule_name}\n{r.rule_id}" if font else r.rule_id for r in summary.by_rule]
    colors = {"critical": "#b2182b", "high": "#ef8a62", "medium": "#fddbc7", "low": "#d1e5f0"}
    with plt.rc_context({"font.family": font} if font else {}):
        fig, ax = plt.subplots(figsize=(10, 4.5))
        ax.bar(range(len(labels)), [r.dialogs for r in summary.by_rule],
               color=[colors.get(r.severity, "#999") for r in summary.by_rule], edgecolor="#555")
        ax.set_xticks(range(len(labels)), labels, fontsize=8)
        ax.set_ylabel("dialogs with findings")
        ax.set_title(f"QA: {summary.dialogs} dialogs, pass rate {summary.pass_rate:.0%}, mean score {summary.mean_score:.1f}")
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)


def write_outputs(reports: list[DialogReport], summary: BatchSummary, out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"findings": out_dir / "findings.jsonl", "summary": out_dir / "summary.json",
             "summary_md": out_dir / "summary.md", "chart": out_dir / "chart.png", "gaps": out_dir / "kb_gaps.csv"}
    with files["findings"].open("w", encoding="utf-8") as fh:
        for r in reports:
            fh.write(r.model_dump_json() + "\n")
    files["summary"].write_text(summary.model_dump_json(indent=2), encoding="utf-8")
    with files["gaps"].open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["question", "count", "reasons", "dialog_ids"])
        for g in summary.gaps:
            w.writerow([g.question, g.count, ";".join(g.reasons), ";".join(g.dialog_ids)])
    files["summary_md"].write_text(summary_markdown(summary), encoding="utf-8")
    write_chart(summary, files["chart"])
    return files


def summary_markdown(s: BatchSummary) -> str:
    lines = ["# 质检汇总", "", f"- 对话数：{s.dialogs}（合格 {s.passed}，合格率 {s.pass_rate:.1%}，平均分 {s.mean_score:.1f}）",
             f"- 发现（按严重程度）：{json.dumps(s.by_severity, ensure_ascii=False)}", "", "| 规则 | 名称 | 严重程度 | 涉及对话 | 发现数 |",
             "|---|---|---|---|---|"]
    lines += [f"| {r.rule_id} | {r.rule_name} | {r.severity} | {r.dialogs} | {r.findings} |" for r in s.by_rule]
    if s.llm_suggestions:
        lines.append(f"- 模型建议（待人工确认，不计分）：{s.llm_suggestions} 条，见 findings.jsonl 的 llm_suggestions")
    lines += ["", "## 问题最多的对话", ""] + [f"- {w['dialog_id']}：{w['score']:.0f} 分，{', '.join(w['rules'])}" for w in s.worst]
    lines += ["", "## 知识库缺口候选", ""] + [f"- （{g.count} 次）{g.question}" for g in s.gaps[:30]]
    if s.errors:
        lines += ["", "## 无法读取", ""] + [f"- {e}" for e in s.errors]
    return "\n".join(lines) + "\n"


def inspect_all(inspector: QaService, dialogs: Iterable[Dialog],
                progress: Callable[[int], None] | None = None) -> list[DialogReport]:
    reports = []
    for i, d in enumerate(dialogs, start=1):
        reports.append(inspector.inspect(d))
        if progress:
            progress(i)
    return reports


def inspect_folder(inspector: QaService, folder: Path, out_dir: Path,
                   progress: Callable[[int], None] | None = None) -> tuple[BatchSummary, dict[str, Path]]:
    dialogs, errors = load_folder(folder)
    reports = inspect_all(inspector, dialogs, progress)
    summary = summarize(reports, inspector, errors)
    return summary, write_outputs(reports, summary, out_dir)
