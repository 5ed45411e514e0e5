"""``puhui industry …``: field notes, versioned industry profiles, indicators and the monthly digest
(issue #15). Bad input prints ``field: message`` lines and exits 2; nothing is half-written."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from agents.monitoring.schemas import check_month
from agents.monitoring.service import MonitoringService
from core.services import Services
from core.settings import Settings
from tools.monitoring.indicators import IndicatorFileError
from tools.monitoring.notes import NoteInvalid
from tools.monitoring.profiles import ProposalStale

console = Console()
err = Console(stderr=True)


def fail(message: str) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(2)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"file: 无法读取 {path}：{exc.strerror or exc}")
    except UnicodeDecodeError:
        fail(f"file: {path} 不是 UTF-8 文本")
    return ""


def service(get_settings: Callable[[], Settings]) -> MonitoringService:
    return MonitoringService.from_services(Services(get_settings()))


def _segment(svc: MonitoringService, segment: str) -> str:
    if segment not in svc.context.seasonality:
        fail(f"segment: 未知行业 {segment!r}")
    return segment


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    industry = typer.Typer(help="行业持续跟踪：调研纪要、画像版本、行业指标、月报。", no_args_is_help=True)
    note = typer.Typer(help="调研纪要（模板：prompts/monitoring/field_note.md）", no_args_is_help=True)
    industry.add_typer(note, name="note")
    app.add_typer(industry, name="industry")

    @note.command("add")
    def note_add(file: Path = typer.Argument(..., help="调研纪要 Markdown"),
                 by: str = typer.Option(None, "--by", help="提交人（默认当前用户）")) -> None:
        """校验调研纪要并挂到其行业、建索引；配置了模型时生成画像修改建议（待人工接受/拒绝）。"""
        svc = service(get_settings)
        try:
            res = svc.add_note(read_text(file), by or getpass.getuser())
        except NoteInvalid as exc:
            for e in exc.errors:
                err.print(f"[red]纪要错误[/red] {e}")
            raise typer.Exit(2) from None
        console.print(f"{'已挂接' if res.attached else '此前已挂接'} {res.note_id} → {res.segment}（索引 {res.indexed_chunks} 段）")
        if res.proposal:
            console.print(f"模型建议修改画像：{res.proposal.proposal_id}（puhui industry decide 接受或拒绝）")
            console.print(res.proposal.diff, markup=False, highlight=False)
        else:
            console.print(f"未生成修改建议（{res.llm_reason}）：纪要按原文挂接。")

    @note.command("search")
    def note_search(query: str, segment: str = typer.Option(None, "--segment"), k: int = typer.Option(5, min=1, max=50)):
        """检索已挂接的调研纪要（按段落）。"""
        for h in service(get_settings).search_notes(query, k, segment):
            console.print(f"[{h.score:.2f}] {h.note_id} · {h.section}：{h.text}", markup=False)

    @industry.command("history")
    def history(segment: str) -> None:
        """行业画像的版本历史（谁、何时、为何、来源纪要）。"""
        svc = service(get_settings)
        table = Table("版本", "时间", "修改人", "原因", "来源纪要")
        for v in svc.history(_segment(svc, segment)):
            table.add_row(f"v{v.version}", v.ts, v.author, v.reason, v.source_note or "—")
        console.print(table)

    @industry.command("diff")
    def diff(segment: str, since: str = typer.Option(..., "--since", help="YYYY-MM-DD")) -> None:
        """自某日以来画像的变化（统一 diff 格式）。"""
        if not (len(since) == 10 and since[4] == "-" and since[7] == "-" and since.replace("-", "").isdigit()):
            fail("since: 应为 YYYY-MM-DD")
        svc = service(get_settings)
        text = svc.diff(_segment(svc, segment), since)
        console.print(text or f"{segment} 自 {since} 以来没有变化。", markup=False, highlight=False)

    @industry.command("commit")
    def commit(segment: str, file: Path = typer.Argument(..., help="修改后的完整行业文档"),
               reason: str = typer.Option(..., "--reason"), by: str = typer.Option(None, "--by")) -> None:
        """人工提交一版新画像（保留历史）。"""
        svc = service(get_settings)
        try:
            v = svc.commit_profile(_segment(svc, segment), read_text(file), author=by or getpass.getuser(), reason=reason)
        except ValueError as exc:
            fail(str(exc))
        console.print(f"{segment} → v{v.version}")

    @industry.command("proposals")
    def proposals(segment: str = typer.Option(None, "--segment")) -> None:
        """待处理的画像修改建议。"""
        for p in service(get_settings).tracking.profiles.pending(segment):
            console.print(f"{p.proposal_id} {p.segment}（基于 v{p.base_version}，纪要 {p.note_id}）")
            console.print(p.diff, markup=False, highlight=False)

    @industry.command("decide")
    def decide(proposal_id: str, accept: bool = typer.Option(..., "--accept/--reject"),
               by: str = typer.Option(None, "--by"), comment: str = typer.Option("", "--comment")) -> None:
        """接受（生成新版本）或拒绝一条修改建议。"""
        try:
            v = service(get_settings).decide_proposal(proposal_id, accept=accept, by=by or getpass.getuser(),
                                                      comment=comment)
        except KeyError:
            fail(f"proposal_id: 不存在 {proposal_id}")
        except (ValueError, ProposalStale) as exc:
            fail(str(exc))
        console.print(f"已接受 → v{v.version}" if v else "已拒绝")

    @industry.command("indicators")
    def load_indicators(file: Path = typer.Argument(..., help="CSV：segment,month,series,value")) -> None:
        """载入行业指标（月度），并列出最新月份触发的行业信号。"""
        try:
            n, sigs = service(get_settings).load_indicators(read_text(file))
        except IndicatorFileError as exc:
            fail(str(exc))
        console.print(f"已载入 {n} 行。")
        for s in sigs:
            console.print(f"{s.segment} 【{'收紧' if s.direction == 'tighten' else '放宽'}】{s.evidence}")

    @industry.command("digest")
    def digest(month: str = typer.Option(..., "--month", help="YYYY-MM"),
               out: Path = typer.Option(None, "--out")) -> None:
        """月度「变化了什么」：画像修订、调研纪要、行业信号。"""
        try:
            check_month(month)
        except ValueError as exc:
            fail(f"month: {exc}")
        text = service(get_settings).digest(month)
        if out:
            out.write_text(text, encoding="utf-8")
            err.print(f"已写入 {out}")
        else:
            console.print(Markdown(text))
