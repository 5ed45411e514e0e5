"""Standard industry brief (行业研究简报) for one segment, from a fixed template.

The same ten sections every time (prompts/chain_map/industry_brief.md.j2), filled only from the
knowledge base (the segment's document and the products it lists) and the chain graph (its inputs,
buyers, peers and most central nodes). No model writes any of it, so two briefs of the same segment are
identical and every line traces to a corpus file. An optional KnowledgeBase adds related passages
(FAQ, product documents) with their sources.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, Field

from agents.chain_map.context import ChainMapContext
from agents.chain_map.industry_text import bullets, sections
from kb.graph import central_nodes, peers, segment_neighbourhood
from prompts.loader import render

MONTHS = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"]


class UnknownSegment(KeyError):
    """A segment id not in the corpus; carries the nearest ids."""

    def __init__(self, segment_id: str, nearest: list[str]):
        super().__init__(segment_id)
        self.segment_id, self.nearest = segment_id, nearest

    def __str__(self) -> str:
        return f"unknown segment {self.segment_id!r}; nearest: {', '.join(self.nearest) or '—'}"


class IndustryBrief(BaseModel):
    segment_id: str
    name: str
    markdown: str
    sources: list[str] = Field(default_factory=list)
    profile_version: str | None = None  # issue #15: the industry profile version the brief used


def nearest_segments(ctx: ChainMapContext, segment_id: str, n: int = 5) -> list[str]:
    ids = list(ctx.industries)
    close = difflib.get_close_matches(segment_id, ids, n=n, cutoff=0.4)
    by_name = [k for k, d in ctx.industries.items() if segment_id and (segment_id in d.name or segment_id in d.aliases)]
    return list(dict.fromkeys(by_name + close))[:n]


def _related(kb: Any, query: str, exclude_doc: str, k: int = 3) -> list[dict]:
    """Passages (kb.retrieval.retrieve.Passage) from other documents of the KnowledgeBase, when one is given and
    built; a search failure only costs this part of the brief."""
    if kb is None:
        return []
    try:
        if hasattr(kb, "is_built") and not kb.is_built():
            return []
        hits = kb.search(query, k=k + 2)
    except Exception:  # the brief must render without the vector index
        return []
    out = []
    for h in hits:
        if getattr(h, "doc_id", None) == exclude_doc:
            continue  # the segment's own document is already the body of the brief
        title = " · ".join(x for x in (getattr(h, "title", ""), getattr(h, "section", "")) if x)
        out.append({"title": title or getattr(h, "doc_id", ""), "text": (getattr(h, "text", "") or "")[:160],
                    "source": getattr(h, "source", "") or getattr(h, "doc_id", "")})
    return out[:k]


def build_brief(ctx: ChainMapContext, segment_id: str, kb: Any = None) -> IndustryBrief:
    doc = ctx.industries.get(segment_id)
    if doc is None:
        raise UnknownSegment(segment_id, nearest_segments(ctx, segment_id))
    md = ctx.corpus.industries[segment_id]
    tracked = ctx.track(segment_id)
    sec = sections(ctx.body(segment_id, tracked))
    nb = segment_neighbourhood(ctx.graph, segment_id)
    products = [ctx.corpus.product(p) for p in doc.fitting_products if p in ctx.corpus.products]
    season = [{"month": MONTHS[i], "index": v, "peak": (i + 1) in doc.peak_months} for i, v in enumerate(doc.seasonality)]
    central = [name for node, name, _ in central_nodes(ctx.graph, nb.segment.id, top=8) if node != nb.segment.id][:6]
    edge_sources = sorted({i.source for i in nb.upstream_industries + nb.downstream_industries + nb.upstream_inputs
                           + nb.buyers if i.source})
    sources = [f"kb/corpus/{md.path}", *(f"kb/corpus/{ctx.corpus.products[p.id].path}" for p in products)]
    sources += [f"kb/corpus/{s}" for s in edge_sources if f"kb/corpus/{s}" not in sources]
    values = dict(
        d=doc, overview=sec.get("行业概况", ""), chain_text=sec.get("产业链", ""), nb=nb,
        gbt=[{"code": c, "name": ctx.gbt_names.get(c, "")} for c in doc.gbt_codes],
        peers=peers(ctx.graph, segment_id, top=6), central=central,
        operations=sec.get("经营模式与资金特征", ""), season=season, financing=sec.get("典型融资需求", ""),
        products=products, risks=bullets(sec.get("风险要点", "")), diligence=bullets(sec.get("尽调要点", "")),
        signals=list(dict.fromkeys([*doc.watch_signals, *bullets(sec.get("贷后预警信号", ""))])),
        related=_related(kb, f"{doc.name} 融资 风险", segment_id), sources=sources,
        version=tracked.profile_label if tracked else "v1（知识库初始版本）",
        stance=tracked.stance if tracked else "维持", industry_signals=tracked.evidence() if tracked else [])
    return IndustryBrief(segment_id=segment_id, name=doc.name, markdown=render("chain_map/industry_brief.md.j2", **values),
                         sources=sources, profile_version=values["version"])
