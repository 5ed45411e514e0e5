"""``puhui ingest`` and ``puhui search``: build the knowledge-base index and hit-test it.

Bad input (empty or over-long query, unknown type, missing corpus folder) prints one readable line
and exits with code 2; a knowledge base that was never built is explained, not a traceback.

Issue #20: ingest lists what it would remove and needs ``--prune``/``--yes`` to remove more than a
few indexed files; skipped entries are written to ``<data_dir>/ingest-skipped.txt`` and summarised in
one line (``--strict`` makes them an error); ``search --queries FILE --out results.jsonl`` searches a
whole question log with one model load and prints hit@k; ``--source`` filters by corpus root.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console
from rich.table import Table

from cli.loading import loading_models
from core.services import Services
from core.settings import Settings
from eval.batch_search import read_queries, run_batch
from kb.ingest import PruneRequired

DOC_TYPES = ("industry", "product", "faq", "policy")
MAX_QUERY = 500

console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(code)


def kb_of(get_settings: Callable[[], Settings]):
    """The knowledge base of the configured settings (a bad setting is one readable line, exit 2)."""
    try:
        with loading_models(console=err):  # issue #19: the embedding model loads with the knowledge base
            return Services(get_settings()).kb
    except ValueError as exc:  # e.g. a malformed PUHUI_EXTRA_CORPORA
        _fail(str(exc))


#: how many skipped entries / files to remove are printed before the one-line summary
SHOWN = 5


def short_path(path: Path) -> str:
    """``path`` relative to the working directory when that is shorter (the summary line stays short)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if len(rel) < len(str(path)) else str(path)


def write_list(path: Path, lines: list[str]) -> None:
    """Write ``lines`` atomically; an empty list removes an old file (it would describe an old run)."""
    if not lines:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


def prune_refused(exc: PruneRequired) -> None:
    """Print what an ingest would have removed and how to confirm it; exit 2 (nothing was changed)."""
    err.print(f"[red]未做任何修改[/red]：本次索引将移除 {len(exc.paths)} 个已索引文件：", soft_wrap=True)
    for p in exc.paths[:SHOWN * 4]:
        err.print(f"  - {p}", soft_wrap=True, markup=False)
    if len(exc.paths) > SHOWN * 4:
        err.print(f"  … 另有 {len(exc.paths) - SHOWN * 4} 个")
    err.print("确认移除请加 --prune（或 --yes）；若是语料目录配置错了，请检查 PUHUI_CORPUS_DIR / PUHUI_EXTRA_CORPORA。",
              soft_wrap=True)
    raise typer.Exit(2)


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    @app.command()
    def ingest(
        corpus: Path = typer.Option(None, "--corpus", help="Corpus folder (default: settings corpus_dir)"),
        full: bool = typer.Option(False, "--full", help="Rebuild the whole index instead of only what changed"),
        strict: bool = typer.Option(False, "--strict", help="Exit 1 when some entries or files were skipped"),
        prune: bool = typer.Option(False, "--prune", help="Allow removing more than a few indexed files"),
        yes: bool = typer.Option(False, "--yes", "-y", help="Same as --prune"),
    ) -> None:
        """Index the knowledge base (incremental: unchanged files are skipped)."""
        if corpus is not None and not corpus.is_dir():
            _fail(f"--corpus: 目录不存在：{corpus}")
        settings = get_settings()
        kb = kb_of(get_settings)
        try:
            report = kb.ingest(progress=True, full=full, corpus_dir=corpus, prune=prune or yes)
        except PruneRequired as exc:
            prune_refused(exc)
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
        skipped_file = settings.data_dir / "ingest-skipped.txt"
        warnings_file = settings.data_dir / "ingest-warnings.txt"
        write_list(skipped_file, report.errors)
        write_list(warnings_file, report.warnings)
        for p in report.deleted[:SHOWN]:  # a removal is always named (more than a few needed --prune)
            err.print(f"[dim]已移除[/dim] {p}", soft_wrap=True, highlight=False)
        if len(report.deleted) > SHOWN:
            err.print(f"[dim]已移除[/dim] … 另有 {len(report.deleted) - SHOWN} 个", highlight=False)
        for line in report.errors[:SHOWN]:
            err.print(f"[yellow]跳过[/yellow] {line}", soft_wrap=True, highlight=False)
        # one line each, never wrapped by rich (soft_wrap), the path kept short: a narrow terminal
        # shows the whole path on one line instead of breaking it
        if report.warnings:
            err.print(f"{len(report.warnings)} warnings (see {short_path(warnings_file)})", soft_wrap=True,
                      markup=False, highlight=False)
        if report.errors:
            err.print(f"{len(report.errors)} skipped (see {short_path(skipped_file)})", soft_wrap=True,
                      markup=False, highlight=False)
        if report.errors and strict:
            raise typer.Exit(1)

    @app.command()
    def search(
        query: str = typer.Argument(None, help="问题，例如 \"丹阳眼镜 应收账款风险\"（或用 --queries 批量）"),
        k: int = typer.Option(5, "--k", min=1, max=50, help="Number of passages"),
        doc_type: str = typer.Option(None, "--type", help="industry | product | faq | policy"),
        industry: str = typer.Option(None, "--industry", help="Only passages of this industry id"),
        source: str = typer.Option(None, "--source", help="Only passages of this corpus root (e.g. puhui, jining)"),
        as_json: bool = typer.Option(False, "--json", help="Print the passages as JSON"),
        queries: Path = typer.Option(None, "--queries", help="JSONL ({query, expected?}) or text file: batch search"),
        out: Path = typer.Option(Path("results.jsonl"), "--out", help="With --queries: where results go (JSONL)"),
    ) -> None:
        """Hybrid search (dense + BM25) over the knowledge base; --queries for a whole question log."""
        if (query is None) == (queries is None):
            _fail("给出一个查询，或用 --queries FILE 批量检索（二者选一）")
        rows = None
        if queries is not None:
            try:
                rows = read_queries(queries)
            except ValueError as exc:
                _fail(f"--queries: {exc}")
        else:
            query = query.strip()
            if not query:
                _fail("查询不能为空")
            if len(query) > MAX_QUERY:
                _fail(f"查询过长：{len(query)} 个字符（最多 {MAX_QUERY}）")
        if doc_type is not None and doc_type not in DOC_TYPES:
            _fail(f"--type 必须是 {' | '.join(DOC_TYPES)} 之一，收到 {doc_type!r}")
        kb = kb_of(get_settings)
        if not kb.is_built():
            _fail("知识库索引尚未建立：请先运行 puhui ingest", code=1)
        if source is not None and source not in kb.sources():
            _fail(f"--source: 索引中没有来源 {source!r}（现有：{', '.join(kb.sources())}）")
        if rows is not None:
            try:
                summary = run_batch(rows, lambda q: kb.search(q, k=k, doc_type=doc_type, industry=industry,
                                                              source=source), out, k)
            except OSError as exc:
                _fail(f"--out: 无法写入 {out}（{exc.strerror or exc}）")
            for line in summary.lines():
                console.print(line, soft_wrap=True, highlight=False)
            console.print(f"results: {short_path(out)}", soft_wrap=True, highlight=False)
            return
        passages = kb.search(query, k=k, doc_type=doc_type, industry=industry, source=source)
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
