"""Queries over the industry graph: k hops, paths, stages, peers, centrality, a segment's neighbourhood."""

from __future__ import annotations

import pytest

from kb.corpus import load_corpus
from kb.graph import (
    GraphQueryError,
    build_graph,
    central_nodes,
    chain_path,
    chain_stage,
    downstream,
    peers,
    segment_neighbourhood,
    upstream,
)
from tests.unit.kb.graph_fixtures import write_tiny_corpus


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return build_graph(load_corpus(write_tiny_corpus(tmp_path_factory.mktemp("corpus"))))


def test_upstream_k_hops(graph):
    one = {h.node: h for h in upstream(graph, "seg:danyang_eyewear", 1)}
    assert {"prod:树脂单体", "prod:模具", "seg:small_chemicals"} <= set(one)
    assert all(h.depth == 1 for h in one.values())
    assert one["seg:small_chemicals"].via == "upstream_of" and one["seg:small_chemicals"].name == "小型化工"
    two = {h.node: h for h in upstream(graph, "seg:danyang_eyewear", 2)}
    assert two["prod:石油化工原料"].depth == 2 and two["prod:石油化工原料"].parent == "seg:small_chemicals"
    assert "seg:restaurant_chain" not in two


def test_downstream_k_hops_and_limit(graph):
    hops = downstream(graph, "seg:small_chemicals", 2)
    names = {h.node for h in hops}
    assert {"seg:danyang_eyewear", "prod:树脂单体", "prod:树脂镜片", "prod:眼镜零售店"} <= names
    assert [h.depth for h in hops] == sorted(h.depth for h in hops)  # nearest first
    assert len(downstream(graph, "seg:small_chemicals", 3, limit=2)) == 2


def test_bad_query_input(graph):
    with pytest.raises(GraphQueryError, match="seg:nope"):
        upstream(graph, "seg:nope", 1)
    with pytest.raises(ValueError, match="k must be"):
        downstream(graph, "seg:danyang_eyewear", 0)


def test_chain_path_both_directions(graph):
    path = chain_path(graph, "seg:small_chemicals", "seg:optical_store")
    assert path.direction == "downstream" and path.nodes[0] == "seg:small_chemicals" and path.nodes[-1] == "seg:optical_store"
    assert len(path.edge_types) == len(path.nodes) - 1 and set(path.edge_types) <= {"upstream_of", "produces", "supplies"}
    back = chain_path(graph, "seg:optical_store", "seg:small_chemicals")
    assert back.direction == "upstream" and back.nodes[0] == "seg:small_chemicals"
    assert chain_path(graph, "seg:restaurant_chain", "seg:small_chemicals") is None


def test_chain_stage(graph):
    assert chain_stage(graph, "seg:optical_store") == "downstream"
    assert chain_stage(graph, "prod:树脂镜片") == "midstream"  # made by the midstream eyewear makers
    assert chain_stage(graph, "prod:石油化工原料") == "upstream"  # only ever consumed
    assert chain_stage(graph, "prod:企业团餐客户") == "downstream"  # a buyer type
    assert chain_stage(graph, "region:南京市") is None


def test_peers_share_cluster_and_chain(graph):
    found = peers(graph, "danyang_eyewear")
    assert found[0].segment == "seg:optical_store"
    assert any("同一集群" in r for r in found[0].reasons) and any("同一产业链" in r for r in found[0].reasons)
    assert "seg:restaurant_chain" not in {p.segment for p in found}
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)


def test_central_nodes(graph):
    top = central_nodes(graph, "眼镜产业链", top=3)
    assert top[0][0] == "seg:danyang_eyewear" and top[0][1] == "丹阳眼镜制造"
    assert central_nodes(graph, "seg:optical_store", top=1)[0][0] == "seg:danyang_eyewear"
    assert central_nodes(graph, "chain:眼镜产业链", method="degree")[0][0] == "seg:danyang_eyewear"
    with pytest.raises(ValueError, match="method"):
        central_nodes(graph, "眼镜产业链", method="betweenness")
    with pytest.raises(GraphQueryError):
        central_nodes(graph, "不存在的链")


def test_segment_neighbourhood(graph):
    nb = segment_neighbourhood(graph, "danyang_eyewear")
    assert nb.segment.name == "丹阳眼镜制造" and nb.segment.chain_stage == "midstream"
    assert nb.segment.regions == ["镇江市丹阳市"] and nb.segment.gbt == ["3587"]
    assert [i.name for i in nb.upstream_inputs] == ["树脂单体", "镀膜材料", "模具"]
    ups = {i.id: i for i in nb.upstream_industries}
    assert "seg:small_chemicals" in ups
    assert [i.id for i in nb.downstream_industries] == ["seg:optical_store"]
    assert [i.name for i in nb.buyers] == ["眼镜零售店", "电商平台店铺"]
    assert [i.name for i in nb.main_products] == ["树脂镜片", "眼镜架"]
    assert {i.id for i in nb.bank_products} == {"bp:prod_working_capital", "bp:prod_tax_loan"}
    assert all(i.source.startswith("industries/") for i in nb.upstream_inputs + nb.buyers)
    assert nb.kg_industries == [] and nb.kg_materials == []
    with pytest.raises(GraphQueryError, match="not in the graph"):
        segment_neighbourhood(graph, "region:南京市")
