"""行业跟踪 tab: submit a field-research note (validated, attached, indexed; a model's proposed profile
edit shown as a diff for a person to accept or reject), a segment's version history and diff, and
the monthly digest. Handlers are plain functions (tested without a browser)."""

from __future__ import annotations

from datetime import date

import gradio as gr

from agents.monitoring.schemas import check_month
from agents.monitoring.service import MonitoringService
from core.services import Services
from prompts.loader import read
from tools.monitoring.notes import NoteInvalid
from tools.monitoring.profiles import ProposalStale


def add_note(services: Services, text: str, author: str) -> tuple[str, str]:
    """(message, proposal id or '')."""
    try:
        res = MonitoringService.from_services(services).add_note(text or "", author)
    except NoteInvalid as exc:
        return "**纪要有误**\n" + "\n".join(f"- {e}" for e in exc.errors), ""
    head = f"{'已挂接' if res.attached else '此前已挂接'} `{res.note_id}` → `{res.segment}`（索引 {res.indexed_chunks} 段）"
    if res.proposal is None:
        return head + f"\n\n未生成画像修改建议（{res.llm_reason}），纪要按原文挂接。", ""
    return head + f"\n\n模型建议修改画像（待人工确认）：\n```diff\n{res.proposal.diff}\n```", res.proposal.proposal_id


def decide(services: Services, proposal_id: str, accept: bool, comment: str, author: str) -> str:
    if not proposal_id:
        return "没有待处理的建议"
    try:
        v = MonitoringService.from_services(services).decide_proposal(proposal_id, accept=accept, by=author,
                                                                      comment=comment)
    except KeyError:
        return f"**错误** proposal_id: 不存在 {proposal_id}"
    except (ValueError, ProposalStale) as exc:
        return f"**错误** {exc}"
    return f"已接受，画像更新为 v{v.version}" if v else "已拒绝，画像不变"


def history(services: Services, segment: str, since: str) -> str:
    svc = MonitoringService.from_services(services)
    segment = segment.strip()
    if segment not in svc.context.seasonality:
        return f"**错误** segment: 未知行业 {segment!r}"
    rows = [f"| v{v.version} | {v.ts[:16]} | {v.author} | {v.reason} | {v.source_note or '—'} |" for v in svc.history(segment)]
    out = "| 版本 | 时间 | 修改人 | 原因 | 来源纪要 |\n|---|---|---|---|---|\n" + "\n".join(rows)
    if since.strip():
        try:
            date.fromisoformat(since.strip())
        except ValueError:
            return out + "\n\n**错误** since: 应为 YYYY-MM-DD"
        diff = svc.diff(segment, since.strip())
        out += f"\n\n```diff\n{diff}\n```" if diff else f"\n\n自 {since} 以来没有变化。"
    return out


def digest(services: Services, month: str) -> str:
    try:
        return MonitoringService.from_services(services).digest(check_month(month.strip()))
    except ValueError as exc:
        return f"**错误** month: {exc}"


def _user(request: gr.Request | None) -> str:
    return f"staff:{getattr(request, 'username', None) or 'workbench'}"


def build_tab(services: Services) -> None:
    note = gr.Code(value=read("monitoring/field_note.md"), language="markdown", label="调研纪要", elem_id="ind-note")
    add_btn = gr.Button("校验并提交", variant="primary", elem_id="ind-add")
    add_out = gr.Markdown(elem_id="ind-add-out")
    pid = gr.State("")
    with gr.Row():
        comment = gr.Textbox(label="意见", elem_id="ind-comment")
        accept_btn = gr.Button("接受建议", elem_id="ind-accept")
        reject_btn = gr.Button("拒绝建议", elem_id="ind-reject")
    with gr.Row():
        segment = gr.Textbox(label="行业 id", elem_id="ind-segment")
        since = gr.Textbox(label="对比起始日 YYYY-MM-DD（可空）", elem_id="ind-since")
        hist_btn = gr.Button("版本历史", elem_id="ind-history-btn")
    hist_out = gr.Markdown(elem_id="ind-history")
    with gr.Row():
        month = gr.Textbox(label="月报月份 YYYY-MM", elem_id="ind-month")
        digest_btn = gr.Button("生成月报", elem_id="ind-digest-btn")
    digest_out = gr.Markdown(elem_id="ind-digest")

    def _add(text, request: gr.Request):
        return add_note(services, text, _user(request))

    def _accept(p, c, request: gr.Request):
        return decide(services, p, True, c, _user(request))

    def _reject(p, c, request: gr.Request):
        return decide(services, p, False, c, _user(request))

    add_btn.click(_add, [note], [add_out, pid])
    accept_btn.click(_accept, [pid, comment], [add_out])
    reject_btn.click(_reject, [pid, comment], [add_out])
    hist_btn.click(lambda s, d: history(services, s, d), [segment, since], [hist_out])
    digest_btn.click(lambda m: digest(services, m), [month], [digest_out])
