"""``puhui ingest`` and ``puhui search``: build the knowledge-base index and hit-test it.

Bad input (empty or over-long query, unknown type, missing corpus folder) prints one readable line
and exits with code 2; a knowledge base that was never built is explained, not a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console
from rich.table import Table

from core.services import Services
from core.settings import Settings

DOC_TYPES = ("industry", "product", "faq", "policy")
MAX_QUERY = 500

console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(code)


def _kb(get_settings: Callable[[], Settings]):
    return Services(get_settings()).kb


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    @app.command()
    def ingest(
        corpus: Path = typer.Option(None, "--corpus", help="Corpus folder (default: settings corpus_dir)"),
        full: bool = typer.Option(False, "--full", help="Rebuild the whole index instead of only what changed"),
        strict: bool = typer.Option(False, "--strict", help="Exit 1 when some files had errors"),
    ) -> None:
        """Index the knowledge base (incremental: unchanged files are skipped)."""
        if corpus is not None and not corpus.is_dir():
            _fail(f"--corpus: 目录不存在：{corpus}")
        kb = _kb(get_settings)
        try:
            report = kb.ingest(progress=True, full=full, corpus_dir=corpus)
        except ValueError as exc:
            _fail(str(exc))
        table = Table(title="知识库索引", show_header=False)
        table.add_row("新增文件", str(len(report.added)))
        table.add_row("修改文件", str(len(report.changed)))
        table.add_row("删除文件", str(len(report.deleted)))
        table.add_row("未变文件", str(report.unchanged))
        table.add_row("片段 新增/删除/总计", f"{report.chunks_added} / {report.chunks_deleted} / {report.chunks_total}")
        if report.repaired:
            table.add_row("修复（上次中断）", str(report.repaired))
        table.add_row("用时", f"{report.seconds:.1f} 秒")
        console.print(table)
        for line in report.errors:
            err.print(f"[yellow]跳过[/yellow] {line}")
        if report.errors and strict:
            raise typer.Exit(1)

    @app.command()
    def search(
        query: str = typer.Argument(..., help="问题，例如 \"丹阳眼镜 应收账款风险\""),
        k: int = typer.Option(5, "--k", min=1, max=50, help="Number of passages"),
        doc_type: str = typer.Option(None, "--type", help="industry | product | faq | policy"),
        industry: str = typer.Option(None, "--industry", help="Only passages of this industry id"),
        as_json: bool = typer.Option(False, "--json", help="Print the passages as JSON"),
    ) -> None:
        """Hybrid search (dense + BM25) over the knowledge base."""
        query = query.strip()
        if not query:
            _fail("查询不能为空")
        if len(query) > MAX_QUERY:
            _fail(f"查询过长：{len(query)} 个字符（最多 {MAX_QUERY}）")
        if doc_type is not None and doc_type not in DOC_TYPES:
            _fail(f"--type 必须是 {' | '.join(DOC_TYPES)} 之一，收到 {doc_type!r}")
        kb = _kb(get_settings)
        if not kb.is_built():
            _fail("知识库索引尚未建立：请先运行 puhui ingest", code=1)
        passages = kb.search(query, k=k, doc_type=doc_type, industry=industry)
        if as_json:
            typer.echo(json.dumps([p.model_dump() for p in passages], ensure_ascii=False, indent=2))
            return
        if not passages:
            console.print("没有找到相关内容。")
            return
        table = Table(title=f"检索：{query}")
        for col in ("#", "得分", "类型", "来源", "内容"):
            table.add_column(col, overflow="fold")
        for i, p in enumerate(passages, 1):
            where = f"{p.title}｜{p.section}" if p.section else p.title
            body = p.text if not p.answer else f"{p.text}\n[dim]答：{p.answer[:120]}[/dim]"
            table.add_row(str(i), f"{p.score:.3f}", p.doc_type, f"{where}\n[dim]{p.source}[/dim]", body[:300])
        console.print(table)
