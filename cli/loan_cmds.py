"""Loan-review commands: ``review``, ``review-resume``, ``review-pending``, ``audit verify`` and
``scorecard train|validate|psi``. Bad input is a readable message and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from agents.common.llm import build_chat_model
from agents.loan_review.schemas import ReviewerAction
from agents.loan_review.service import InvalidApplication, LoanReviewService, ReviewConflict, ReviewNotFound
from cli.loading import loading_models
from cli.scorecard_cmds import register_scorecard
from core.services import Services
from core.settings import Settings
from kb.corpus import load_corpus
from tools.credit.audit import AuditLog
from tools.credit.quick_form import QUICK_CREDIT_DEFAULTS

console = Console()
err = Console(stderr=True)
LABELS = {"approve": "[green]同意授信[/green]", "decline": "[red]不予授信[/red]", "refer": "[yellow]转人工复核[/yellow]"}


def _fail(message: str) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(2)


def _service(settings: Settings):

    try:
        model = build_chat_model(settings)
    except ValueError as exc:
        _fail(str(exc))
    try:
        embedder = None
        if settings.prohibited_similarity > 0:  # the prohibited-list exemplars are embedded at start-up
            with loading_models(console=err):
                embedder = Services(settings).embedder
        return LoanReviewService.create(load_corpus(settings.corpus_dir), settings.checkpoint_db, settings.audit_db,
                                        chat_model=model, llm_timeout_s=settings.llm_timeout_s,
                                        prohibited_file=settings.prohibited_policy_file, data_dir=settings.data_dir,
                                        embedder=embedder, similarity=settings.prohibited_similarity)
    except (ValueError, FileNotFoundError) as exc:
        _fail(str(exc))


def _print_result(r) -> None:
    console.print(f"审查流水 {r.thread_id}  结论 {LABELS[r.decision]}"
                  + ("（待人工复核）" if r.status == "pending_review" else ""))
    if r.score:
        console.print(f"评分 {r.score['score']} 分（{r.band}档），违约概率 {r.score['pd']:.2%}")
    for line in r.reasons + r.refer_reasons:
        console.print(f"  - {line}")
    if r.limit:
        console.print(f"额度 {r.limit['limit_wan']:g} 万元；利率 {r.price['rate_pct']:.2f}%" if r.price else "")
    console.print(Markdown(r.memo))


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    @app.command()
    def review(app_json: Path = typer.Argument(..., help="Application JSON file"),
               as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON"),
               quick: bool = typer.Option(False, "--quick", help="First try: fill missing owner.credit_report facts "
                                          "with documented defaults (a clean report) and list them")) -> None:
        """Review a loan application: rules, scorecard, limit and price, decision, memo, audit record."""
        try:
            raw = json.loads(app_json.read_text(encoding="utf-8"))
        except FileNotFoundError:
            _fail(f"文件不存在：{app_json}")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            _fail(f"{app_json} 不是有效的 JSON：{exc}")
        svc = _service(get_settings())
        try:
            result = svc.review_quick(raw) if quick else svc.review(raw)  # the API's and the workbench's function
        except InvalidApplication as exc:
            for e in exc.errors:
                err.print(f"[red]字段错误[/red] {e.field}: {e.msg}")
            raise typer.Exit(2) from None
        for path in getattr(result, "defaults_filled", []):
            value = getattr(QUICK_CREDIT_DEFAULTS, path.rsplit(".", 1)[1])
            err.print(f"[yellow]快速试用：{path} 未提供，按默认值 {value!r} 填写（须核实）[/yellow]")
        if as_json:
            console.print_json(result.model_dump_json())
        else:
            _print_result(result)

    @app.command("review-resume")
    def review_resume(thread_id: str, decision: str = typer.Option(..., help="approve | decline"),
                      comment: str = typer.Option(..., help="审查意见"), reviewer: str = typer.Option(...)) -> None:
        """Resume a referred review with a reviewer's decision."""
        try:
            action = ReviewerAction(decision=decision, comment=comment, reviewer=reviewer)  # type: ignore[arg-type]
        except ValidationError as exc:
            _fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
        try:
            _print_result(_service(get_settings()).resume(thread_id, action))
        except (ReviewNotFound, ReviewConflict) as exc:
            _fail(str(exc))

    @app.command("review-pending")
    def review_pending() -> None:
        """List referred reviews waiting for a reviewer."""
        table = Table("thread_id", "企业", "评分", "档", "转人工原因", "时间")
        for p in _service(get_settings()).pending():
            table.add_row(p.thread_id, p.enterprise, str(p.score), p.band or "", "\n".join(p.refer_reasons), p.referred_at)
        console.print(table)

    audit = typer.Typer(help="The append-only decision audit log.")
    app.add_typer(audit, name="audit")

    @audit.command("verify")
    def audit_verify(expect_head: str = typer.Option(None, "--expect-head", help="Head hash recorded earlier")) -> None:
        """Recompute the audit hash chain; exit 1 and name the first bad record if it was tampered with."""
        path = get_settings().audit_db
        if not path.exists():
            _fail(f"审计库不存在：{path}")
        res = AuditLog(path).verify(expect_head=expect_head)
        if res.ok:
            console.print(f"[green]审计链完整[/green]：{res.records} 条记录，head {res.head}")
            return
        err.print(f"[red]审计链被篡改[/red]：{res.problem}（已校验 {res.records} 条）")
        raise typer.Exit(1)

    register_scorecard(app, get_settings)
