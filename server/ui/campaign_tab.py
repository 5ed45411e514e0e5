"""营销获客 tab: pick products, budget and channels, plan a campaign over a (synthetic) base; see the
lift chart, value by segment, budget use, the ranked list with reasons and the brief; export the CSV.

``plan_campaign`` does the work and returns plain values (tested without a browser); ``build_tab``
only lays out components and wires them. Bad input shows the field errors instead of results.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from agents.campaign.service import CampaignService, InvalidCampaign

TARGET_HEADERS = ["排名", "企业", "行业", "产品", "渠道", "出价上限（元）", "预期价值（元）", "理由1", "理由2", "理由3"]
STEP_LABELS = {"link": "行业识别", "screen": "准入与预筛", "learn": "训练响应模型", "score": "测算价值",
               "reasons": "生成理由", "allocate": "预算分配"}


def _service(services) -> CampaignService:
    return CampaignService.from_services(services)


def summary_markdown(result) -> str:
    s, m = result.summary, result.model
    return (f"**{result.campaign_id}**：{s.enterprises} 户中风险预筛拒绝 {s.declined} 户、可营销 {s.targetable} 户，"
            f"选定 **{s.targets}** 户；投入 {s.spend_yuan:,.0f} / {s.budget_yuan:,.0f} 元，预期价值 "
            f"**{s.expected_value_yuan:,.0f}** 元（上界 {s.bound_yuan:,.0f}，最优性差距 {s.optimality_gap:.2%}）。  \n"
            f"响应模型：AUC {m.auc:.3f}，Brier {m.brier:.4f}，校准误差 {m.ece:.4f}，前10%提升 {m.lift_top10:.1f} 倍。")


def plan_campaign(services, products: list[str] | None, budget: Any, channels: list[str] | None, size: Any,
                  seed: Any, progress=None) -> tuple[str, Any, Any, Any, list[list[Any]], str | None, str]:
    """(summary, lift figure, segment figure, budget figure, target rows, CSV path, brief); on bad
    input the summary names the fields and everything else is empty."""
    from agents.campaign.charts import budget_figure, lift_figure, segment_figure  # matplotlib, on use

    request = {"budget_yuan": budget if budget not in (None, "") else -1, "products": products or [],
               "channels": [{"id": c} for c in channels or []],
               "population": {"size": int(size or 0), "seed": int(seed or 0)}, "top": 500}
    cap = services.settings.campaign_api_max_size
    if int(size or 0) > cap:
        return f"请修改：population.size：工作台单次最多 {cap} 户；更大的名单请用 puhui campaign build", None, None, None, [], None, ""
    tick = (lambda step, f: progress(f, desc=STEP_LABELS.get(step, step))) if progress is not None else None
    try:
        run = _service(services).run(request, progress=tick)
    except InvalidCampaign as exc:
        return "请修改：" + "；".join(f"{f}：{m}" for f, m in exc.errors), None, None, None, [], None, ""
    except ValueError as exc:  # pydantic ValidationError: budget, size or seed out of range
        errors = getattr(exc, "errors", None)
        fields = "；".join(f"{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in errors()) if callable(errors) else str(exc)
        return "请修改：" + fields, None, None, None, [], None, ""
    result = run.result
    rows = [[t.rank, t.name, t.segment, t.product, t.channel, round(t.bid_yuan), round(t.expected_value_yuan),
             *t.reasons] for t in result.targets]
    folder = Path(tempfile.mkdtemp(prefix="puhui-campaign-"))
    csv_path = folder / f"{result.campaign_id}.csv"
    run.targets.to_csv(csv_path, index=False, encoding="utf-8-sig")
    return (summary_markdown(result), lift_figure(result), segment_figure(result), budget_figure(result), rows,
            str(csv_path), result.brief)


def build_tab(services) -> None:
    svc = _service(services)
    gr.Markdown("从整个客户名单中选出营销对象：行业识别 → 产品准入 → 风险预筛（拒绝的客户不进入名单）→ 响应模型 → "
                "在预算和渠道容量内分配，每个目标给出产品、渠道、出价上限、预期价值和三条理由。")
    with gr.Row():
        products = gr.Dropdown([(f"{p.name}（{k}）", k) for k, p in sorted(svc.ctx.products.items())], multiselect=True,
                               label="产品（不选 = 全部）", elem_id="campaign-products")
        channels = gr.CheckboxGroup([(c.name, c.id) for c in svc.ctx.channels], label="渠道（不选 = 全部）")
    with gr.Row():
        budget = gr.Number(value=100000, label="预算（元）", elem_id="campaign-budget")
        size = gr.Number(value=20000, precision=0, label="客户名单规模（合成）")
        seed = gr.Number(value=7, precision=0, label="随机种子")
        run_btn = gr.Button("生成营销方案", variant="primary", elem_id="campaign-run")
    summary = gr.Markdown(elem_id="campaign-summary")
    with gr.Row():
        lift, segments, spend = gr.Plot(label="累计增益"), gr.Plot(label="行业价值"), gr.Plot(label="预算使用")
    table = gr.Dataframe(headers=TARGET_HEADERS, label="目标客户名单", wrap=True, elem_id="campaign-targets")
    csv = gr.File(label="导出 CSV")
    brief = gr.Markdown(elem_id="campaign-brief")

    def run(p, b, c, n, s, progress=gr.Progress()):
        return plan_campaign(services, p, b, c, n, s, progress)

    run_btn.click(run, inputs=[products, budget, channels, size, seed],
                  outputs=[summary, lift, segments, spend, table, csv, brief])
