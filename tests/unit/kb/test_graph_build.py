"""Building the industry graph from the corpus front matter, and persisting it."""

from __future__ import annotations

import json

import pytest

from kb.corpus import load_corpus
from kb.graph import (
    EDGE_TYPES,
    NODE_TYPES,
    build_graph,
    edge_counts,
    load_graph,
    node_counts,
    node_id,
    norm_name,
    save_graph,
)
from tests.unit.kb.graph_fixtures import write_tiny_corpus

GBT = {"3587": "眼镜制造", "2614": "有机化学原料制造", "5245": "钟表、眼镜零售", "6210": "正餐服务"}


@pytest.fixture
def graph(tmp_path):
    return build_graph(load_corpus(write_tiny_corpus(tmp_path / "corpus")), GBT)


def test_nodes_are_namespaced_and_typed(graph):
    counts = node_counts(graph)
    assert counts["segment"] == 4 and counts["bank_product"] == 2 and counts["chain"] == 2
    assert set(counts) <= set(NODE_TYPES)
    assert graph.nodes["seg:danyang_eyewear"]["name"] == "丹阳眼镜制造"
    assert graph.nodes["seg:danyang_eyewear"]["chain_stage"] == "midstream"
    assert graph.nodes["gbt:3587"]["name"] == "眼镜制造"
    assert "region:镇江市丹阳市" in graph and "cluster:丹阳眼镜产业集群" in graph and "chain:眼镜产业链" in graph
    assert graph.nodes["bp:prod_tax_loan"]["name"] == "禾信税务贷"
    for node, data in graph.nodes(data=True):
        assert node.split(":", 1)[0] in {"seg", "gbt", "prod", "region", "cluster", "chain", "bp"}
        assert data["type"] in NODE_TYPES and data["name"] is not None


def test_every_edge_is_typed_and_sourced(graph):
    for u, v, key, data in graph.edges(keys=True, data=True):
        assert data["type"] == key and key in EDGE_TYPES
        assert data["source"].startswith("industries/") and data["source"].endswith(".md")
    counts = edge_counts(graph)
    for etype in ("upstream_of", "classified_as", "located_in", "in_cluster", "produces", "supplies", "fits_product",
                  "part_of_chain", "buys_from"):
        assert counts[etype] > 0, etype


def test_chain_facts_become_edges(graph):
    assert graph.edges["prod:树脂单体", "seg:danyang_eyewear", "upstream_of"]["source"] == "industries/danyang_eyewear.md"
    assert graph.has_edge("seg:danyang_eyewear", "prod:树脂镜片", "produces")
    assert graph.has_edge("seg:danyang_eyewear", "prod:眼镜零售店", "supplies")
    assert graph.has_edge("seg:danyang_eyewear", "gbt:3587", "classified_as")
    assert graph.has_edge("seg:danyang_eyewear", "bp:prod_tax_loan", "fits_product")
    # stated by both files (downstream_industries of one, upstream_industries of the other): one edge, both sources
    edge = graph.edges["seg:small_chemicals", "seg:danyang_eyewear", "upstream_of"]
    assert {edge["source"], *edge.get("also", [])} == {"industries/small_chemicals.md", "industries/danyang_eyewear.md"}
    # products shared by two segments are one node with both roles
    assert set(graph.nodes["prod:树脂镜片"]["roles"]) == {"main_product", "input"}


def test_buys_from_is_derived_from_matching_products(graph):
    edge = graph.edges["seg:danyang_eyewear", "seg:small_chemicals", "buys_from"]
    assert edge["via"] == ["树脂单体", "镀膜材料"]
    assert graph.edges["seg:optical_store", "seg:danyang_eyewear", "buys_from"]["via"] == ["树脂镜片", "眼镜架"]
    assert not graph.has_edge("seg:restaurant_chain", "seg:danyang_eyewear", "buys_from")


def test_names_are_normalised_for_ids():
    assert node_id("product", "鏡片") == "prod:镜片" == node_id("product", " 镜 片 ")
    assert norm_name("树脂单体（MR系列、CR-39）") == "树脂单体mr系列cr39"
    assert norm_name("焦炭Ⅲ") == "焦炭"
    with pytest.raises(ValueError, match="unknown node type"):
        node_id("planet", "x")


def test_round_trip_is_identical_and_atomic(graph, tmp_path):
    path = save_graph(graph, tmp_path / "g" / "industry_graph.json")
    assert sorted(p.name for p in path.parent.iterdir()) == ["industry_graph.json"]  # no temp file left
    loaded = load_graph(path)
    assert dict(loaded.nodes(data=True)) == dict(graph.nodes(data=True))
    assert sorted(loaded.edges(keys=True, data=True)) == sorted(graph.edges(keys=True, data=True))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["edges"][0].keys() >= {"u", "v", "key", "type", "source"}  # provenance survives serialisation


def test_load_errors_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="graph build"):
        load_graph(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_graph(bad)
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"graph": {"format_version": 0}, "nodes": [], "edges": []}), encoding="utf-8")
    with pytest.raises(ValueError, match="format_version"):
        load_graph(old)
