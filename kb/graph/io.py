"""Persist the industry-chain graph: node-link JSON, plus a columnar side file for chain_kg.

The corpus part (segments, their products, regions, clusters, GB/T codes, bank products) is written as
networkx node-link JSON at the given path. Endpoint keys are ``u``/``v`` because edges carry a
provenance attribute called ``source``, which the networkx default endpoint key would clobber.

Why a side file: with chain_kg merged (~100k nodes, ~173k edges) node-link JSON measured 2.0 s to load
on an idle 2-core machine and 5.3 s with tracemalloc on — too close to the 3 s budget once other
processes share the cores. The chain_kg elements (edges with ``source="chain_kg"`` and the nodes only
chain_kg knows: Shenwan industries, companies, products no corpus file names) are therefore stored in
``<stem>.chainkg.<nonce>.json`` as parallel arrays (ids, type indices, endpoint indices): 8.5 MiB,
and with the garbage collector paused while loading (see :func:`gc_paused`) the merged graph loads in
0.7 s of CPU (1.2 s wall with the machine's load average at 8; ``python -m bench.graph_bench``). It
holds exactly the same nodes, edges and attributes: ``load_graph(save_graph(g))`` is equal to ``g``. The main file names its side file, and a
new nonce is used for every save, so the pair is always consistent (side file written first, then the
main file replaced atomically, then stale side files removed).
"""

from __future__ import annotations

import gc
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx

from kb.graph.schema import FORMAT_VERSION
from kb.records import write_text_atomically

KG_SOURCE = "chain_kg"
SIDE_FORMAT = "puhui-chainkg-columns"
_KG_ONLY_TYPES = {"industry", "company"}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building ~300k small dicts.

    Every few hundred allocations Python would otherwise scan the growing graph for cycles it cannot
    have; measured here, loading the merged graph took 1.6 s of CPU with the collector on and 0.8 s
    with it paused. Reference counting still frees everything; the previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _is_kg_node(data: dict) -> bool:
    kind = data.get("type")
    return kind in _KG_ONLY_TYPES or (kind == "product" and "roles" not in data)


def _side_data(graph: nx.MultiDiGraph, own: list[str], edges: list[tuple]) -> dict:
    ids = list(own)
    index = {n: i for i, n in enumerate(ids)}
    for u, v, _, _ in edges:
        for n in (u, v):
            if n not in index:
                index[n] = len(ids)
                ids.append(n)
    node_types = sorted({graph.nodes[n]["type"] for n in own})
    edge_types = sorted({k for _, _, k, _ in edges})
    node_attrs = [{k: v for k, v in graph.nodes[n].items() if k not in ("type", "name")} or None for n in own]
    edge_attrs = [{k: v for k, v in d.items() if k not in ("type", "source")} or None for *_, d in edges]
    return {
        "format": SIDE_FORMAT, "format_version": FORMAT_VERSION, "node_types": node_types,
        "edge_types": edge_types, "ids": ids, "n_own": len(own),
        "node_type": [node_types.index(graph.nodes[n]["type"]) for n in own],
        "node_name": [graph.nodes[n]["name"] for n in own], "node_attrs": node_attrs,
        "u": [index[u] for u, *_ in edges], "v": [index[v] for _, v, *_ in edges],
        "t": [edge_types.index(k) for _, _, k, _ in edges], "edge_attrs": edge_attrs,
    }


def save_graph(graph: nx.MultiDiGraph, path: Path) -> Path:
    """Write the graph at ``path`` (node-link JSON) and, when chain_kg is merged, its side file."""
    path = Path(path)
    kg_edges = [(u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True) if d.get("source") == KG_SOURCE]
    main = nx.MultiDiGraph()
    main.graph.update(graph.graph)
    main.graph["format_version"] = FORMAT_VERSION
    main.graph.pop("chain_kg_file", None)
    own = [n for n, d in graph.nodes(data=True) if kg_edges and _is_kg_node(d)]
    own_set = set(own)
    main.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if n not in own_set)
    for u, v, k, d in graph.edges(keys=True, data=True):
        if d.get("source") != KG_SOURCE:
            for n in (u, v):  # a corpus edge pins its endpoints to the main file
                if n in own_set:
                    own_set.discard(n)
                    main.add_node(n, **graph.nodes[n])
            main.add_edge(u, v, key=k, **d)
    if own_set != set(own):
        own = [n for n in own if n in own_set]
    keep: str | None = None
    if kg_edges or own:
        keep = f"{path.stem}.chainkg.{uuid.uuid4().hex[:12]}.json"
        write_text_atomically(path.parent / keep, _dumps(_side_data(graph, own, kg_edges)))
        main.graph["chain_kg_file"] = keep
    data = nx.node_link_data(main, source="u", target="v", key="key", edges="edges")
    write_text_atomically(path, _dumps(data))
    for stale in path.parent.glob(f"{path.stem}.chainkg.*.json"):
        if stale.name != keep:
            stale.unlink(missing_ok=True)
    return path


