"""批量定位 section of the 产业链地图 tab: a prospects file in, results.jsonl out plus a table.

The same core as ``puhui map --batch`` (agents/chain_map/batch.py) over the process's one assistant,
so an upload of 500 rows costs no model load. ``run_upload`` returns plain values (tested without a
browser); ``build_section`` only lays out and wires components.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import gradio as gr

from agents.chain_map.batch import BatchInputError, BatchLine, read_prospects, run_batch
from agents.chain_map.schemas import STAGE_ZH
from agents.chain_map.service import ChainMapService

log = logging.getLogger("puhui.ui")

HEADERS = ["行", "企业", "结果", "细分行业", "环节", "行业通常环节", "环节依据", "适配产品", "错误"]
SHOW_ROWS = 500


def stage_short(stage: str | None) -> str:
    """上游 / 中游 / 下游 / 配套服务 (the label without its explanation)."""
    return STAGE_ZH.get(stage or "", "").split("（")[0]


def table_row(line: BatchLine) -> list:
    return [line.row, line.name, "成功" if line.status == "ok" else "出错", line.segment_name or "（未识别）",
            line.stage_zh or "", stage_short(line.segment_stage), "；".join(line.role_evidence), "、".join(line.fitting_products),
            "；".join(line.errors)]


def run_upload(services, path: str | None, progress=None) -> tuple[str, str | None, list[list]]:
    """(status line, results file path or None, table rows)."""
    if not path:
        return "【未完成】请先上传客户清单（CSV 或 JSONL）。", None, []
    try:
        rows = read_prospects(Path(path))
    except BatchInputError as exc:
        return f"【未完成】{exc}", None, []
    try:
        service = ChainMapService.from_services(services)
        out = Path(tempfile.mkdtemp(prefix="puhui-batch-")) / "results.jsonl"
        lines: list[BatchLine] = []

        def step(line: BatchLine) -> None:
            lines.append(line)
            if progress is not None:
                progress(len(lines) / len(rows), desc=f"{len(lines)}/{len(rows)}")

        summary = run_batch(service.run, rows, out, progress=step)
    except Exception as exc:  # staff see one line; details go to the log
        log.exception("chain map batch upload failed")
        return f"【运行失败】{type(exc).__name__}，详情见服务器日志。", None, []
    stages = "、".join(f"{stage_short(k)} {v}" for k, v in sorted(summary.by_stage.items())) or "—"
    status = (f"【完成】{summary.rows} 家：成功 {summary.ok}，出错 {summary.errors}（原因见表格与结果文件），"
              f"行业未识别 {summary.unknown_segment}；环节：{stages}；{summary.seconds:.1f} 秒（{summary.rows_per_s:.1f} 家/秒）")
    if len(lines) > SHOW_ROWS:
        status += f"\n表格只显示前 {SHOW_ROWS} 行，完整结果请下载文件。"
    return status, str(out), [table_row(x) for x in lines[:SHOW_ROWS]]


def build_section(services) -> None:
    gr.Markdown("上传客户清单（CSV 表头如 企业名称,经营范围,主营产品,所在地；或 JSONL 每行一家企业），"
                "一次得到每家企业的行业、环节和依据；出错的行会标明原因，不影响其他行。")
    with gr.Row():
        upload = gr.File(label="客户清单（CSV/JSONL）", file_types=[".csv", ".jsonl"], type="filepath",
                         elem_id="chain-batch-upload")
        result = gr.File(label="结果文件（results.jsonl）", elem_id="chain-batch-result")
    run = gr.Button("批量定位", variant="primary", elem_id="chain-batch-run")
    status = gr.Markdown(elem_id="chain-batch-status")
    table = gr.Dataframe(headers=HEADERS, wrap=True, elem_id="chain-batch-table")
    run.click(lambda p, progress=gr.Progress(): run_upload(services, p, progress), [upload], [status, result, table])
