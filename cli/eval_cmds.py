"""``puhui eval``: run suites, write reports, compare runs, gate against baselines."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from agents.common.llm import build_chat_model
from cli.loading import loading_models
from core.services import Services
from core.settings import Settings
from eval.compare import compare_runs, gate, load_run, write_baseline
from eval.report import write_reports
from eval.run import EvalContext, run_all
from eval.suites import all_suites, select

console = Console()
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(2)


def _split(values: list[str] | None) -> list[str] | None:
    """``--suite a,b --suite c`` → [a, b, c] (repeated and comma-separated both work)."""
    names = [s.strip() for value in values or [] for s in value.split(",") if s.strip()]
    return names or None


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    ev = typer.Typer(help="Offline evaluation: run suites, reports, compare, gate.", invoke_without_command=True)
    app.add_typer(ev, name="eval")

    @ev.callback()
    def run(
        ctx: typer.Context,
        suite: list[str] = typer.Option(None, "--suite", help="Suites, comma-separated or repeated (default: all)"),
        llm: str = typer.Option("none", "--llm", help="none | openai: the model of the assistants under test"),
        judge: str = typer.Option("auto", "--judge",
                                  help="auto | none | openai: the model that scores faithfulness/helpfulness "
                                       "(auto = same as --llm; none = rule-based judges only)"),
        limit: int = typer.Option(None, "--limit", min=1, help="At most N cases per suite"),
        out: Path = typer.Option(None, "--out", help="Run folder (default var/eval/<timestamp>); reused = resume"),
        workers: int = typer.Option(2, "--workers", min=1, max=16),
        fast: bool = typer.Option(False, "--fast", help="Only the fast suites (the CI gate's set)"),
    ) -> None:
        """Run the suites (when no sub-command is given) and write report.md / report.html."""
        if ctx.invoked_subcommand is not None:
            return

        if llm not in ("none", "openai"):
            _fail("--llm must be none or openai")
        if judge not in ("auto", "none", "openai"):
            _fail("--judge must be auto, none or openai")
        judge = llm if judge == "auto" else judge
        settings = get_settings()
        if llm != settings.llm_provider:
            settings = settings.model_copy(update={"llm_provider": llm})
        if "openai" in (llm, judge) and (not settings.llm_base_url or not settings.llm_model):
            _fail("--llm/--judge openai needs PUHUI_LLM_BASE_URL and PUHUI_LLM_MODEL")
        try:
            suites = select(_split(suite), fast_only=fast)
        except KeyError as exc:
            _fail(str(exc.args[0]))
        out = out or settings.data_dir / "eval" / datetime.now().strftime("%Y%m%d-%H%M%S")
        with loading_models(console=err):  # the suites' assistants load their models on first use
            services = Services(settings)
        ctx_eval = EvalContext(services=services, llm_mode=llm, shared_data_dir=settings.shared_data_dir,
                               judge_model=_judge_model(judge, services), judge_timeout_s=settings.llm_timeout_s)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err) as progress:
            tasks: dict[str, int] = {}

            def on_progress(name: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = progress.add_task(name, total=total)
                progress.update(tasks[name], completed=done, total=total)

            result = run_all(suites, ctx_eval, out, limit=limit, workers=workers, progress=on_progress)
        md, html = write_reports(out)
        _print_summary(result)
        console.print(f"报告：{md}  {html}")

    @ev.command("list")
    def list_suites() -> None:
        """List the suites and whether each is part of the fast (CI) set."""
        for name, cls in all_suites().items():
            console.print(f"{name:24s} {'fast' if cls.fast else 'slow'}  {cls.description}")

    @ev.command()
    def compare(run_a: Path, run_b: Path) -> None:
        """Show what improved and what regressed from RUN_A to RUN_B, case by case."""
        try:
            diff = compare_runs(run_a, run_b)
        except FileNotFoundError as exc:
            _fail(str(exc))
        for name, d in diff.items():
            table = Table(title=name)
            for col in ("metric", "A", "B", "Δ"):
                table.add_column(col)
            for metric, (a, b) in d["metrics"].items():
                delta = f"{b - a:+.4f}" if a is not None and b is not None else ""
                table.add_row(metric, f"{a:.4f}" if a is not None else "-", f"{b:.4f}" if b is not None else "-", delta)
            console.print(table)
            console.print(f"  regressed: {', '.join(d['regressed']) or '—'}")
            console.print(f"  improved:  {', '.join(d['improved']) or '—'}")

    @ev.command("gate")
    def gate_cmd(run_dir: Path, tolerance: float = typer.Option(0.02, min=0, max=1),
                 suite: list[str] = typer.Option(None, "--suite")) -> None:
        """Fail (exit 1) when a suite regressed beyond TOLERANCE against eval/baselines."""
        try:
            regressions, notes = gate(load_run(run_dir), tolerance=tolerance, suites=_split(suite))
        except FileNotFoundError as exc:
            _fail(str(exc))
        for note in notes:
            console.print(f"[yellow]note[/yellow] {note}")
        for r in regressions:
            console.print(f"[red]regression[/red] {r}")
        if regressions:
            raise typer.Exit(1)
        console.print("[green]gate passed[/green]")

    @ev.command()
    def baseline(run_dir: Path, suite: list[str] = typer.Option(..., "--suite")) -> None:
        """Accept RUN_DIR's figures as the new baseline for the named suites (commit the files)."""
        try:
            run_data = load_run(run_dir)
            for name in _split(suite) or []:
                console.print(f"baseline written: {write_baseline(run_data, name)}")
        except (FileNotFoundError, KeyError, ValueError) as exc:
            _fail(str(exc))


