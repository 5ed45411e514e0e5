"""贷款审查 tab: application form (or JSON upload) → decision, reasons, score breakdown, memo; and the
pending-review queue where a reviewer approves or declines a referred application with a comment.

The 快速试算 checkbox (issue #19) is for a first try without a credit report: empty credit-report
fields are left out and ``LoanReviewService.review_quick`` — the same function as
``POST /v1/loan/review/quick`` — fills them from ``QuickCreditDefaults``; the summary lists each filled
field so the result is never mistaken for a review of real data.

The functions above ``build_tab`` do the work and return plain values (tested without a browser);
``build_tab`` only lays out components and wires them. Bad input shows its field errors.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import gradio as gr
from matplotlib.figure import Figure
from pydantic import ValidationError

from agents.loan_review.schemas import ReviewerAction
from agents.loan_review.service import InvalidApplication, LoanReviewService, ReviewConflict, ReviewNotFound
from kb.graph.render import cjk_font
from server.ui.llm_label import source_label
from tools.credit.quick_form import QUICK_CREDIT_DEFAULTS

log = logging.getLogger("puhui.ui")

DECISIONS = {"approve": "【同意授信】", "decline": "【不予授信】", "refer": "【转人工复核】"}
REASON_HEADERS = ["编号", "说明"]
PENDING_HEADERS = ["审查流水", "企业", "评分", "档位", "转人工原因", "转人工时间"]
FLOW_MONTHS = ["2024-06", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02",
               "2025-03", "2025-04", "2025-05"]
EXAMPLE = dict(name="丹阳市明视眼镜有限公司", scope="眼镜制造；眼镜销售（不含隐形眼镜）；光学玻璃制造；货物进出口",
               products="树脂镜片、金属眼镜架", location="镇江市丹阳市", industry="danyang_eyewear", years=8,
               revenue=1200, employees=35, owner="王建国", id_number="321181198203154516", phone="13912345678",
               overdue=0, max_days=0, current=False, inq3=1, inq6=2, debt=150, product="prod_working_capital",
               amount=200, tenor=12, purpose="采购镜片原料及支付加工费", collateral="无", collateral_value=None,
               guarantee="无", grade="A", tax_paid=36, inv_months=12, inv_amount=1050,
               inflows="95,90,98,105,102,110,115,92,80,100,104,108")
FORM_KEYS = list(EXAMPLE)
COLLATERAL = {"无": None, "房产": "property", "设备": "equipment", "存单": "deposit", "应收账款": "receivable"}
GUARANTEE = {"无": None, "政府性融资担保": "government_guarantee", "个人保证": "personal", "企业保证": "enterprise"}


def _service(services):
    return LoanReviewService.from_services(services)


def _num(v: Any) -> float | None:
    return None if v in (None, "") else float(v)


#: form key → credit-report field (the form's labels are shown next to filled defaults)
CREDIT_FIELDS = {"overdue": ("overdue_count_24m", "近24月逾期次数"), "max_days": ("max_overdue_days_24m", "最长逾期天数"),
                 "current": ("current_overdue", "当前有逾期"), "inq3": ("inquiries_3m", "近3月查询"),
                 "inq6": ("inquiries_6m", "近6月查询"), "debt": ("existing_debt_wan", "现有负债（万元）")}


def _int(v: Any) -> int | float | None:
    """A whole number as int; anything else unchanged, for the service to reject by field name."""
    n = _num(v)
    return int(n) if n is not None and n.is_integer() else n


def _quick_report(v: dict[str, Any]) -> dict[str, Any]:
    """Only the credit-report facts staff entered; an unticked 当前有逾期 counts as not given."""
    report: dict[str, Any] = {}
    for key, (name, _) in CREDIT_FIELDS.items():
        if key == "current":
            if v.get(key):
                report[name] = True
        elif _num(v.get(key)) is not None:
            report[name] = _num(v[key]) if name == "existing_debt_wan" else _int(v[key])
    return report


def form_to_application(v: dict[str, Any], quick: bool = False) -> dict:
    """The form's values as an application dict (validation happens in the service, per field).
    ``quick``: empty credit-report fields are left out, for ``review_quick`` to fill with defaults."""
    inflows = [s for s in str(v.get("inflows") or "").replace("，", ",").split(",") if s.strip()]
    months = FLOW_MONTHS[-len(inflows):] if 0 < len(inflows) <= 12 else FLOW_MONTHS
    grade = v.get("grade")
    app: dict[str, Any] = {
        "enterprise": {"name": v.get("name") or "", "business_scope": v.get("scope") or "",
                       "main_products": [p for p in str(v.get("products") or "").replace(",", "、").split("、") if p],
                       "location": v.get("location") or "", "industry_id": v.get("industry") or None,
                       "years_operating": _num(v.get("years")), "annual_revenue_wan": _num(v.get("revenue")),
                       "employee_count": None if _num(v.get("employees")) is None else int(v["employees"])},
        "owner": {"name": v.get("owner") or "", "id_number": v.get("id_number") or "", "phone": v.get("phone") or "",
                  "credit_report": {"overdue_count_24m": int(_num(v.get("overdue")) or 0),
                                    "max_overdue_days_24m": int(_num(v.get("max_days")) or 0),
                                    "current_overdue": bool(v.get("current")), "inquiries_3m": int(_num(v.get("inq3")) or 0),
                                    "inquiries_6m": int(_num(v.get("inq6")) or 0),
                                    "existing_debt_wan": _num(v.get("debt")) or 0.0}},
        "loan": {"requested_amount_wan": _num(v.get("amount")), "tenor_months": int(_num(v.get("tenor")) or 0),
                 "purpose": v.get("purpose") or "", "product": v.get("product") or ""},
        "bank_flow": {"months": [{"month": m, "inflow_wan": float(x)} for m, x in zip(months, inflows)]} if inflows else None,
    }
    if quick:
        app["owner"]["credit_report"] = _quick_report(v)
    if COLLATERAL.get(v.get("collateral") or "无"):
        app["loan"]["collateral"] = {"type": COLLATERAL[v["collateral"]], "value_wan": _num(v.get("collateral_value"))}
    if GUARANTEE.get(v.get("guarantee") or "无"):
        app["loan"]["guarantee"] = {"type": GUARANTEE[v["guarantee"]]}
    if grade and grade != "无":
        app["tax"] = {"tax_credit_grade": grade, "annual_tax_paid_wan": _num(v.get("tax_paid")) or 0.0}
    if _num(v.get("inv_months")) is not None:
        app["invoice"] = {"invoice_months_12m": int(v["inv_months"]), "annual_invoice_wan": _num(v.get("inv_amount")) or 0.0}
    return app


def points_figure(result, labels: dict[str, str]) -> Figure | None:
    """Horizontal bars: each characteristic's points (red = below zero)."""
    if not result.score:
        return None

    font = {"fontfamily": cjk_font()} if cjk_font() else {}
    items = sorted(result.score["points"].items(), key=lambda kv: kv[1])
    fig = Figure(figsize=(6.5, 0.32 * len(items) + 1), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(range(len(items)), [v for _, v in items], color=["#d62728" if v < 0 else "#2ca02c" for _, v in items])
    ax.set_yticks(range(len(items)), labels=[labels.get(k, k) for k, _ in items], **font)
    ax.axvline(0, color="#333", linewidth=0.8)
    ax.set_title(f"评分 {result.score['score']}（{result.band}档），违约概率 {result.score['pd']:.2%}", **font)
    return fig


def summary_markdown(result) -> str:
    lines = [f"### {DECISIONS[result.decision]}" + ("（待人工复核）" if result.status == "pending_review" else ""),
             f"审查流水 `{result.thread_id}` ｜ 审查意见文字：{source_label(result.memo_source)}"]
    if result.score:
        lines.append(f"评分 **{result.score['score']}**（{result.band}档），违约概率 {result.score['pd']:.2%}")
    if result.limit and result.price:
        lines.append(f"核定额度 **{result.limit['limit_wan']:g} 万元**，年化利率 **{result.price['rate_pct']:.2f}%**")
    return "\n\n".join(lines)


def reason_rows(result) -> list[list[str]]:
    rows = [[h["rule_id"], h["reason"]] for h in result.rule_hits]
    rows += [[r["code"], r["text"]] for r in (result.score or {}).get("reasons", [])]
    rows += [["转人工", r] for r in result.refer_reasons if not any(r.startswith(f"[{h['rule_id']}]") for h in result.rule_hits)]
    return rows


def defaults_markdown(filled: list[str]) -> str:
    """The credit-report fields 快速试算 filled with defaults, each with its label and value."""
    if not filled:
        return "快速试算：征信字段均已填写，未使用默认值。"
    labels = {name: label for name, label in CREDIT_FIELDS.values()}
    lines = ["#### 快速试算：以下征信字段未填写，已按默认值填写（须核实后再正式审查）"]
    for path in filled:
        name = path.rsplit(".", 1)[1]
        lines.append(f"- `{path}`（{labels.get(name, name)}）= {getattr(QUICK_CREDIT_DEFAULTS, name)!r}")
    return "\n".join(lines)


def run_review(services, raw: dict, quick: bool = False):
    """(summary markdown, figure, reason rows, memo, thread id) — field errors go to the summary.
    ``quick`` reviews through ``review_quick`` and lists the defaults it filled under the summary."""
    svc = _service(services)
    try:
        result = svc.review_quick(raw) if quick else svc.review(raw)
    except InvalidApplication as exc:
        msg = "### 申请资料有误\n" + "\n".join(f"- `{e.field}`：{e.msg}" for e in exc.errors)
        return msg, None, [], "", ""
    labels = {f.name: f.label for f in svc.ctx.scorecard.features}
    summary = summary_markdown(result)
    if quick:
        summary += "\n\n" + defaults_markdown(result.defaults_filled)
    return summary, points_figure(result, labels), reason_rows(result), result.memo, result.thread_id


def review_from_upload(services, path: str | None, quick: bool = False):
    if not path:
        return "### 请先选择申请 JSON 文件", None, [], "", ""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return f"### 文件不是有效的 JSON：{exc}", None, [], "", ""
    return run_review(services, raw, quick)


def pending_rows(services) -> list[list[Any]]:
    return [[p.thread_id, p.enterprise, p.score, p.band, "；".join(p.refer_reasons), p.referred_at]
            for p in _service(services).pending()]


def resume_review(services, thread_id: str, decision: str, reviewer: str, comment: str):
    """(message, memo, pending rows)."""
    try:
        action = ReviewerAction(decision=decision, reviewer=reviewer or "", comment=comment or "")  # type: ignore[arg-type]
    except ValidationError as exc:
        fields = {"comment": "审查意见（至少2个字）", "reviewer": "审查人"}
        bad = "、".join(fields.get(str(e["loc"][0]), str(e["loc"][0])) for e in exc.errors())
        return f"请填写：{bad}", "", pending_rows(services)
    try:
        result = _service(services).resume((thread_id or "").strip(), action)
    except (ReviewNotFound, ReviewConflict) as exc:
        return f"未能提交：{exc}", "", pending_rows(services)
    return f"已记录：{DECISIONS[result.decision]}（{result.thread_id}）", result.memo, pending_rows(services)


def selected_thread(evt: gr.SelectData) -> str:
    """The thread id of the clicked queue row."""
    row = getattr(evt, "row_value", None)
    return str(row[0]) if row else ""


def _industry_choices(services) -> list[tuple[str, str]]:
    corpus = services.corpus
    return [("自动识别（按经营范围）", "")] + sorted((f"{d.meta.name}（{k}）", k) for k, d in corpus.industries.items())


def _product_choices(services) -> list[tuple[str, str]]:
    return [(f"{d.meta.name}（{k}）", k) for k, d in sorted(services.corpus.products.items()) if d.meta.amount_wan]


def build_tab(services) -> None:
    gr.Markdown("录入小微企业贷款申请（或上传申请 JSON），系统依次完成行业识别、政策校验、评分卡、额度定价、"
                "审批决策并生成授信审查报告；转人工的申请在下方队列由审查人员复核。")
    with gr.Row():
        with gr.Column(scale=1):
            f: dict[str, Any] = {}
            with gr.Accordion("企业信息", open=True):
                f["name"], f["location"] = gr.Textbox(label="企业名称"), gr.Textbox(label="所在地")
                f["scope"], f["products"] = gr.Textbox(label="经营范围", lines=2), gr.Textbox(label="主营产品（顿号分隔）")
                f["industry"] = gr.Dropdown(_industry_choices(services), value="", label="细分行业")
                with gr.Row():
                    f["years"], f["revenue"], f["employees"] = (gr.Number(label="经营年限"), gr.Number(label="年营收（万元）"),
                                                                gr.Number(label="员工人数", precision=0))
            with gr.Accordion("实际控制人与征信", open=True):
                with gr.Row():
                    f["owner"], f["id_number"], f["phone"] = gr.Textbox(label="姓名"), gr.Textbox(label="身份证号"), gr.Textbox(label="手机号")
                with gr.Row():
                    f["overdue"], f["max_days"] = gr.Number(label="近24月逾期次数", precision=0), gr.Number(label="最长逾期天数", precision=0)
                    f["inq3"], f["inq6"] = gr.Number(label="近3月查询", precision=0), gr.Number(label="近6月查询", precision=0)
                with gr.Row():
                    f["debt"], f["current"] = gr.Number(label="现有负债（万元）"), gr.Checkbox(label="当前有逾期")
                quick = gr.Checkbox(label="快速试算 / 简易表单：没有征信报告时，留空的征信字段按默认值填写（结果中列出，须核实）",
                                    elem_id="loan-quick")
            with gr.Accordion("贷款申请", open=True):
                f["product"] = gr.Dropdown(_product_choices(services), label="产品")
                with gr.Row():
                    f["amount"], f["tenor"] = gr.Number(label="申请金额（万元）"), gr.Number(label="期限（月）", precision=0)
                f["purpose"] = gr.Textbox(label="用途")
                with gr.Row():
                    f["collateral"], f["collateral_value"] = gr.Dropdown(list(COLLATERAL), value="无", label="抵押"), gr.Number(label="抵押物价值（万元）")
                    f["guarantee"] = gr.Dropdown(list(GUARANTEE), value="无", label="担保")
            with gr.Accordion("纳税、开票与流水", open=False):
                with gr.Row():
                    f["grade"], f["tax_paid"] = gr.Dropdown(["无", "A", "B", "M", "C", "D"], value="无", label="纳税信用"), gr.Number(label="年纳税（万元）")
                    f["inv_months"], f["inv_amount"] = gr.Number(label="开票月数", precision=0), gr.Number(label="年开票（万元）")
                f["inflows"] = gr.Textbox(label="近12个月月度入账（万元，逗号分隔，由远及近）")
            with gr.Row():
                example_btn, submit_btn = gr.Button("填入示例"), gr.Button("提交审查", variant="primary", elem_id="loan-submit")
            upload = gr.File(label="或上传申请 JSON", file_types=[".json"], type="filepath")
            upload_btn = gr.Button("审查上传的申请")
        with gr.Column(scale=1):
            summary = gr.Markdown(elem_id="loan-summary")
            thread = gr.Textbox(label="审查流水号", interactive=False)
            chart = gr.Plot(label="评分构成")
            reasons = gr.Dataframe(headers=REASON_HEADERS, label="规则命中与扣分原因", wrap=True)
            memo = gr.Markdown(elem_id="loan-memo")
    gr.Markdown("### 待人工复核队列")
    queue = gr.Dataframe(value=lambda: pending_rows(services), headers=PENDING_HEADERS, label="转人工的申请",
                         wrap=True, elem_id="loan-queue")
    with gr.Row():
        refresh = gr.Button("刷新队列")
        sel = gr.Textbox(label="审查流水号（点击队列行选择）", elem_id="loan-thread")
        reviewer = gr.Textbox(label="审查人")
    comment = gr.Textbox(label="审查意见", lines=2)
    with gr.Row():
        approve, decline = gr.Button("同意", variant="primary"), gr.Button("拒绝", variant="stop")
    message, final_memo = gr.Markdown(), gr.Markdown()

    inputs = [f[k] for k in FORM_KEYS]
    outputs = [summary, chart, reasons, memo, thread]
    example_btn.click(lambda: [EXAMPLE[k] for k in FORM_KEYS], outputs=inputs)
    submit_btn.click(lambda q, *vals: run_review(services, form_to_application(dict(zip(FORM_KEYS, vals)), q), q),
                     inputs=[quick, *inputs], outputs=outputs).then(lambda: pending_rows(services), outputs=queue)
    upload_btn.click(lambda p, q: review_from_upload(services, p, q), inputs=[upload, quick], outputs=outputs).then(
        lambda: pending_rows(services), outputs=queue)
    refresh.click(lambda: pending_rows(services), outputs=queue)
    queue.select(selected_thread, inputs=None, outputs=sel)
    for btn, d in ((approve, "approve"), (decline, "decline")):
        btn.click(lambda t, r, c, d=d: resume_review(services, t, d, r, c), inputs=[sel, reviewer, comment],
                  outputs=[message, final_memo, queue])
