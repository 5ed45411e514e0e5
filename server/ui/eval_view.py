"""The data behind the workbench's 评测 tab: pure functions over run folders, no Gradio here.

A run folder is what ``puhui eval`` (or the tab's own button) writes under ``<data_dir>/eval/<name>/``:
``run.json`` with every suite's headline metrics and ``<suite>/results.jsonl`` with one CaseResult per
line. Keeping these functions free of UI code lets them be tested on tiny fixture folders and keeps
the tab module to wiring only. Every function raises ``ViewError`` with a readable Chinese message for
anything a user can cause (a deleted run, an unknown suite, a case id that is not in the run).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eval.compare import BASELINES_DIR, gate
from eval.report import write_reports
from eval.run import EvalContext, load_results, run_all
from eval.schema import DATASETS_DIR, DatasetError, load_cases
from eval.suite import CaseResult
from eval.suites import all_suites, select

MAX_JSON_CHARS = 4000  # a drill-down shows this much of an output; the rest is in results.jsonl


class ViewError(ValueError):
    """A problem the user can fix or understand (shown as-is in the tab)."""


def list_runs(eval_dir: Path) -> list[str]:
    """Run folder names under ``eval_dir`` (those with a run.json), newest first."""
    if not eval_dir.is_dir():
        return []
    runs = [p for p in eval_dir.iterdir() if p.is_dir() and (p / "run.json").is_file()]
    runs.sort(key=lambda p: ((p / "run.json").stat().st_mtime, p.name), reverse=True)
    return [p.name for p in runs]


def resolve_run(eval_dir: Path, name: str | None) -> Path:
    """The folder of run ``name``; refuses names that would leave ``eval_dir`` (e.g. ``../x``)."""
    if not name:
        raise ViewError("请先选择一次评测运行。")
    if name != Path(name).name or name in (".", "..") or "\\" in name:
        raise ViewError(f"无效的运行名称：{name}")  # a folder name only, never a path
    run_dir = eval_dir / name
    if not (run_dir / "run.json").is_file():
        raise ViewError(f"找不到评测运行 {name}（可能已被删除），请点「刷新」。")
    return run_dir


def load_run_json(run_dir: Path) -> dict[str, Any]:
    try:
        run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ViewError(f"run.json 无法读取：{type(exc).__name__}") from exc
    if not isinstance(run.get("suites"), dict):
        raise ViewError("run.json 格式不对：缺少 suites。")
    return run


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def run_meta_text(run: dict[str, Any]) -> str:
    meta = run.get("meta", {})
    parts = [f"完成时间 {meta.get('finished_at', '?')}", f"提交 `{meta.get('commit') or '?'}`",
             f"LLM 模式 **{meta.get('llm_mode', '?')}**"]
    if meta.get("limit"):
        parts.append(f"每套最多 {meta['limit']} 条")
    return " · ".join(parts)


SUMMARY_HEADERS = ["评测套件", "状态", "用例数", "通过", "出错", "主要指标"]


def summary_rows(run: dict[str, Any], max_metrics: int = 8) -> list[list[Any]]:
    """One row per suite: status, counts and its first headline metrics (or why it was skipped)."""
    rows = []
    for name, entry in run["suites"].items():
        status = entry.get("status", "?")
        if status == "ok":
            items = list(entry.get("summary", {}).items())[:max_metrics]
            head = ", ".join(f"{k}={_fmt(v)}" for k, v in items)
        else:
            head = entry.get("reason", "")
            if entry.get("problems"):
                head += "：" + "；".join(entry["problems"][:3])
        rows.append([name, status, entry.get("cases", ""), entry.get("passed", ""), entry.get("errors", ""), head])
    return rows


def ok_suites(run: dict[str, Any]) -> list[str]:
    return [name for name, e in run["suites"].items() if e.get("status") == "ok"]


def gate_text(run: dict[str, Any], baselines_dir: Path | None = None, tolerance: float = 0.02) -> str:
    """The CI gate's verdict for this run against the committed baselines, as Markdown."""
    baselines_dir = baselines_dir or BASELINES_DIR
    regressions, notes = gate(run, baselines_dir=baselines_dir, tolerance=tolerance)
    with_baseline = {p.stem for p in baselines_dir.glob("*.json")}
    compared = [n for n in ok_suites(run) if n in with_baseline]
    if regressions:
        lines = [f"**【未通过】基线门禁**（容差 {tolerance}）："] + [f"- {r}" for r in regressions]
    elif compared:
        lines = [f"**【通过】**基线门禁（容差 {tolerance}）。"]
    else:
        lines = ["【提示】本次运行没有可与基线比较的套件。"]
    lines += [f"- 注：{n}" for n in notes if not n.endswith("(not run)")]
    return "\n".join(lines)


