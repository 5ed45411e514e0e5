"""质检 tab: upload dialogs (JSON / JSONL / CSV) or take the bot's recent sessions, score them against
the rubric, and see the summary chart, every finding with its evidence highlighted in the dialog,
the optional model judge's suggestions (for a person to confirm; they never change a score) and the
knowledge-base gap candidates.
"""

from __future__ import annotations

import html
import logging
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import gradio as gr

from agents.customer_service.service import CsService
from agents.qa_inspection.batch import inspect_all, summarize, write_chart
from agents.qa_inspection.service import QaService
from agents.qa_inspection.transcripts import dialog_from_view
from core.services import Services
from server.ui.llm_label import source_label
from tools.pii import mask_pii
from tools.qa.dialogs import Dialog, DialogFormatError, dialogs_from_json, read_dialogs
from tools.qa.models import DialogReport

log = logging.getLogger("puhui.ui")
_SEV_ZH = {"low": "低", "medium": "中", "high": "高", "critical": "严重"}
FINDING_HEADERS = ["对话", "规则", "名称", "严重程度", "第几句", "证据", "说明", "建议"]


def suggestions_html(report: DialogReport, rule_names: Mapping[str, str] | None = None) -> str:
    """The model judge's grounded suggestions as a short list ("" when there are none). Turns are
    labelled like the dialog's rows (0-based), the suggestion's own ``turn`` being 1-based."""
    if not report.llm_suggestions:
        return ""
    names = rule_names or {}
    items = "".join(
        f"<li>{html.escape(names.get(s.rule_id, s.rule_id))}（{html.escape(s.rule_id)}）· {s.turn - 1}·坐席："
        f"“{html.escape(mask_pii(s.evidence))}”{'——' + html.escape(mask_pii(s.reason)) if s.reason else ''}</li>"
        for s in report.llm_suggestions)
    return f"<div class='qa-suggestions'><b>模型建议（待人工确认）</b><ul>{items}</ul></div>"


def highlight_dialog(dialog: Dialog, report: DialogReport, rule_names: Mapping[str, str] | None = None) -> str:
    """The dialog as HTML with every evidence span marked (text masked segment by segment, so the
    marks stay aligned with the spans), the note, and the model's suggestions under it."""
    spans: dict[int, list] = {}
    for f in report.findings:
        if f.evidence is not None:
            spans.setdefault(f.evidence.turn, []).append(f)
    rows = []
    for i, t in enumerate(dialog.turns):
        text, pos, parts = t.text, 0, []
        for f in sorted(spans.get(i, []), key=lambda f: f.evidence.start):
            s, e = max(f.evidence.start, pos), f.evidence.end
            if e <= s:
                continue
            parts.append(html.escape(mask_pii(text[pos:s])))
            parts.append(f'<mark title="{html.escape(f.rule_id)}：{html.escape(f.message)}">{html.escape(mask_pii(text[s:e]))}</mark>')
            pos = e
        parts.append(html.escape(mask_pii(text[pos:])))
        who = "坐席" if t.role == "agent" else "客户"
        rows.append(f"<div class='qa-turn qa-{t.role}'><b>{i}·{who}</b>：{''.join(parts)}</div>")
    status = "合格" if report.passed else "不合格"
    return (f"<div class='qa-dialog'><h4>{html.escape(dialog.id)} — {report.score:.0f} 分（{status}）</h4>"
            f"{''.join(rows)}<p><i>{html.escape(report.review_note)}</i></p>{suggestions_html(report, rule_names)}</div>")


def finding_rows(reports: list[DialogReport]) -> list[list]:
    return [[r.dialog_id, f.rule_id, f.rule_name, _SEV_ZH[f.severity], f.evidence.turn if f.evidence else "",
             f.evidence.text if f.evidence else "", f.message, f.suggestion] for r in reports for f in r.findings]


def review_sources_line(reports) -> str:
    """Who wrote the review notes: the model, the template after a model failure (with why), or the
    template because no model is configured. Scores and verdicts always come from the rules."""
    counts = Counter(r.llm for r in reports)
    reasons = Counter(r.llm_reason or "unknown" for r in reports if r.llm == "fallback")
    parts = [f"{source_label(s)} {counts[s]} 通" for s in ("llm", "fallback", "none") if counts[s]]
    why = "（" + "、".join(f"{k} {v}" for k, v in reasons.most_common()) + "）" if reasons else ""
    return "点评撰写：" + "，".join(parts) + why + "；评分只来自规则。"