def _read_json(path: Path, what: str) -> dict:
    if not path.exists():
        raise FileNotFoundError(f"{what} {path} does not exist; run `puhui graph build` first")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{what} {path} is not a JSON object")
    return data


def _fast_layout(graph: nx.MultiDiGraph) -> bool:
    """True when the graph uses networkx's plain-dict storage, which :func:`_merge_side` fills directly."""
    return (type(graph) is nx.MultiDiGraph and graph.node_dict_factory is dict
            and graph.adjlist_inner_dict_factory is dict and graph.edge_key_dict_factory is dict
            and graph.edge_attr_dict_factory is dict)


def _merge_side(graph: nx.MultiDiGraph, side: dict, path: Path) -> None:
    """Add the side file's nodes and edges to ``graph``.

    ``add_edges_from`` costs ~7 µs an edge (it goes through ``add_edge`` and the adjacency views), over
    1 s for chain_kg; filling networkx's documented-as-internal dicts (``_node``, ``_succ``, ``_pred``,
    where a MultiDiGraph keeps one key→attributes dict shared by both directions) takes a third of
    that. The storage layout is checked first and the public API used if it ever differs.
    """
    if side.get("format") != SIDE_FORMAT or side.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{path} is not a Puhui chain_kg side file of version {FORMAT_VERSION}")
    ids, n_own = side["ids"], side["n_own"]
    ntypes, etypes = side["node_types"], side["edge_types"]
    nodes = [(ids[i], {"type": ntypes[t], "name": name, **(extra or {})})
             for i, (t, name, extra) in enumerate(zip(side["node_type"], side["node_name"], side["node_attrs"]))]
    fast = _fast_layout(graph)
    if fast:
        node, succ, pred = graph._node, graph._succ, graph._pred  # noqa: SLF001 (see docstring)
        for n, attrs in nodes:
            if n not in node:
                node[n], succ[n], pred[n] = attrs, {}, {}
    else:
        graph.add_nodes_from(nodes)
    missing = [n for n in ids[n_own:] if n not in graph]
    if missing:
        raise ValueError(f"{path} refers to {len(missing)} nodes absent from the main graph, e.g. {missing[0]!r}")
    edges = ((ids[u], ids[v], etypes[t], {"type": etypes[t], "source": KG_SOURCE, **(extra or {})})
             for u, v, t, extra in zip(side["u"], side["v"], side["t"], side["edge_attrs"]))
    if not fast:
        graph.add_edges_from(edges)
        return
    for u, v, key, attrs in edges:
        keydict = succ[u].get(v)
        if keydict is None:
            keydict = succ[u][v] = {}
            pred[v][u] = keydict
        keydict[key] = attrs
    nx._clear_cache(graph)  # noqa: SLF001 (networkx's own cache of converted graphs)


def load_graph(path: Path, include_chainkg: bool = True) -> nx.MultiDiGraph:
    """Read a graph written by :func:`save_graph`; ``include_chainkg=False`` skips the side file."""
    with gc_paused():
        return _load(Path(path), include_chainkg)


def _load(path: Path, include_chainkg: bool) -> nx.MultiDiGraph:
    data = _read_json(path, "graph file")
    if "edges" not in data or "nodes" not in data:
        raise ValueError(f"graph file {path} is not a Puhui node-link graph (no nodes/edges)")
    version = data.get("graph", {}).get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(f"graph file {path} has format_version {version!r}; expected {FORMAT_VERSION}")
    graph = nx.node_link_graph(data, directed=True, multigraph=True, source="u", target="v", key="key",
                               edges="edges")
    side_name = graph.graph.get("chain_kg_file")
    if side_name and include_chainkg:
        side_path = path.parent / side_name
        _merge_side(graph, _read_json(side_path, "chain_kg side file"), side_path)
    elif side_name:
        graph.graph["sources"] = [s for s in graph.graph.get("sources", []) if s != KG_SOURCE]
    return graph
