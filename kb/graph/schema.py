"""Vocabulary of the industry-chain graph: node and edge types, namespaced ids, add helpers.

One ``networkx.MultiDiGraph`` holds the project's own segment industries (built from the corpus front
matter by :mod:`kb.graph.build`) and, on demand, the public chain graph in ``../shared/data/chain_kg``
(merged by :mod:`kb.graph.chainkg`). Persistence: :mod:`kb.graph.io`; queries: :mod:`kb.graph.query`;
:mod:`kb.graph` re-exports the public API.

Conventions every module relies on:

* Node ids are namespaced strings (``seg:danyang_eyewear``, ``prod:镜片``, ``gbt:3587``,
  ``region:镇江市丹阳市``) so a product and a region with the same name never collide, and product
  names from both sources merge on one normalised id (:func:`norm_name`).
* Every node has ``type`` (one of :data:`NODE_TYPES`) and ``name``; every edge has ``type`` (one of
  :data:`EDGE_TYPES`) and ``source`` (the corpus file that asserted it, or ``chain_kg``). The edge key
  is the edge type, so the same fact asserted twice stays one edge.
* Flow edges (:data:`FLOW_TYPES`) point downstream: ``u -> v`` means value moves from u to v
  (an input is ``upstream_of`` the segment that uses it, a segment ``produces`` its products and
  ``supplies`` its buyer types). Up/downstream queries walk only these.
"""

from __future__ import annotations

import re
from typing import Any

import networkx as nx

from kb.textnorm import normalize

FORMAT_VERSION = 1

NODE_TYPES: dict[str, str] = {
    "segment": "细分行业（本行知识库）",
    "gbt": "国民经济行业分类 GB/T 4754-2017",
    "product": "产品/原料/买方类型",
    "region": "地区",
    "cluster": "产业集群",
    "chain": "产业链",
    "bank_product": "本行产品",
    "industry": "申万行业（chain_kg）",
    "company": "上市公司（chain_kg）",
}

NODE_PREFIX: dict[str, str] = {
    "segment": "seg", "gbt": "gbt", "product": "prod", "region": "region", "cluster": "cluster",
    "chain": "chain", "bank_product": "bp", "industry": "swi", "company": "co",
}

EDGE_TYPES: dict[str, str] = {
    "upstream_of": "u 是 v 的上游（原料/上游行业 → 使用方）",
    "produces": "u（行业/企业）生产 v（产品）",
    "supplies": "u（行业）向 v（买方类型）供货",
    "buys_from": "u（行业）从 v（行业）采购：v 的主营产品是 u 的投入品",
    "classified_as": "u（行业）归入 v（GB/T 代码）",
    "located_in": "u（行业）分布在 v（地区）",
    "in_cluster": "u（行业）属于 v（产业集群）",
    "part_of_chain": "u（行业）属于 v（产业链）",
    "fits_product": "u（行业）适配 v（本行产品）",
    "subtype_of": "u（产品/申万行业）是 v 的小类/下级",
    "in_industry": "u（公司）所属 v（申万行业）",
    "matches": "u（本行行业）与 v（chain_kg 实体）名称匹配",
}

#: Edge types along which goods and services flow downstream (u -> v).
FLOW_TYPES: frozenset[str] = frozenset({"upstream_of", "produces", "supplies"})

_PUNCT = re.compile(r"[\s\u3000、，,。.;；:：!！?？'\"“”‘’（）()\[\]【】《》<>/\\|·\-_~～*+=#&%$@^`]+")


def norm_name(name: str) -> str:
    """Canonical form of a product/industry name for matching and ids.

    Traditional → simplified and full-width → half-width via :func:`kb.textnorm.normalize`, ASCII
    lower-cased, punctuation and spaces removed, Shenwan level marks (Ⅱ/Ⅲ) dropped.
    """
    text = normalize(str(name)).lower().replace("ⅲ", "").replace("ⅱ", "").replace("Ⅲ", "").replace("Ⅱ", "")
    return _PUNCT.sub("", text)


def node_id(kind: str, key: str) -> str:
    """Namespaced node id; product and industry names are normalised so sources merge."""
    if kind not in NODE_PREFIX:
        raise ValueError(f"unknown node type {kind!r}; known: {', '.join(NODE_PREFIX)}")
    key = str(key).strip()
    if kind == "product":
        key = norm_name(key)
    elif kind in {"region", "cluster", "chain"}:
        key = normalize(key).strip()
    if not key:
        raise ValueError(f"empty key for a {kind} node")
    return f"{NODE_PREFIX[kind]}:{key}"


def seg_id(segment: str) -> str:
    """``danyang_eyewear`` or ``seg:danyang_eyewear`` → ``seg:danyang_eyewear``."""
    return segment if segment.startswith("seg:") else f"seg:{segment}"


def new_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.graph.update({"format_version": FORMAT_VERSION, "sources": []})
    return graph


def add_node(graph: nx.MultiDiGraph, nid: str, kind: str, name: str, **attrs: Any) -> str:
    """Add or update a node; existing attributes are kept (the first source to name it wins).

    A node created bare by an edge to it (e.g. a segment referenced before its own file is read)
    gets its type and name here.
    """
    if nid in graph:
        data = graph.nodes[nid]
        for k, v in {"type": kind, "name": name, **attrs}.items():
            data.setdefault(k, v)
    else:
        graph.add_node(nid, type=kind, name=name, **attrs)
    return nid


def add_edge(graph: nx.MultiDiGraph, u: str, v: str, etype: str, source: str, **attrs: Any) -> bool:
    """Add a typed, sourced edge (key = type); False when it already existed or is a self-loop.

    A fact asserted again by another file keeps one edge and lists the extra file in ``also``.
    """
    if etype not in EDGE_TYPES:
        raise ValueError(f"unknown edge type {etype!r}")
    if u == v:
        return False
    if graph.has_edge(u, v, key=etype):
        data = graph.edges[u, v, etype]
        if source != data["source"] and source not in data.get("also", ()):
            data.setdefault("also", []).append(source)
        return False
    graph.add_edge(u, v, key=etype, type=etype, source=source, **attrs)
    return True


def nodes_of_type(graph: nx.MultiDiGraph, kind: str) -> list[str]:
    return [n for n, d in graph.nodes(data=True) if d.get("type") == kind]


def edge_counts(graph: nx.MultiDiGraph) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, _, t in graph.edges(data="type"):
        counts[t] = counts.get(t, 0) + 1
    return dict(sorted(counts.items()))


def node_counts(graph: nx.MultiDiGraph) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, t in graph.nodes(data="type"):
        counts[t] = counts.get(t, 0) + 1
    return dict(sorted(counts.items()))
