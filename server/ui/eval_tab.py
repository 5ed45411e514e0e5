"""评测 tab: pick a run, read its summary and gate verdict, see charts, drill into failed cases.

Wiring only: the data comes from server/ui/eval_view.py (pure functions over run folders) and the
charts from eval/report.py's ``suite_figures`` (the same charts as the HTML report). Every handler
turns a failure into a readable status line instead of a traceback.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path

import gradio as gr

from core.services import Services
from eval.report import suite_chart_images
from server.ui import eval_view as view

log = logging.getLogger("puhui.ui.eval")
_RUN_LOCK = threading.Lock()  # one eval run at a time per process: runs are CPU-heavy


def _eval_dir(services: Services) -> Path:
    return services.settings.data_dir / "eval"


def _failure(exc: Exception) -> str:
    if isinstance(exc, view.ViewError):
        return f"【提示】{exc}"
    log.exception("eval tab")
    return f"【错误】操作失败：{type(exc).__name__}。详细信息已写入服务器日志。"


def build_tab(services: Services) -> None:
    eval_dir = _eval_dir(services)
    runs = view.list_runs(eval_dir)
    with gr.Row():
        run_pick = gr.Dropdown(runs, value=runs[0] if runs else None, label="评测运行", scale=4,
                               elem_id="tab-eval-run")
        refresh = gr.Button("刷新", elem_id="tab-eval-refresh")
        start = gr.Button("运行快速评测", variant="primary", elem_id="tab-eval-start")
    status = gr.Markdown(elem_id="tab-eval-status")
    meta = gr.Markdown(elem_id="tab-eval-meta")
    verdict = gr.Markdown(elem_id="tab-eval-gate")
    summary = gr.Dataframe(headers=view.SUMMARY_HEADERS, interactive=False, wrap=True, elem_id="tab-eval-summary")
    suite_pick = gr.Dropdown([], label="评测套件", elem_id="tab-eval-suite")
    charts = gr.Gallery(label="图表", columns=3, height="auto", type="pil", object_fit="contain",
                        elem_id="tab-eval-charts")
    failed = gr.Dataframe(headers=view.FAILED_HEADERS, interactive=False, wrap=True, label="未通过的用例（点击查看详情）",
                          elem_id="tab-eval-failed")
    case_pick = gr.Dropdown([], label="用例", elem_id="tab-eval-case")
    detail = gr.Markdown(elem_id="tab-eval-detail")

    def load_run(name):
        try:
            run = view.load_run_json(view.resolve_run(eval_dir, name))
            suites = view.ok_suites(run)
            return ("", view.run_meta_text(run), view.gate_text(run), view.summary_rows(run),
                    gr.update(choices=suites, value=suites[0] if suites else None))
        except Exception as exc:
            return _failure(exc), "", "", [], gr.update(choices=[], value=None)

    def load_suite(name, suite):
        if not name or not suite:
            return "", [], [], gr.update(choices=[], value=None), ""
        try:
            results = view.suite_results(view.resolve_run(eval_dir, name), suite)
            rows = view.failed_rows(results)
            ids = [r[0] for r in rows]
            images = suite_chart_images(suite, results) if results else []
            return "", images, rows, gr.update(choices=ids, value=ids[0] if ids else None), (
                "" if ids else "本套件所有用例均通过。")
        except Exception as exc:
            return _failure(exc), [], [], gr.update(choices=[], value=None), ""

    def show_case(name, suite, case_id):
        if not case_id:
            return view.case_detail([], suite or "", None)
        try:
            results = view.suite_results(view.resolve_run(eval_dir, name), suite)
            return view.case_detail(results, suite, case_id)
        except Exception as exc:
            return _failure(exc)

    def pick_row(evt: gr.SelectData):
        row = evt.row_value or []
        return gr.update(value=row[0]) if row else gr.update()

    def refresh_runs(current):
        names = view.list_runs(eval_dir)
        return gr.update(choices=names, value=current if current in names else (names[0] if names else None))

    def run_fast(progress=gr.Progress()):
        if not _RUN_LOCK.acquire(blocking=False):
            return "【提示】已有一次评测正在运行，请稍后再试。", gr.update()
        try:
            def on_progress(suite: str, done: int, total: int) -> None:
                progress((done, max(total, 1)), desc=f"{suite} {done}/{total}")

            name = view.new_run_name(datetime.now().strftime("%Y%m%d-%H%M%S"))
            view.run_suites(services, eval_dir, name, on_progress=on_progress)
            return f"【完成】评测完成：{name}（报告见 {eval_dir / name / 'report.html'}）", gr.update(
                choices=view.list_runs(eval_dir), value=name)
        except Exception as exc:
            return _failure(exc), gr.update()
        finally:
            _RUN_LOCK.release()

    run_outputs = [status, meta, verdict, summary, suite_pick]
    suite_outputs = [status, charts, failed, case_pick, detail]
    run_pick.input(load_run, run_pick, run_outputs).then(load_suite, [run_pick, suite_pick], suite_outputs)
    suite_pick.input(load_suite, [run_pick, suite_pick], suite_outputs)
    case_pick.change(show_case, [run_pick, suite_pick, case_pick], detail)
    failed.select(pick_row, None, case_pick)
    (refresh.click(refresh_runs, run_pick, run_pick)
        .then(load_run, run_pick, run_outputs).then(load_suite, [run_pick, suite_pick], suite_outputs))
    (start.click(run_fast, None, [status, run_pick])
        .then(load_run, run_pick, [gr.State(), meta, verdict, summary, suite_pick])
        .then(load_suite, [run_pick, suite_pick], [gr.State(), charts, failed, case_pick, detail]))
    root = gr.context.Context.root_block
    if root is not None:  # fill the view for the newest run whenever the page is opened
        (root.load(refresh_runs, run_pick, run_pick)
            .then(load_run, run_pick, run_outputs).then(load_suite, [run_pick, suite_pick], suite_outputs))