def _judge_model(judge: str, services):
    """The judge's chat model: the assistants' own when they run with it, else one built from the same
    settings (``--llm none --judge openai`` judges the deterministic answers); None = rules only."""
    if judge != "openai":
        return None
    if services.settings.llm_provider == "openai":
        return services.llm

    return build_chat_model(services.settings.model_copy(update={"llm_provider": "openai"}))


def _answered_by(s: dict) -> str:
    """"LLM / fallback / deterministic" counts, and the fallback reasons."""
    counts = s.get("answered_by")
    if not counts:
        return ""
    text = f"{counts['llm']} / {counts['fallback']} / {counts['none']}"
    reasons = s.get("fallback_reasons") or {}
    return text + (" (" + ", ".join(f"{k} {v}" for k, v in reasons.items()) + ")" if reasons else "")


def _judged(s: dict) -> str:
    """Judge metrics, the model's and the rule's figure apart, each with its n."""
    parts = []
    for metric, j in (s.get("judges") or {}).items():
        figs = [f"{who} {j[key]['mean']:.3f} (n={j[key]['n']})" for key, who in (("llm_judge", "LLM"), ("rule", "rule"))
                if j[key]["n"]]
        if figs:
            parts.append(f"{metric}: " + ", ".join(figs))
    return "; ".join(parts)


def _print_summary(run: dict) -> None:
    table = Table(title="eval summary")
    for col in ("suite", "status", "cases", "passed", "LLM / fallback / det.", "headline", "judges"):
        table.add_column(col)
    for name, s in run["suites"].items():
        head = ", ".join(f"{k}={v:.3f}" for k, v in list(s.get("summary", {}).items())[:6]) or s.get("reason", "")
        table.add_row(name, s["status"], str(s.get("cases", "")), str(s.get("passed", "")), _answered_by(s), head,
                      _judged(s))
    console.print(table)
    for name, s in run["suites"].items():  # headline metrics per answer source, when a model answered
        split = s.get("by_source") or {}
        if set(split) - {"none"}:
            for src, figs in split.items():
                shown = ", ".join([f"{k}={v:.3f}" for k, v in figs.items() if k != "cases"][:5])
                console.print(f"  {name} · answered by {src}: {int(figs['cases'])} cases: {shown}", markup=False)
