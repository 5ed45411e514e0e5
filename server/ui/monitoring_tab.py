"""贷后预警 tab: run a month, the portfolio by level and segment, the alert list, one loan's timeline
with its signals, and accept/override of the proposed action with a comment (audit chain).

Handlers are plain functions of (services, inputs) returning display values, so they are tested
without a browser; ``build_tab`` only lays them out.
"""

from __future__ import annotations

import gradio as gr
import pandas as pd

from agents.monitoring.nodes import BookMissing
from agents.monitoring.schemas import check_month
from agents.monitoring.service import MonitoringService
from core.services import Services
from tools.monitoring.disposal import ACTIONS
from tools.monitoring.signals import LEVELS

WARN_HEADERS = ["贷款", "行业", "等级", "处置", "分值", "原因", "证据"]


def run_month(services: Services, month: str) -> str:
    try:
        res = MonitoringService.from_services(services).run(check_month(month.strip()))
    except (BookMissing, ValueError) as exc:
        return f"**错误** {exc}"
    s = res.summary
    lines = [f"**{s.month}**：{s.loans} 笔，用时 {s.seconds:.2f} 秒（策略 {s.strategy_version}）",
             "等级：" + "，".join(f"{k} {v}" for k, v in s.counts.items()),
             "处置：" + "，".join(f"{k} {v}" for k, v in res.by_action.items())]
    lines += [f"- 行业信号：{x}" for x in res.industry_signals]
    return "\n\n".join(lines)


def portfolio(services: Services, month: str) -> pd.DataFrame:
    """Segments × levels (alerts only; 正常 loans are not stored per loan)."""
    rows = MonitoringService.from_services(services).portfolio(month.strip())
    if not rows:
        return pd.DataFrame(columns=["行业", *LEVELS[1:]])
    df = pd.DataFrame(rows).pivot_table(index="segment", columns="level", values="loans", fill_value=0)
    df = df.reindex(columns=[lv for lv in LEVELS[1:]], fill_value=0).reset_index().rename(columns={"segment": "行业"})
    return df.sort_values(list(reversed(LEVELS[1:])), ascending=False)


def warning_rows(services: Services, month: str, level: str, segment: str) -> list[list]:
    found = MonitoringService.from_services(services).warnings(month=month.strip() or None, level=level or None,
                                                               segment=segment.strip() or None, limit=200)
    return [[w.loan_id, w.segment, w.level, w.action, w.points, ",".join(w.reasons),
             "；".join(e["evidence"] for e in w.evidence)] for w in found]


def timeline(services: Services, loan_id: str) -> tuple[pd.DataFrame, str]:
    data = MonitoringService.from_services(services).timeline(loan_id.strip())
    months = pd.DataFrame(data["months"]).rename(columns={"month": "月份", "inflow": "入账(万元)", "tax_revenue": "开票(万元)",
                                                          "dpd": "逾期天数", "top_share": "最大对手占比",
                                                          "chain_flags": "筛查命中"})
    notes = [f"- {w['month']} **{w['level']}** → {w['action']}：" + "；".join(e["evidence"] for e in w["evidence"])
             for w in data["warnings"]]
    notes += [f"- {d['ts'][:16]} {d['reviewer']} {'接受' if d['decision'] == 'accept' else '改为'} {d['action']}：{d['comment']}"
              for d in data["decisions"]]
    if not data["months"] and not notes:
        return months, f"台账中没有贷款 {loan_id}"
    return months, "\n".join(notes) or "无预警记录"


def decide(services: Services, month: str, loan_id: str, override: str, comment: str, reviewer: str) -> str:
    if len((comment or "").strip()) < 2:
        return "**错误** comment: 请填写处置意见"
    try:
        row = MonitoringService.from_services(services).decide_warning(
            check_month(month.strip()), loan_id.strip(), reviewer=reviewer, decision="override" if override else "accept",
            action=override or None, comment=comment.strip())
    except KeyError as exc:
        return f"**错误** {exc.args[0]}"
    except ValueError as exc:
        return f"**错误** {exc}"
    return f"已记录：{row['loan_id']} {row['month']} {'接受' if row['decision'] == 'accept' else '改为'} {row['action']}（已写入审计链）"


def _user(request: gr.Request | None) -> str:
    return f"staff:{getattr(request, 'username', None) or 'workbench'}"


def build_tab(services: Services) -> None:
    with gr.Row():
        month = gr.Textbox(label="月份 YYYY-MM", value="2026-11", elem_id="mon-month", scale=1)
        run_btn = gr.Button("运行月度监测", variant="primary", elem_id="mon-run", scale=1)
    run_out = gr.Markdown(elem_id="mon-run-out")
    table = gr.Dataframe(label="组合：行业 × 预警等级", interactive=False, elem_id="mon-portfolio")
    with gr.Row():
        level = gr.Dropdown(["", *LEVELS[1:]], value="", label="等级", elem_id="mon-level")
        segment = gr.Textbox(label="行业 id（可空）", elem_id="mon-segment")
        list_btn = gr.Button("查看预警", elem_id="mon-list")
    warn = gr.Dataframe(headers=WARN_HEADERS, interactive=False, wrap=True, elem_id="mon-warnings")
    with gr.Row():
        loan = gr.Textbox(label="贷款编号", elem_id="mon-loan")
        tl_btn = gr.Button("时间线", elem_id="mon-timeline-btn")
    tl_table = gr.Dataframe(interactive=False, elem_id="mon-timeline")
    tl_notes = gr.Markdown(elem_id="mon-timeline-notes")
    with gr.Row():
        override = gr.Dropdown(["", *ACTIONS], value="", label="改为（空=接受系统建议）", elem_id="mon-override")
        comment = gr.Textbox(label="处置意见", elem_id="mon-comment")
        decide_btn = gr.Button("提交", elem_id="mon-decide")
    decide_out = gr.Markdown(elem_id="mon-decide-out")

    run_btn.click(lambda m: (run_month(services, m), portfolio(services, m)), [month], [run_out, table])
    list_btn.click(lambda m, lv, s: warning_rows(services, m, lv, s), [month, level, segment], [warn])
    tl_btn.click(lambda i: timeline(services, i), [loan], [tl_table, tl_notes])

    def _decide(m, i, o, c, request: gr.Request):
        return decide(services, m, i, o, c, _user(request))

    decide_btn.click(_decide, [month, loan, override, comment], [decide_out])
