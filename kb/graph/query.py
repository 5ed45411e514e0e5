"""Plain queries over the industry-chain graph (no LLM, no I/O): hops, paths, stages, peers, centrality.

Up/downstream walks follow only flow edges (:data:`kb.graph.schema.FLOW_TYPES`), whose direction is
always upstream → downstream, so "upstream of X" is a walk against the arrows. Results are small
frozen dataclasses (cheap to make by the thousand); the picture-facing :func:`segment_neighbourhood`
returns a Pydantic model because it crosses into agents and the UI.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass

import networkx as nx

from kb.graph.schema import FLOW_TYPES, node_id, seg_id


class GraphQueryError(KeyError):
    """A node id that is not in the graph (message names it)."""

    def __str__(self) -> str:  # KeyError would print the message with quotes
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class Hop:
    node: str
    name: str
    type: str
    depth: int
    via: str  # edge type that reached it
    parent: str


def _check(graph: nx.MultiDiGraph, node: str) -> None:
    if node not in graph:
        raise GraphQueryError(f"node {node!r} is not in the graph")


def _walk(graph: nx.MultiDiGraph, node: str, k: int, forward: bool, types: frozenset[str],
          limit: int | None) -> list[Hop]:
    _check(graph, node)
    if k < 1:
        raise ValueError("k must be >= 1")
    adj = graph.succ if forward else graph.pred
    seen, out = {node}, []
    frontier = deque([(node, 0)])
    nodes = graph.nodes
    while frontier:
        cur, depth = frontier.popleft()
        if depth == k:
            continue
        for nbr, keys in adj[cur].items():
            if nbr in seen:
                continue
            etype = next((t for t in keys if t in types), None)
            if etype is None:
                continue
            seen.add(nbr)
            data = nodes[nbr]
            out.append(Hop(nbr, data.get("name", nbr), data.get("type", ""), depth + 1, etype, cur))
            if limit is not None and len(out) >= limit:
                return out
            frontier.append((nbr, depth + 1))
    return out


def upstream(graph: nx.MultiDiGraph, node: str, k: int = 1, types: frozenset[str] = FLOW_TYPES,
             limit: int | None = 1000) -> list[Hop]:
    """Nodes within ``k`` flow hops upstream of ``node`` (its inputs, their inputs, ...), nearest first."""
    return _walk(graph, node, k, False, types, limit)


def downstream(graph: nx.MultiDiGraph, node: str, k: int = 1, types: frozenset[str] = FLOW_TYPES,
               limit: int | None = 1000) -> list[Hop]:
    """Nodes within ``k`` flow hops downstream of ``node`` (its products, buyers, users), nearest first."""
    return _walk(graph, node, k, True, types, limit)


@dataclass(frozen=True, slots=True)
class ChainPath:
    nodes: list[str]
    edge_types: list[str]
    direction: str  # "downstream": nodes[0] is upstream of nodes[-1]; "upstream": the reverse


def _bfs_path(graph: nx.MultiDiGraph, a: str, b: str, max_len: int) -> tuple[list[str], list[str]] | None:
    parents: dict[str, tuple[str, str] | None] = {a: None}
    frontier, depth = [a], 0
    while frontier and depth < max_len:
        nxt = []
        for cur in frontier:
            for nbr, keys in graph.succ[cur].items():
                if nbr in parents:
                    continue
                etype = next((t for t in keys if t in FLOW_TYPES), None)
                if etype is None:
                    continue
                parents[nbr] = (cur, etype)
                if nbr == b:
                    nodes, types = [b], []
                    while parents[nodes[-1]] is not None:
                        prev, t = parents[nodes[-1]]  # type: ignore[misc]
                        nodes.append(prev)
                        types.append(t)
                    return nodes[::-1], types[::-1]
                nxt.append(nbr)
        frontier, depth = nxt, depth + 1
    return None


def chain_path(graph: nx.MultiDiGraph, a: str, b: str, max_len: int = 6) -> ChainPath | None:
    """Shortest flow path from a down to b, else from b down to a; None when neither exists."""
    _check(graph, a)
    _check(graph, b)
    if a == b:
        return ChainPath([a], [], "downstream")
    found = _bfs_path(graph, a, b, max_len)
    if found:
        return ChainPath(found[0], found[1], "downstream")
    found = _bfs_path(graph, b, a, max_len)
    if found:
        return ChainPath(found[0], found[1], "upstream")
    return None


def chain_stage(graph: nx.MultiDiGraph, node: str) -> str | None:
    """A segment's stated stage; for other nodes, the stage implied by the segments around them.

    A product made by segments takes their (most common) stage; one only consumed by segments is an
    input, so it sits upstream; a buyer type is downstream; a chain_kg industry or product linked to
    segments takes their stage.
    """
    _check(graph, node)
    data = graph.nodes[node]
    if data.get("type") == "segment":
        return data.get("chain_stage")
    makers, users, linked = Counter(), 0, Counter()
    for u, _, etype in graph.in_edges(node, keys=True):
        udata = graph.nodes[u]
        if udata.get("type") != "segment":
            continue
        if etype == "produces":
            makers[udata.get("chain_stage")] += 1
        elif etype == "supplies":
            return "downstream"
        elif etype == "matches":
            linked[udata.get("chain_stage")] += 1
    for _, v, etype in graph.out_edges(node, keys=True):
        if etype == "upstream_of" and graph.nodes[v].get("type") == "segment":
            users += 1
    if makers:
        return makers.most_common(1)[0][0]
    if users:
        return "upstream"
    if linked:
        return linked.most_common(1)[0][0]
    return None


@dataclass(frozen=True, slots=True)
class Peer:
    segment: str
    name: str
    score: float
    reasons: list[str]


_PEER_EDGES = {"in_cluster": (3.0, "同一集群"), "part_of_chain": (2.0, "同一产业链"),
               "located_in": (0.5, "同一地区"), "classified_as": (1.0, "同一国标行业")}


def peers(graph: nx.MultiDiGraph, segment: str, top: int = 10) -> list[Peer]:
    """Segments sharing a cluster, chain, GB/T code or region with ``segment`` (same stage scores extra)."""
    sid = seg_id(segment)
    _check(graph, sid)
    stage = graph.nodes[sid].get("chain_stage")
    scores: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    for _, hub, etype in graph.out_edges(sid, keys=True):
        if etype not in _PEER_EDGES:
            continue
        weight, label = _PEER_EDGES[etype]
        for other, _, otype in graph.in_edges(hub, keys=True):
            if other == sid or otype != etype or graph.nodes[other].get("type") != "segment":
                continue
            scores[other] = scores.get(other, 0.0) + weight
            reasons.setdefault(other, []).append(f"{label}：{graph.nodes[hub].get('name', hub)}")
    for other in scores:
        if graph.nodes[other].get("chain_stage") == stage:
            scores[other] += 0.5
            reasons[other].append(f"同一环节：{stage}")
    ranked = sorted(scores, key=lambda o: (-scores[o], o))[:top]
    return [Peer(o, graph.nodes[o].get("name", o), round(scores[o], 2), reasons[o]) for o in ranked]


def _chain_node(graph: nx.MultiDiGraph, chain: str) -> str:
    if chain.startswith("seg:") and chain in graph:
        chain = graph.nodes[chain].get("chain_name", "")
    cid = chain if chain.startswith("chain:") else node_id("chain", chain)
    _check(graph, cid)
    return cid


def central_nodes(graph: nx.MultiDiGraph, chain: str, top: int = 10, method: str = "pagerank") -> list[tuple[str, str, float]]:
    """Most central nodes of one chain (its segments and their flow neighbours): (id, name, score).

    ``chain`` is a chain name (``眼镜产业链``), a ``chain:`` id or a segment id (its chain is used).
    ``method`` is ``pagerank`` (undirected, so inputs and buyers count alike) or ``degree``.
    """
    if method not in {"pagerank", "degree"}:
        raise ValueError("method must be 'pagerank' or 'degree'")
    cid = _chain_node(graph, chain)
    members = [u for u, _, t in graph.in_edges(cid, keys=True) if t == "part_of_chain"]
    sub = nx.Graph()
    for sid in members:
        sub.add_node(sid)
        for u, v, t, d in list(graph.in_edges(sid, keys=True, data=True)) + list(graph.out_edges(sid, keys=True, data=True)):
            if t in FLOW_TYPES and d.get("source") != "chain_kg":
                sub.add_edge(u, v)
    if sub.number_of_nodes() == 0:
        return []
    scores = nx.pagerank(sub) if method == "pagerank" and sub.number_of_edges() else dict(sub.degree())
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [(n, graph.nodes[n].get("name", n), round(float(s), 4)) for n, s in ranked]
