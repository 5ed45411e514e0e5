"""Build the industry-chain graph from the corpus front matter (kb/corpus/industries, products).

Each fact becomes one typed edge whose ``source`` is the corpus file that states it (path relative to
the corpus root), so a picture or an answer can always cite where a link came from. Besides the
stated facts, one relation is derived: ``buys_from`` (D → U) when a main product of segment U is an
upstream input of segment D — the evidence (the shared products) is kept in ``via``.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import networkx as nx

from kb.corpus import Corpus, load_corpus
from kb.gbt import load_gbt_codes
from kb.graph.schema import add_edge, add_node, new_graph, node_id, norm_name, seg_id
from kb.schema import IndustryDoc, ProductDoc


def _product(graph: nx.MultiDiGraph, name: str, role: str) -> str:
    nid = add_node(graph, node_id("product", name), "product", name)
    roles = graph.nodes[nid].setdefault("roles", [])
    if role not in roles:
        roles.append(role)
    return nid


def _add_bank_products(graph: nx.MultiDiGraph, corpus: Corpus) -> None:
    for pid, doc in corpus.products.items():
        meta: ProductDoc = doc.meta  # type: ignore[assignment]
        add_node(graph, node_id("bank_product", pid), "bank_product", meta.name, category=meta.category,
                 path=doc.path)


def _add_segment(graph: nx.MultiDiGraph, meta: IndustryDoc, path: str, gbt_names: dict[str, str],
                 known: set[str]) -> None:
    sid = add_node(graph, seg_id(meta.id), "segment", meta.name, aliases=list(meta.aliases),
                   chain_stage=meta.chain_stage, chain_name=meta.chain_name, risk_grade=meta.risk_grade,
                   path=path)
    for code in meta.gbt_codes:
        gid = add_node(graph, node_id("gbt", code), "gbt", gbt_names.get(code, ""), code=code)
        add_edge(graph, sid, gid, "classified_as", path)
    for region in meta.regions:
        rid = add_node(graph, node_id("region", region), "region", region)
        add_edge(graph, sid, rid, "located_in", path)
    for cluster in meta.clusters:
        cid = add_node(graph, node_id("cluster", cluster), "cluster", cluster)
        add_edge(graph, sid, cid, "in_cluster", path)
    chain = add_node(graph, node_id("chain", meta.chain_name), "chain", meta.chain_name)
    add_edge(graph, sid, chain, "part_of_chain", path)
    for name in meta.main_products:
        add_edge(graph, sid, _product(graph, name, "main_product"), "produces", path)
    for name in meta.upstream_inputs:
        add_edge(graph, _product(graph, name, "input"), sid, "upstream_of", path)
    for name in meta.downstream_buyers:
        add_edge(graph, sid, _product(graph, name, "buyer"), "supplies", path)
    for other in meta.upstream_industries:
        if other in known:
            add_edge(graph, seg_id(other), sid, "upstream_of", path)
    for other in meta.downstream_industries:
        if other in known:
            add_edge(graph, sid, seg_id(other), "upstream_of", path)
    for pid in meta.fitting_products:
        bp = add_node(graph, node_id("bank_product", pid), "bank_product", pid)
        add_edge(graph, sid, bp, "fits_product", path)


def _derive_buys_from(graph: nx.MultiDiGraph, corpus: Corpus) -> None:
    """D buys_from U when U's main products include one of D's upstream inputs (normalised names)."""
    makers: dict[str, list[str]] = defaultdict(list)
    for iid, doc in corpus.industries.items():
        for name in doc.meta.main_products:  # type: ignore[attr-defined]
            makers[norm_name(name)].append(iid)
    for iid, doc in corpus.industries.items():
        meta: IndustryDoc = doc.meta  # type: ignore[assignment]
        via: dict[str, list[str]] = defaultdict(list)
        for name in meta.upstream_inputs:
            for maker in makers.get(norm_name(name), []):
                if maker != iid:
                    via[maker].append(name)
        for maker, names in sorted(via.items()):
            add_edge(graph, seg_id(iid), seg_id(maker), "buys_from", doc.path, via=sorted(set(names)))


def build_graph(corpus: Corpus, gbt_names: dict[str, str] | None = None) -> nx.MultiDiGraph:
    """The corpus part of the graph; ``gbt_names`` maps GB/T codes to names (empty → names left blank)."""
    graph = new_graph()
    gbt_names = gbt_names or {}
    known = set(corpus.industries)
    _add_bank_products(graph, corpus)
    for _, doc in sorted(corpus.industries.items()):
        _add_segment(graph, doc.meta, doc.path, gbt_names, known)  # type: ignore[arg-type]
    _derive_buys_from(graph, corpus)
    graph.graph["sources"] = ["corpus"]
    graph.graph["corpus_root"] = str(corpus.root)
    graph.graph["segments"] = len(known)
    return graph


def build_graph_from_dir(corpus_dir: Path, gbt_dir: Path | None = None) -> tuple[nx.MultiDiGraph, list[str]]:
    """Load the corpus and build its graph; returns the graph and the corpus errors (as text)."""
    corpus = load_corpus(Path(corpus_dir))
    return build_graph(corpus, load_gbt_codes(gbt_dir)), [str(e) for e in corpus.errors]
