"""产业链地图 tab: enterprise form + optional statement upload → chain picture with the enterprise
placed on it, profile, strategies, and flags on a timeline.

``run_map`` does the work and returns plain values (so it is tested without a browser); ``build_tab``
only lays out components and wires them. Bad input shows field errors in the status line.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from agents.chain_map.batch import decode_upload
from agents.chain_map.schemas import ChainMapErrors, ChainMapResult
from agents.chain_map.service import ChainMapService
from kb.graph import segment_neighbourhood
from kb.graph.render import render_png
from server.ui.chain_batch import build_section as build_batch_section
from server.ui.chain_charts import flags_timeline, flows_figure
from server.ui.llm_label import sources_line
from tools.txn.flags import TYPOLOGY_NAMES_ZH
from tools.txn.io import rows_from_text
from tools.txn.synth.generate import generate_history
from tools.txn.transactions import parse_transactions

log = logging.getLogger("puhui.ui")

ACCOUNT = {"自动判断": None, "对公账户": "corporate", "个人账户（个体户）": "personal"}
GRADES = ["未知", "A", "B", "M", "C", "D"]
SEVERITY = {"high": "高", "medium": "中", "low": "低"}
FLAG_HEADERS = ["级别", "规则", "类型", "起", "止", "笔数", "金额（万元）", "说明"]
EXAMPLE = {"name": "丹阳市明瑞眼镜有限公司", "scope": "眼镜制造；眼镜销售（不含隐形眼镜）；光学玻璃制造；货物进出口",
           "products": "树脂镜片、金属镜架", "location": "镇江市丹阳市", "years": 6, "revenue": None,
           "grade": "B", "tax": 12, "inv_months": 11, "inv_amount": 800}


def _num(v: Any) -> float | None:
    return None if v in (None, "") else float(v)


def form_to_request(name, scope, products, location, years, revenue, account, grade, tax_paid, inv_months,
                    inv_amount) -> dict:
    ent: dict[str, Any] = {"name": name or "", "business_scope": scope or "", "main_products": products or [],
                           "location": location or None, "years_operating": _num(years),
                           "annual_revenue_wan": _num(revenue), "account_type": ACCOUNT.get(account)}
    if grade not in (None, "", "未知") or _num(tax_paid) is not None:
        ent["tax"] = {"tax_credit_grade": None if grade in (None, "", "未知") else grade,
                      "annual_tax_paid_wan": _num(tax_paid)}
    if _num(inv_months) is not None or _num(inv_amount) is not None:
        ent["invoices"] = {"invoice_months_12m": None if _num(inv_months) is None else int(inv_months),
                           "annual_invoice_wan": _num(inv_amount)}
    return {"enterprise": ent}


def _read_statement(path: str | None) -> list[dict] | None:
    if not path:
        return None

    p = Path(path)
    text = decode_upload(p.read_bytes())
    return rows_from_text(text, "json" if p.suffix.lower() == ".json" else "csv")


def picture_slot(result: ChainMapResult) -> tuple[int, str]:
    """Where the enterprise goes on the segment's picture: under its own role's column, labelled with it."""
    pos = result.position
    role = pos.role if pos is not None else None
    if role is None or not role.differs:
        return 2, "本企业"
    order = ("upstream", "midstream", "downstream")
    if role.stage == "support":
        return 2, "本企业（配套服务）"
    column = 1 if order.index(role.stage) < order.index(role.segment_stage) else 3
    return column, f"本企业（{pos.stage_zh.split('（')[0]}）"


def _picture(ctx, result: ChainMapResult):
    if result.placement.segment_id is None:
        return None
    try:
        from PIL import Image  # image decoding only when a picture is drawn

        column, label = picture_slot(result)
        png = render_png(segment_neighbourhood(ctx.graph, result.placement.segment_id), enterprise=result.enterprise.name,
                         enterprise_column=column, enterprise_label=label)
        return Image.open(io.BytesIO(png))
    except Exception:  # the picture is an aid; the report carries the same facts
        log.exception("chain picture failed")
        return None


def _placement_md(r: ChainMapResult) -> str:
    p = r.placement
    if p.verdict == "unknown":
        cands = "、".join(f"{c.name}（{c.score:.2f}）" for c in p.candidates) or "无"
        return f"### 行业未能识别\n{p.note}\n\n最接近的候选：{cands}"
    pos = r.position
    codes = "；".join(f"{g.code} {g.name}".strip() for g in p.gbt_codes)
    lines = [f"### {p.name}（置信度 {p.confidence:.2f}）", f"- 国标行业：{codes}", f"- 环节：**{pos.stage_zh}** ｜ {pos.chain_name}",
             *([f"- 环节依据：{pos.role.basis}（{'；'.join(pos.role.evidence) or '—'}）"
                + (f"；本企业节点：{pos.role.own_node_name}" if pos.role.own_node_name else "")] if pos.role else []),
             "- 上游：" + "、".join(u.name for u in pos.upstream[:8]), "- 下游：" + "、".join(d.name for d in pos.downstream[:8]),
             "- 同业/集群：" + "、".join(q.name for q in pos.peers[:5])]
    if p.note:
        lines.append(f"- 提示：{p.note}")
    return "\n".join(lines)


def _profile_md(r: ChainMapResult) -> str:
    prof = r.profile
    blocks = [("资金特征", prof.fund_features), ("经营行为", prof.operating_behaviour), ("风险特征", prof.risk_features)]
    return "\n\n".join(f"**{title}**\n\n" + "\n".join(f"- {s}" for s in items) for title, items in blocks if items)


def _strategy_md(r: ChainMapResult) -> str:
    status = {"fits": "适配", "needs_info": "待补充信息", "fails": "不适配"}
    rows = [f"| {i} | {m.name}{' ★' if m.industry_fit else ''} | {status[m.status]} | {m.summary} |"
            for i, m in enumerate(r.marketing.products, 1)]
    risk = r.risk
    return "\n".join(["### 营销策略", r.marketing.pitch, "", "| # | 产品 | 结论 | 依据 |", "|---|---|---|---|", *rows, "",
                      "### 风险策略", risk.summary, "", "**尽调问题**", *[f"{i}. {q}" for i, q in enumerate(risk.due_diligence, 1)],
                      "", "**贷后预警信号**", *[f"- {w}" for w in risk.watch_signals]])


def flag_rows(r: ChainMapResult) -> list[list]:
    flags = r.screening.flags if r.screening else []
    return [[SEVERITY[f.severity], f.rule_id, TYPOLOGY_NAMES_ZH[f.typology], str(f.first_date), str(f.last_date),
             len(f.evidence), round(f.total_amount / 1e4, 2), f.explanation] for f in flags]


def run_map(services, *form_and_file) -> tuple:
    """(status, picture, placement md, flows fig, profile md, strategy md, timeline fig, flag rows, report md)."""
    *form, upload = form_and_file
    empty = (None, "", None, "", "", None, [], "")
    try:
        request = form_to_request(*form)
        try:
            request["transactions"] = _read_statement(upload)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            return (f"【未完成】流水文件无法读取：{exc}", *empty)
        service = ChainMapService.from_services(services)
        ctx = service.context
        result = service.run(request)
        if isinstance(result, ChainMapErrors):
            return ("【输入有误】\n\n" + "\n".join(f"- `{e.loc}`：{e.msg}" for e in result.errors), *empty)
        txns, _ = parse_transactions(request.get("transactions") or [])
        n_flags = len(result.screening.flags) if result.screening else 0
        status = (f"【完成】{result.placement.name or '行业未识别'}；{len(txns)} 笔流水，{n_flags} 条预警。"
                  f"｜模型：{sources_line(result.llm)}")
        if result.warnings:
            status += "\n" + "；".join(result.warnings)
        return (status, _picture(ctx, result), _placement_md(result), flows_figure(result), _profile_md(result),
                _strategy_md(result), flags_timeline(result, txns), flag_rows(result), result.report_markdown)
    except Exception as exc:  # staff see one line; details go to the log
        log.exception("chain map tab failed")
        return (f"【运行失败】{type(exc).__name__}，详情见服务器日志。", *empty)


def example_statement(services) -> str:
    """A synthetic year of the example enterprise's flows with a few injected patterns, as a CSV."""
    ctx = ChainMapService.from_services(services).context
    ind = ctx.industries.get("danyang_eyewear") or next(iter(ctx.industries.values()))
    h = generate_history(ind, ctx.industries, 42, ["circular_flow", "structuring", "implausible_counterparty"],
                         n_txn=400, distance=ctx.distance, universal=ctx.universal)
    path = Path(tempfile.mkdtemp(prefix="puhui-example-")) / "example_statement.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["date", "amount", "direction", "counterparty", "counterparty_industry",
                                                "counterparty_scope", "channel", "memo"])
        writer.writeheader()
        for t in h.transactions:
            writer.writerow({k: v for k, v in t.model_dump(mode="json").items() if k in writer.fieldnames})
    return str(path)