def suite_results(run_dir: Path, suite: str | None) -> list[CaseResult]:
    if not suite:
        raise ViewError("请选择评测套件。")
    path = run_dir / suite / "results.jsonl"
    if not path.is_file():
        raise ViewError(f"本次运行没有套件 {suite} 的结果。")
    return list(load_results(path).values())


def _primary(r: CaseResult) -> str:
    if r.error:
        return f"错误：{r.error[:80]}"
    return ", ".join(f"{k}={_fmt(v)}" for k, v in list(r.scores.items())[:4])


FAILED_HEADERS = ["用例", "类别", "变体", "难度", "得分 / 错误"]


def failed_rows(results: list[CaseResult]) -> list[list[Any]]:
    """Failed cases, errors first, then by id; one row each for the table."""
    failed = sorted((r for r in results if not r.passed), key=lambda r: (r.error is None, r.id))
    return [[r.id, r.tags.get("category", ""), r.tags.get("variant", ""), r.tags.get("difficulty", ""), _primary(r)]
            for r in failed]


def _dataset_inputs(suite: str) -> dict[str, Any]:
    """Case id → input from the suite's dataset file (results do not store inputs); {} if none."""
    try:
        cls = all_suites().get(suite)
    except Exception:  # a broken suite module must not break the drill-down of the others
        return {}
    if cls is None or not getattr(cls, "dataset", ""):
        return {}
    try:
        return {c.id: c.input for c in load_cases(DATASETS_DIR / cls.dataset)}
    except (OSError, DatasetError):
        return {}


def _json_block(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    if len(text) > MAX_JSON_CHARS:
        text = text[:MAX_JSON_CHARS] + "\n… (截断，完整内容见 results.jsonl)"
    return f"```json\n{text}\n```"


def case_detail(results: list[CaseResult], suite: str, case_id: str | None,
                inputs: dict[str, Any] | None = None) -> str:
    """Markdown drill-down of one case: input, expected, output, scores, trace, error."""
    if not case_id:
        return "在上表中点击一行，或在下拉框中选择用例，查看详情。"
    found = next((r for r in results if r.id == case_id), None)
    if found is None:
        raise ViewError(f"套件 {suite} 中没有用例 {case_id}。")
    inputs = _dataset_inputs(suite) if inputs is None else inputs
    verdict = "【通过】" if found.passed else "【未通过】"
    parts = [f"### {found.id} · {verdict}",
             f"标签：{json.dumps(found.tags, ensure_ascii=False)} · 耗时 {found.latency_ms:.0f} ms · LLM：{found.llm}"]
    if found.id in inputs:
        parts += ["**输入**", _json_block(inputs[found.id])]
    parts += ["**期望**", _json_block(found.expected), "**输出**", _json_block(found.output)]
    if found.scores:
        parts.append("**得分**：" + ", ".join(f"{k}={_fmt(v)}" for k, v in found.scores.items()))
    if found.trace:
        parts.append("**轨迹**：" + " → ".join(found.trace))
    if found.error:
        parts += ["**错误**", f"```\n{found.error}\n```"]
    return "\n\n".join(parts)


def new_run_name(now: str) -> str:
    """Folder name for a run started from the tab (kept apart from CLI runs by its suffix)."""
    return f"{now}-ui"


def run_suites(services: Any, eval_dir: Path, name: str, suites: list | None = None,
               on_progress=None) -> Path:
    """Run ``suites`` (default: the fast set, the CI gate's) into ``eval_dir/name`` and write reports."""
    suites = select(None, fast_only=True) if suites is None else suites
    if not suites:
        raise ViewError("没有可运行的快速评测套件。")
    settings = services.settings
    ctx = EvalContext(services=services, llm_mode=settings.llm_provider, shared_data_dir=settings.shared_data_dir)
    out = eval_dir / name
    run_all(suites, ctx, out, progress=on_progress)
    write_reports(out)
    return out
