"""Merging the public chain graph (chain_kg format) into ours: typed/sourced edges, dedup, links, persistence."""

from __future__ import annotations

import pytest

from kb.corpus import load_corpus
from kb.graph import (
    build_graph,
    import_chainkg,
    load_graph,
    node_counts,
    save_graph,
    segment_links,
    segment_neighbourhood,
    upstream,
)
from tests.unit.kb.graph_fixtures import write_tiny_chainkg, write_tiny_corpus


@pytest.fixture
def merged(tmp_path):
    graph = build_graph(load_corpus(write_tiny_corpus(tmp_path / "corpus")))
    stats = import_chainkg(graph, write_tiny_chainkg(tmp_path / "chain_kg"))
    return graph, stats


def test_import_adds_typed_sourced_elements(merged):
    graph, stats = merged
    assert stats.industries == 9 and stats.companies == 2
    assert stats.edges["subtype_of"] == 6 + 1  # 6 industry levels + 1 product sub-type
    assert stats.skipped == {"industry_up_unknown_name": 1, "product_self_or_empty": 1}
    assert graph.nodes["swi:460601"] == {"type": "industry", "name": "餐饮Ⅲ", "code": "460601", "level": 3}
    assert graph.has_edge("swi:220301", "swi:220300", "subtype_of")
    assert graph.edges["swi:220301", "swi:370502", "upstream_of"]["weight"] == 3  # industry_up, names → codes
    assert graph.nodes["co:301101"]["name"] == "明月镜片"  # company code without/with .SZ is one company
    assert graph.has_edge("co:301101", "swi:370502", "in_industry")
    assert graph.edges["co:301101", "prod:镜片", "produces"]["weight"] == 0.72
    for u, v, data in graph.edges(data=True):
        if u.startswith(("swi:", "co:")) or v.startswith(("swi:", "co:")) or data["type"] == "matches":
            assert data["source"] == "chain_kg"
    assert "chain_kg" in graph.graph["sources"]


def test_product_relations_have_the_right_direction(merged):
    graph, _ = merged
    assert graph.has_edge("prod:玻璃", "prod:眼镜", "upstream_of")  # 上游材料: to is a material of from
    assert graph.has_edge("prod:玻璃镜片", "prod:镜片", "subtype_of")  # 产品小类: to is a kind of from
    assert graph.has_edge("prod:树脂单体", "prod:紫外线吸收剂", "upstream_of")  # 下游产品: to is downstream of from
    assert not graph.has_edge("prod:眼镜", "prod:眼镜", "upstream_of")  # self-loops dropped


def test_names_are_deduplicated_and_merged_with_the_corpus(merged):
    graph, stats = merged
    assert "prod:鏡架" not in graph and graph.has_edge("prod:镜架", "prod:眼镜", "upstream_of")  # 鏡架 == 镜架
    # 树脂单体 is both a corpus input and a chain_kg product: one node keeps its corpus roles and gains kg edges
    assert stats.merged_products == 1
    assert set(graph.nodes["prod:树脂单体"]["roles"]) == {"main_product", "input"}
    assert graph.has_edge("co:301101", "prod:树脂单体", "produces")


def test_segments_are_linked_with_matches(merged):
    graph, stats = merged
    links = segment_links(graph, "seg:danyang_eyewear")
    products = {item["id"]: item for item in links["product"]}
    assert products["prod:镜片"]["field"] == "main_product" and products["prod:镜片"]["score"] == 0.5  # 树脂镜片 → 镜片
    assert products["prod:树脂单体"]["field"] == "upstream_input" and products["prod:树脂单体"]["score"] == 1.0
    industries = {item["id"]: item for item in links["industry"]}
    assert industries["swi:370502"]["field"] == "company_products"  # the lens maker's industry
    assert "swi:460601" in {i["id"] for i in segment_links(graph, "seg:restaurant_chain")["industry"]}  # 餐饮 in the name
    assert stats.matches == sum(1 for *_, t in graph.edges(keys=True) if t == "matches")
    nb = segment_neighbourhood(graph, "danyang_eyewear")
    assert "swi:370502" in {i.id for i in nb.kg_industries}
    assert {"prod:玻璃镜片"} <= {h.node for h in upstream(graph, "prod:镜片", 1, types=frozenset({"subtype_of"}))}


def test_round_trip_with_side_file(merged, tmp_path):
    graph, _ = merged
    path = save_graph(graph, tmp_path / "out" / "industry_graph.json")
    side = sorted(p.name for p in path.parent.glob("industry_graph.chainkg.*.json"))
    assert len(side) == 1 and graph.number_of_nodes() > 0
    loaded = load_graph(path)
    assert dict(loaded.nodes(data=True)) == dict(graph.nodes(data=True))
    assert sorted(loaded.edges(keys=True, data=True)) == sorted(graph.edges(keys=True, data=True))
    assert sorted(loaded.in_edges("prod:镜片", keys=True)) == sorted(graph.in_edges("prod:镜片", keys=True))
    corpus_only = load_graph(path, include_chainkg=False)
    assert "swi:370502" not in corpus_only and "co:301101" not in corpus_only
    assert node_counts(corpus_only)["segment"] == 4 and "chain_kg" not in corpus_only.graph["sources"]
    save_graph(corpus_only, path)  # a graph without chain_kg leaves no stale side file behind
    assert not list(path.parent.glob("industry_graph.chainkg.*.json"))
    assert "swi:370502" not in load_graph(path)


def test_missing_files_are_named(tmp_path):
    folder = write_tiny_chainkg(tmp_path / "chain_kg")
    (folder / "product_product.csv").unlink()
    graph = build_graph(load_corpus(write_tiny_corpus(tmp_path / "corpus")))
    with pytest.raises(FileNotFoundError, match="product_product.csv"):
        import_chainkg(graph, folder)


@pytest.mark.slow
def test_real_chain_kg_folder(shared_data, tmp_path):
    folder = shared_data / "chain_kg"
    if not folder.is_dir():
        pytest.skip(f"{folder} not present")
    graph = build_graph(load_corpus(write_tiny_corpus(tmp_path / "corpus")))
    stats = import_chainkg(graph, folder)
    assert stats.industries == 511 and stats.products > 90_000 and stats.companies > 4_000
    assert stats.edges["upstream_of"] > 55_000 and stats.edges["subtype_of"] > 50_000
    assert graph.has_edge("prod:大米", "prod:香菇鸭粥", "upstream_of")  # the sample row in PROVENANCE.txt
    assert graph.nodes["swi:110101"]["name"] == "种子"
    assert segment_links(graph, "seg:danyang_eyewear")["product"]
