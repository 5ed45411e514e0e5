"""``puhui chat`` (the customer-service bot in the terminal) and ``puhui inspect`` (batch QA)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from agents.customer_service.service import CsService, SessionNotFound
from agents.qa_inspection.batch import inspect_all, load_folder, summarize, write_outputs
from agents.qa_inspection.service import QaService
from cli.loading import loading_models
from core.services import Services
from core.settings import Settings
from tools.pii import mask_pii
from tools.qa.dialogs import DialogFormatError, read_dialogs

console = Console()
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(2)


def _print_reply(result, as_json: bool) -> None:
    if as_json:
        console.print_json(result.model_dump_json())
        return
    r = result.reply
    console.print(f"[bold cyan]客服[/bold cyan]：{r.text}")
    for s in r.sources:
        console.print(f"  [dim][{s.n}] {s.title}（{s.kind}:{s.id}）[/dim]")
    tag = f"结果={r.outcome} 置信度={r.confidence:.2f}"
    if r.handoff:
        tag += f" 已转人工（{r.handoff.reason}，工单 {r.handoff.ticket_id}）"
    console.print(f"  [dim]{tag}[/dim]")


def _batch_lines(path: Path) -> list[str]:
    """The non-empty lines of ``path`` (``-``: standard input); a missing file is a CLI error."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"文件不存在：{path}")
    except UnicodeDecodeError:
        _fail(f"{path} 不是 UTF-8 文本")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        _fail("--batch 没有读到任何问题")
    return lines


def _loaded_bot(settings: Settings) -> CsService:
    """The bot with its models loaded, saying so on stderr first (a fresh data folder takes ~20 s)."""
    holder: dict[str, CsService] = {}

    def warm() -> None:  # load the embedding model now, not during the first question
        if holder["bot"].deps.embed_query is not None:
            holder["bot"].deps.embed_query("你好")

    with loading_models(warm, err):
        holder["bot"] = CsService.from_services(Services(settings))
    return holder["bot"]


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    @app.command()
    def chat(
        message: list[str] = typer.Option(None, "--message", "-m",
                                          help="Send this message (repeat for a multi-turn conversation); "
                                               "without it the chat is interactive"),
        customer: str = typer.Option("cli_customer", "--customer", help="Customer id the session is bound to"),
        session: str = typer.Option(None, "--session", help="Continue this session id"),
        as_json: bool = typer.Option(False, "--json", help="Print each reply as JSON"),
        batch: Path = typer.Option(None, "--batch", help="Answer every line of this file (- = stdin), each in a "
                                   "new session, after one start-up"),
    ) -> None:
        """Chat with the customer-service bot (same graph, checkpoints and policies as the API)."""
        if not customer.strip() or len(customer) > 64:
            _fail("--customer must be 1-64 characters")
        questions = _batch_lines(batch) if batch is not None else None
        bot = _loaded_bot(get_settings())
        if questions is not None:
            for text in questions:
                info, _ = bot.create_session(customer, "cli")
                if not as_json:
                    console.print(f"[bold green]问[/bold green]：{mask_pii(text)}")
                try:
                    result = bot.send(info.id, customer, text)
                except ValueError as exc:
                    err.print(f"[yellow]{exc}[/yellow]")
                    continue
                if as_json:  # one JSON object per line (JSON Lines), for scripts
                    typer.echo(result.model_dump_json())
                else:
                    _print_reply(result, False)
            return
        if session:
            if bot.sessions.get(session, customer) is None:
                _fail(f"session {session} not found for customer {customer}")
            sid = session
        else:
            info, greeting = bot.create_session(customer, "cli")
            sid = info.id
            if not as_json:
                console.print(f"[dim]会话 {sid}[/dim]\n[bold cyan]客服[/bold cyan]：{greeting}")

        def turn(text: str) -> None:
            try:
                _print_reply(bot.send(sid, customer, text), as_json)
            except ValueError as exc:
                err.print(f"[yellow]{exc}[/yellow]")
            except SessionNotFound:
                _fail(f"session {sid} not found")

        if message:
            for text in message:
                turn(text)
            return
        console.print("[dim]输入问题后回车；输入 exit 或按 Ctrl-D 结束。[/dim]")
        while True:
            try:
                text = console.input("[bold green]您[/bold green]：")
            except EOFError:
                break
            if text.strip().lower() in {"exit", "quit", "退出"}:
                break
            if text.strip():
                turn(text)

    @app.command()
    def inspect(
        path: Path = typer.Argument(..., help="A dialog file (.json/.jsonl/.csv) or a folder of them"),
        out: Path = typer.Option(None, "--out", help="Output folder (default var/qa/<name>)"),
    ) -> None:
        """QA-inspect every dialog: findings.jsonl, summary.json/.md, chart.png, kb_gaps.csv."""
        if not path.exists():
            _fail(f"{path} does not exist")
        settings = get_settings()
        if path.is_dir():
            dialogs, errors = load_folder(path)
        else:
            try:
                dialogs, errors = read_dialogs(path), []
            except DialogFormatError as exc:
                dialogs, errors = [], exc.problems
        if not dialogs:
            for e in errors[:20]:
                err.print(f"  {e}")
            _fail(f"no readable dialogs in {path}")
        inspector = QaService.from_services(Services(settings))
        with Progress(TextColumn("质检"), BarColumn(), MofNCompleteColumn(), console=err) as bar:
            task = bar.add_task("qa", total=len(dialogs))
            reports = inspect_all(inspector, dialogs, progress=lambda n: bar.update(task, completed=n))
        summary = summarize(reports, inspector, errors)
        folder = out or settings.data_dir / "qa" / path.stem
        files = write_outputs(reports, summary, folder)
        table = Table(title=f"质检：{summary.dialogs} 通，合格率 {summary.pass_rate:.1%}，平均分 {summary.mean_score:.1f}")
        for col in ("规则", "名称", "严重程度", "涉及对话", "发现数"):
            table.add_column(col)
        for r in summary.by_rule:
            table.add_row(r.rule_id, r.rule_name, r.severity, str(r.dialogs), str(r.findings))
        console.print(table)
        if errors:
            err.print(f"[yellow]{len(errors)} 处无法读取（见 summary.md）[/yellow]")
        console.print(json.dumps({k: str(v) for k, v in files.items()}, ensure_ascii=False, indent=2))
