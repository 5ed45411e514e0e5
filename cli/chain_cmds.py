"""``puhui map`` (place an enterprise on its chain, profile, screen, strategies) and ``puhui brief``.

Bad input prints one line per bad field (``enterprise.business_scope: 经营范围不能为空``) and exits 2;
never a traceback. ``puhui map --batch prospects.csv|jsonl --out results.jsonl`` maps a whole list with
one model load (agents/chain_map/batch.py): a progress bar, bad rows recorded in the results file
without stopping the run, a summary at the end; exit 0 when every row was mapped, 1 when some rows had
errors, 2 when the file itself cannot be used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from agents.chain_map.batch import BatchInputError, BatchSummary, decode_upload, read_prospects, run_batch
from agents.chain_map.brief import UnknownSegment
from agents.chain_map.schemas import ChainMapErrors
from agents.chain_map.service import ChainMapService
from cli.loading import loading_models
from core.services import Services
from core.settings import Settings
from tools.txn.io import rows_from_text

console = Console()
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(2)


def _service(get_settings: Callable[[], Settings]) -> ChainMapService:
    with loading_models(console=err):  # issue #19: the embedding model and the graph load before the first answer
        services = Services(get_settings())
    if not services.corpus.industries:
        _fail(f"知识库 {services.settings.corpus_dir} 中没有行业文档（PUHUI_CORPUS_DIR）")
    return ChainMapService.from_services(services)


def load_request(enterprise_file: Path, txns_file: Path | None) -> dict:
    """The enterprise JSON (flat, or {"enterprise": ..., "transactions": ...}) plus a statement file."""
    try:
        raw = json.loads(enterprise_file.read_text(encoding="utf-8"))
    except OSError as exc:
        _fail(f"无法读取 {enterprise_file}：{exc.strerror or exc}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        _fail(f"{enterprise_file} 不是有效的 UTF-8 JSON：{exc}")
    if not isinstance(raw, dict):
        _fail(f"{enterprise_file} 应为 JSON 对象（企业信息）")
    request = raw if "enterprise" in raw else {"enterprise": {k: v for k, v in raw.items() if k != "transactions"},
                                               "transactions": raw.get("transactions")}
    if txns_file is not None:
        try:
            text = decode_upload(txns_file.read_bytes())
            request["transactions"] = rows_from_text(text, "json" if txns_file.suffix.lower() == ".json" else "csv")
        except OSError as exc:
            _fail(f"无法读取 {txns_file}：{exc.strerror or exc}")
        except (ValueError, UnicodeDecodeError) as exc:
            _fail(f"{txns_file} 无法解析：{exc}")
    return request


def summary_table(s: BatchSummary) -> Table:
    table = Table(title="批量产业链定位", show_header=False)
    stages = "、".join(f"{k} {v}" for k, v in sorted(s.by_stage.items())) or "—"
    for k, v in (("企业数", s.rows), ("成功", s.ok), ("出错（见结果文件）", s.errors), ("行业未识别", s.unknown_segment),
                 ("环节分布", stages), ("耗时", f"{s.seconds:.1f} s（{s.rows_per_s:.1f} 家/秒）"), ("结果文件", s.out)):
        table.add_row(k, str(v))
    return table


def map_batch(get_settings: Callable[[], Settings], batch: Path, out: Path | None, full: bool) -> None:
    if out is None:
        _fail("--batch 需要同时给出 --out results.jsonl")
    try:
        rows = read_prospects(batch)
    except BatchInputError as exc:
        _fail(str(exc))
    service = _service(get_settings)  # built once: corpus, graph and the embedding model load here
    with Progress(TextColumn("[bold]产业链定位"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[last]}"),
                  TimeRemainingColumn(), console=err) as bar:
        task = bar.add_task("map", total=len(rows), last="")
        summary = run_batch(service.run, rows, out, full=full,
                            progress=lambda line: bar.update(task, advance=1, last=f"第{line.row}行 {line.status}"))
    err.print(summary_table(summary))
    if summary.errors:
        raise typer.Exit(1)


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    @app.command("map")
    def map_cmd(
        enterprise: Path = typer.Argument(None, help="企业信息 JSON（name, business_scope, main_products, location…）"),
        txns: Path = typer.Option(None, "--txns", help="交易流水 CSV 或 JSON（可选）"),
        as_json: bool = typer.Option(False, "--json", help="输出结构化 JSON 而不是报告"),
        out: Path = typer.Option(None, "--out", help="把报告（或 JSON）写入文件；--batch 时为结果 JSONL"),
        batch: Path = typer.Option(None, "--batch", help="批量：客户清单 CSV 或 JSONL（每行一家企业）"),
        full: bool = typer.Option(False, "--full", help="批量时每行写入完整结果（含报告）"),
    ) -> None:
        """产业链地图：行业定位、上下游、客户画像、营销与风险策略、可疑交易筛查。"""
        if batch is not None:
            if enterprise is not None or txns is not None:
                _fail("--batch 与单个企业文件/--txns 不能同时使用")
            map_batch(get_settings, batch, out, full)
            return
        if enterprise is None:
            _fail("请给出企业信息 JSON 文件，或用 --batch 给出客户清单")
        request = load_request(enterprise, txns)
        result = _service(get_settings).run(request)
        if isinstance(result, ChainMapErrors):
            for e in result.errors:
                err.print(f"[red]输入错误[/red] {e.loc}: {e.msg}")
            raise typer.Exit(2)
        text = result.model_dump_json(indent=2) if as_json else result.report_markdown
        if out:
            out.write_text(text, encoding="utf-8")
            err.print(f"已写入 {out}")
        elif as_json:
            print(text)
        else:
            console.print(Markdown(text))

    @app.command("brief")
    def brief_cmd(
        segment_id: str = typer.Argument(..., help="细分行业 id，如 danyang_eyewear"),
        out: Path = typer.Option(None, "--out", help="把简报写入 Markdown 文件"),
    ) -> None:
        """行业研究简报（固定模板，内容来自知识库和产业链图谱）。"""
        try:
            brief = _service(get_settings).brief(segment_id)
        except UnknownSegment as exc:
            _fail(f"未知的细分行业 {exc.segment_id!r}；最接近的：{'、'.join(exc.nearest) or '无'}")
        if out:
            out.write_text(brief.markdown, encoding="utf-8")
            err.print(f"已写入 {out}")
        else:
            console.print(Markdown(brief.markdown))
