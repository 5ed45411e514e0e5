"""Industry browser for the 知识库 tab: a segment's front-matter facts, its body and its chain picture.

Facts are shown with Chinese labels and ids resolved to names, so staff can read a segment without
knowing the YAML. The picture comes from ``kb.graph.render`` (upstream → segment → downstream) when
that module and the graph are available; otherwise a one-line text chain from the front matter stands
in, so the browser still works on a machine where the graph was never built.
"""

from __future__ import annotations

import io
import logging

from kb.corpus import Corpus
from kb.graph import segment_neighbourhood
from kb.graph.render import render_png
from kb.schema import IndustryDoc

log = logging.getLogger("puhui.ui")

STAGES = {"upstream": "上游（种养殖/原材料）", "midstream": "中游（加工制造）", "downstream": "下游（批发零售/终端服务）",
          "support": "配套（物流/服务）"}
LABELS: dict[str, str] = {
    "id": "编号", "name": "名称", "aliases": "别名", "gbt_codes": "国标行业代码（GB/T 4754）", "regions": "地区",
    "clusters": "产业集群", "chain_name": "所属产业链", "chain_stage": "链上环节", "main_products": "主要产品",
    "upstream_inputs": "上游投入", "downstream_buyers": "下游买家", "upstream_industries": "上游行业",
    "downstream_industries": "下游行业", "scope_keywords": "经营范围关键词", "seasonality": "月度季节性指数（1–12月）",
    "peak_months": "旺季月份", "cash_conversion_days": "现金周转天数", "typical_revenue_wan": "典型年营收（万元）",
    "gross_margin_pct": "毛利率（%）", "typical_loan": "典型贷款", "risk_grade": "行业风险等级（1低–5高）",
    "risk_tags": "风险标签", "watch_signals": "贷后预警信号", "fitting_products": "适配产品",
}


def industry_choices(corpus: Corpus) -> list[tuple[str, str]]:
    """(label, id) pairs sorted by chain then name, e.g. ("丹阳眼镜制造 · 眼镜产业链", "danyang_eyewear")."""
    metas: list[IndustryDoc] = [d.meta for d in corpus.industries.values()]  # type: ignore[misc]
    return [(f"{m.name} · {m.chain_name}", m.id) for m in sorted(metas, key=lambda m: (m.chain_name, m.name))]


def _names(ids: list[str], table: dict, missing: str = "（未收录）") -> str:
    out = []
    for i in ids:
        doc = table.get(i)
        out.append(f"{doc.meta.name}（{i}）" if doc is not None else f"{i}{missing}")
    return "、".join(out) or "—"


def _value(field: str, value, corpus: Corpus) -> str:
    if field == "chain_stage":
        return STAGES.get(value, value)
    if field in ("upstream_industries", "downstream_industries"):
        return _names(value, corpus.industries)
    if field == "fitting_products":
        return _names(value, corpus.products)
    if field == "peak_months":
        return "、".join(f"{m}月" for m in value)
    if field == "seasonality":
        return " ".join(f"{x:g}" for x in value)
    if field in ("typical_revenue_wan", "gross_margin_pct"):
        return f"{value.min:g} – {value.max:g}"
    if field == "typical_loan":
        return (f"金额 {value.amount_wan.min:g}–{value.amount_wan.max:g} 万元，"
                f"期限 {value.tenor_months.min:g}–{value.tenor_months.max:g} 个月")
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def industry_facts(corpus: Corpus, industry_id: str) -> list[list[str]]:
    """[[字段, 值], …] for one industry, in the schema's field order."""
    meta: IndustryDoc = corpus.industries[industry_id].meta  # type: ignore[assignment]
    fields = [f for f in IndustryDoc.model_fields if f != "doc_type"]
    return [[LABELS.get(f, f), _value(f, getattr(meta, f), corpus)] for f in fields]


def chain_line(corpus: Corpus, industry_id: str) -> str:
    """Text fallback of the chain picture: inputs/upstream industries → segment → downstream."""
    meta: IndustryDoc = corpus.industries[industry_id].meta  # type: ignore[assignment]
    up = [corpus.industries[i].meta.name for i in meta.upstream_industries if i in corpus.industries]
    down = [corpus.industries[i].meta.name for i in meta.downstream_industries if i in corpus.industries]
    left = "、".join(dict.fromkeys(up + meta.upstream_inputs[:4]))  # ordered, without repeats
    right = "、".join(dict.fromkeys(down + meta.downstream_buyers[:4]))
    return f"**{meta.chain_name}**：{left} → **{meta.name}**（{STAGES.get(meta.chain_stage, meta.chain_stage)}） → {right}"


def industry_markdown(corpus: Corpus, industry_id: str) -> str:
    doc = corpus.industries[industry_id]
    return f"# {doc.meta.name}\n\n来源：`{doc.path}`\n\n{doc.body.strip()}"


def render_chain_picture(graph, industry_id: str):
    """The segment's chain picture (PIL image) from ``kb.graph.render``, or None when unavailable."""
    try:
        from PIL import Image  # image decoding only when a picture is drawn
    except ImportError:
        return None
    try:
        return Image.open(io.BytesIO(render_png(segment_neighbourhood(graph, industry_id))))
    except Exception:  # the picture is an aid; the facts table carries the same links
        log.exception("chain picture for %s failed", industry_id)
        return None