def _run(services: Services, dialogs: list[Dialog], errors: list[str]):
    inspector = QaService.from_services(services)
    reports = inspect_all(inspector, dialogs)
    summary = summarize(reports, inspector, errors)
    chart = Path(tempfile.mkdtemp(prefix="puhui-qa-")) / "chart.png"
    write_chart(summary, chart)
    text = (f"**{summary.dialogs} 通对话**，合格 {summary.passed}（合格率 {summary.pass_rate:.1%}），平均分 {summary.mean_score:.1f}。"
            + "".join(f"\n- {r.rule_name}（{r.rule_id}）：{r.dialogs} 通" for r in summary.by_rule if r.dialogs))
    text += "\n\n" + review_sources_line(reports)
    if summary.llm_suggestions:
        text += f"\n\n模型建议（待人工确认，不计分）：{summary.llm_suggestions} 条，见下方问题对话。"
    if errors:
        text += "\n\n**无法读取：**\n" + "\n".join(f"- `{e}`" for e in errors[:20])
    by_id = {d.id: d for d in dialogs}
    names = {r.id: r.name for r in inspector.rubric.rules}
    worst = sorted((r for r in reports if r.findings or r.llm_suggestions), key=lambda r: r.score)[:20]
    marked = "".join(highlight_dialog(by_id[r.dialog_id], r, names) for r in worst) or "<p>没有发现问题。</p>"
    gaps = [[g.question, g.count, "、".join(g.reasons)] for g in summary.gaps]
    return text, str(chart), finding_rows(reports), marked, gaps


def inspect_upload(services: Services, file_path: str | None, pasted: str):
    dialogs, errors = [], []
    try:
        if file_path:
            dialogs += read_dialogs(Path(file_path))
        if pasted and pasted.strip():
            dialogs += dialogs_from_json(pasted, "粘贴内容")
    except DialogFormatError as exc:
        return "✖ 对话格式有误：\n" + "\n".join(f"- `{p}`" for p in exc.problems[:20]), None, [], "", []
    if not dialogs:
        return "请上传对话文件（.json / .jsonl / .csv）或粘贴 JSON。", None, [], "", []
    try:
        return _run(services, dialogs, errors)
    except Exception as exc:
        log.exception("qa tab failed")
        return f"⚠ 质检失败：{type(exc).__name__}（详见服务器日志）", None, [], "", []


def inspect_recent(services: Services, limit: int):
    """The bot's most recent sessions (all customers: this is the staff workbench)."""
    try:
        bot = CsService.from_services(services)
        dialogs = [dialog_from_view(bot.view(s.id, s.customer_id)) for s in bot.sessions.list(None, int(limit))]
    except Exception as exc:
        log.exception("qa tab: reading sessions failed")
        return f"⚠ 读取会话失败：{type(exc).__name__}", None, [], "", []
    if not dialogs:
        return "还没有智能客服会话。", None, [], "", []
    return _run(services, dialogs, [])


def build_tab(services: Services) -> None:
    gr.Markdown("按《客服质检评分细则》逐通检查：开场与结束语、风险提示、违规承诺、不当用语、个人信息、"
                "索要验证码、与知识库不符、未解决未转接、等待过长。每条发现标出原文证据并给出整改建议。")
    with gr.Row():
        upload = gr.File(label="对话文件（JSON / JSONL / CSV）", file_types=[".json", ".jsonl", ".csv"], elem_id="qa-file")
        pasted = gr.Textbox(label="或粘贴 JSON", lines=6, placeholder='{"id": "d1", "turns": [{"role": "坐席", "text": "您好"}]}',
                            elem_id="qa-paste")
    with gr.Row():
        run = gr.Button("开始质检", variant="primary", elem_id="qa-run")
        recent_n = gr.Slider(10, 500, value=100, step=10, label="最近智能客服会话数")
        recent = gr.Button("质检最近的智能客服会话", elem_id="qa-recent")
    summary = gr.Markdown(elem_id="qa-summary")
    chart = gr.Image(label="各规则涉及对话数", type="filepath", elem_id="qa-chart")
    findings = gr.Dataframe(headers=FINDING_HEADERS, interactive=False, wrap=True, elem_id="qa-findings")
    with gr.Accordion("问题对话（证据高亮）", open=True):
        marked = gr.HTML(elem_id="qa-marked")
    gaps = gr.Dataframe(headers=["问题", "次数", "原因"], label="知识库缺口候选", interactive=False, elem_id="qa-gaps")
    outputs = [summary, chart, findings, marked, gaps]
    run.click(lambda f, p: inspect_upload(services, f, p), inputs=[upload, pasted], outputs=outputs)
    recent.click(lambda n: inspect_recent(services, n), inputs=recent_n, outputs=outputs)