def build_tab(services) -> None:
    gr.Markdown("输入企业信息（可上传近12个月流水 CSV/JSON），得到行业定位、产业链位置、客户画像、营销与风险策略和可疑交易预警。")
    with gr.Row():
        with gr.Column(scale=2):
            name = gr.Textbox(label="企业名称", elem_id="chain-name")
            scope = gr.Textbox(label="经营范围", lines=3, elem_id="chain-scope")
            products = gr.Textbox(label="主营产品（用、分隔）", elem_id="chain-products")
            location = gr.Textbox(label="所在地", placeholder="如 镇江市丹阳市", elem_id="chain-location")
            with gr.Row():
                years = gr.Number(label="经营年限（年）", elem_id="chain-years")
                revenue = gr.Number(label="年营业收入（万元）", elem_id="chain-revenue")
                account = gr.Dropdown(list(ACCOUNT), value="自动判断", label="结算账户类型")
            with gr.Row():
                grade = gr.Dropdown(GRADES, value="未知", label="纳税信用等级")
                tax_paid = gr.Number(label="年纳税额（万元）")
                inv_months = gr.Number(label="近12个月开票月数")
                inv_amount = gr.Number(label="年开票额（万元）")
            upload = gr.File(label="交易流水（CSV/JSON，可选）", file_types=[".csv", ".json"], type="filepath",
                             elem_id="chain-upload")
            with gr.Row():
                run = gr.Button("生成产业链地图", variant="primary", elem_id="chain-run")
                example = gr.Button("载入示例", elem_id="chain-example")
        with gr.Column(scale=3):
            status = gr.Markdown(elem_id="chain-status")
            picture = gr.Image(label="产业链图（本企业已标注）", type="pil", elem_id="chain-picture")
            placement = gr.Markdown(elem_id="chain-placement")
    with gr.Tab("客户画像"):
        flows = gr.Plot(label="月度资金流")
        profile = gr.Markdown(elem_id="chain-profile")
    with gr.Tab("营销与风险策略"):
        strategies = gr.Markdown(elem_id="chain-strategies")
    with gr.Tab("可疑交易预警"):
        timeline = gr.Plot(label="预警时间轴")
        flags = gr.Dataframe(headers=FLAG_HEADERS, wrap=True, elem_id="chain-flags")
    with gr.Tab("完整报告"):
        report = gr.Markdown(elem_id="chain-report")
    with gr.Tab("批量定位"):
        build_batch_section(services)
    inputs = [name, scope, products, location, years, revenue, account, grade, tax_paid, inv_months, inv_amount, upload]
    outputs = [status, picture, placement, flows, profile, strategies, timeline, flags, report]
    run.click(lambda *a: run_map(services, *a), inputs, outputs)
    example.click(lambda: (EXAMPLE["name"], EXAMPLE["scope"], EXAMPLE["products"], EXAMPLE["location"], EXAMPLE["years"],
                           EXAMPLE["revenue"], "自动判断", EXAMPLE["grade"], EXAMPLE["tax"], EXAMPLE["inv_months"],
                           EXAMPLE["inv_amount"], example_statement(services)), None, inputs)
