"""What a chain picture of one segment needs, in one typed object.

Left to right: upstream inputs → upstream industries → the segment → downstream industries → buyers.
Everything comes from graph edges (with the file that stated them); chain_kg adds, when merged, the
Shenwan industries the segment was linked to and a few public upstream materials of its products.
"""

from __future__ import annotations

import networkx as nx
from pydantic import BaseModel, Field

from kb.graph.query import GraphQueryError
from kb.graph.schema import seg_id


class GraphItem(BaseModel):
    id: str
    name: str
    type: str
    source: str = ""
    note: str = ""


class SegmentInfo(BaseModel):
    id: str
    name: str
    chain_name: str = ""
    chain_stage: str = ""
    regions: list[str] = Field(default_factory=list)
    clusters: list[str] = Field(default_factory=list)
    gbt: list[str] = Field(default_factory=list, description="'code 名称'")


class SegmentNeighbourhood(BaseModel):
    segment: SegmentInfo
    upstream_inputs: list[GraphItem] = Field(default_factory=list)
    upstream_industries: list[GraphItem] = Field(default_factory=list)
    main_products: list[GraphItem] = Field(default_factory=list)
    downstream_industries: list[GraphItem] = Field(default_factory=list)
    buyers: list[GraphItem] = Field(default_factory=list)
    bank_products: list[GraphItem] = Field(default_factory=list)
    kg_industries: list[GraphItem] = Field(default_factory=list, description="linked Shenwan industries")
    kg_materials: list[GraphItem] = Field(default_factory=list, description="chain_kg materials of its products")


def _item(graph: nx.MultiDiGraph, node: str, source: str, note: str = "") -> GraphItem:
    data = graph.nodes[node]
    return GraphItem(id=node, name=data.get("name") or node, type=data.get("type", ""), source=source, note=note)


def _add(bucket: list[GraphItem], item: GraphItem) -> None:
    if all(x.id != item.id for x in bucket):
        bucket.append(item)


def segment_neighbourhood(graph: nx.MultiDiGraph, segment: str, kg_limit: int = 6) -> SegmentNeighbourhood:
    """Upstream inputs/industries, the segment, downstream industries/buyers, fitting bank products."""
    sid = seg_id(segment)
    if sid not in graph or graph.nodes[sid].get("type") != "segment":
        raise GraphQueryError(f"segment {segment!r} is not in the graph")
    data = graph.nodes[sid]
    info = SegmentInfo(id=sid, name=data["name"], chain_name=data.get("chain_name", ""),
                       chain_stage=data.get("chain_stage", ""))
    out = SegmentNeighbourhood(segment=info)
    matched: list[tuple[float, GraphItem]] = []
    for _, v, etype, edata in graph.out_edges(sid, keys=True, data=True):
        src, vtype = edata.get("source", ""), graph.nodes[v].get("type")
        name = graph.nodes[v].get("name", "")
        if etype == "located_in":
            info.regions.append(name)
        elif etype == "in_cluster":
            info.clusters.append(name)
        elif etype == "classified_as":
            info.gbt.append(f"{graph.nodes[v].get('code', v[4:])} {name}".strip())
        elif etype == "produces":
            _add(out.main_products, _item(graph, v, src))
        elif etype == "supplies":
            _add(out.buyers, _item(graph, v, src))
        elif etype == "upstream_of" and vtype == "segment":
            _add(out.downstream_industries, _item(graph, v, src))
        elif etype == "buys_from":
            _add(out.upstream_industries, _item(graph, v, src, note="供应：" + "、".join(edata.get("via", []))))
        elif etype == "fits_product":
            _add(out.bank_products, _item(graph, v, src))
        elif etype == "matches" and vtype == "industry":
            matched.append((edata.get("score", 0.0), _item(graph, v, src, note=edata.get("field", ""))))
    for u, _, etype, edata in graph.in_edges(sid, keys=True, data=True):
        if etype != "upstream_of":
            continue
        bucket = out.upstream_industries if graph.nodes[u].get("type") == "segment" else out.upstream_inputs
        _add(bucket, _item(graph, u, edata.get("source", "")))
    out.kg_industries = [item for _, item in sorted(matched, key=lambda x: -x[0])[:kg_limit]]
    out.kg_materials = _kg_materials(graph, out.main_products, kg_limit)
    return out


def _kg_materials(graph: nx.MultiDiGraph, products: list[GraphItem], limit: int) -> list[GraphItem]:
    """Public upstream materials of the segment's products (chain_kg 上游材料), first ``limit``."""
    out: list[GraphItem] = []
    for prod in products:
        for u, _, etype, edata in graph.in_edges(prod.id, keys=True, data=True):
            if etype == "upstream_of" and edata.get("source") == "chain_kg" and graph.nodes[u].get("type") == "product":
                _add(out, _item(graph, u, "chain_kg", note=f"{prod.name}的上游材料"))
                if len(out) >= limit:
                    return out
    return out
