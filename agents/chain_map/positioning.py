"""Place an enterprise: link it to a segment (or say unknown), then read its chain position off the graph.

Linking is kb.linking's EntityLinker (dictionary + optional embeddings). One thing the linker does not
know is where the business is: when two candidates are close, the one whose regions include the
enterprise's location wins (宜兴的茶 → 阳羡茶, 苏州东山的茶 → 碧螺春). Up/downstream links carry the
graph path that makes them typical, so every claim on the chain picture can be traced to a corpus file.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from agents.chain_map.places import find_places, known_places
from agents.chain_map.role import ORDER, ROLE_ZH
from agents.chain_map.schemas import (
    STAGE_ZH,
    ChainLink,
    ChainPosition,
    Extracted,
    GbtCode,
    PeerInfo,
    Placement,
    RoleEvidence,
    SegmentCandidate,
)
from kb.graph import chain_path, peers, segment_neighbourhood
from kb.graph.schema import seg_id
from kb.linking.linker import EntityLinker, LinkQuery
from kb.schema import IndustryDoc

LOCATION_BONUS = 0.06  # added to a candidate's score when the enterprise sits in one of its regions
LOCATION_WINDOW = 0.12  # only candidates this close to the best can be lifted by location
SURE_SCORE, SURE_MARGIN = 0.6, 0.1  # a dictionary verdict this clear is not re-checked with embeddings


def _in_region(location_places: list[str], doc: IndustryDoc) -> bool:
    """A county/cluster-level match only: a whole province or a big city says little."""
    specific = [p for p in location_places if p not in ("江苏", "浙江", "上海", "安徽")]
    text = "".join(doc.regions + doc.clusters)
    return any(p in text for p in specific)


def _unsure(res) -> bool:
    c = res.candidates
    margin = c[0].score - c[1].score if len(c) > 1 else (c[0].score if c else 0.0)
    return res.verdict == "unknown" or res.score < SURE_SCORE or margin < SURE_MARGIN


def link_enterprise(linker: EntityLinker, name: str, scope: str, products: list[str], location: str | None,
                    extracted: Extracted, industries: Mapping[str, IndustryDoc], gbt_names: Mapping[str, str],
                    semantic: EntityLinker | None = None) -> Placement:
    """Dictionary linking first; when it is unsure (unknown, weak, or a close second) and an
    embedding linker is available, the embedding-fused ranking decides instead."""
    scope_text = scope + (f"；{extracted.industry_hint}" if extracted.industry_hint else "")
    prods = list(dict.fromkeys([*products, *extracted.products]))
    query = LinkQuery(name=name or None, scope=scope_text, products=prods)
    res = linker.link(query, top_k=8)
    if semantic is not None and _unsure(res):
        res = semantic.link(query, top_k=8)
    places = find_places(location, known_places()) if location else []
    scored = []
    for c in res.candidates:
        bonus = 0.0
        if places and c.score >= res.score - LOCATION_WINDOW and _in_region(places, industries[c.segment]):
            bonus = LOCATION_BONUS
        scored.append((round(min(c.score + bonus, 1.0), 4), c, bonus))
    scored.sort(key=lambda x: (-x[0], x[1].segment))
    cands = [SegmentCandidate(segment_id=c.segment, name=c.name, score=s,
                              evidence=[f"{e.input_field}:「{e.term}」→{e.corpus_field}" for e in c.evidence[:4]]
                              + (["location: 位于该行业集聚区"] if b else [])) for s, c, b in scored[:5]]
    linked = bool(scored) and res.verdict == "linked"
    if not linked:
        return Placement(verdict="unknown", confidence=round(res.score, 3), candidates=cands,
                         note=f"最高匹配分{res.score:.2f}低于阈值{res.threshold:.2f}：行业无法可靠识别，以下为最接近的候选，未强行归类。")
    best_score, best, _ = scored[0]
    doc = industries[best.segment]
    margin = best_score - (scored[1][0] if len(scored) > 1 else 0.0)
    return Placement(verdict="linked", segment_id=best.segment, name=doc.name,
                     gbt_codes=[GbtCode(code=c, name=gbt_names.get(c, "")) for c in doc.gbt_codes],
                     confidence=round(min(1.0, best_score), 3), candidates=cands, evidence=cands[0].evidence,
                     note="" if margin >= 0.05 else f"与第二候选「{scored[1][1].name}」分差仅{margin:.2f}，请人工确认。")


def _path_names(graph: nx.MultiDiGraph, a: str, b: str) -> list[str]:
    p = chain_path(graph, a, b)
    if p is None:
        return [graph.nodes[a].get("name", a), graph.nodes[b].get("name", b)]
    return [graph.nodes[n].get("name", n) for n in p.nodes]


def own_node(doc: IndustryDoc, role: RoleEvidence, industries: Mapping[str, IndustryDoc],
             candidates: list[SegmentCandidate]) -> IndustryDoc | None:
    """The neighbouring segment whose trade is the business's own role (大闸蟹 + 网上销售 → 农产品电商).

    Only the segment's chain neighbours (either direction) at the business's stage are eligible; the
    linker's ranking picks among them, else the role words found in the neighbour's names and scope
    keywords. None when nothing fits: the business then sits beside the segment on its own.
    """
    if not role.differs:
        return None
    near = set(doc.upstream_industries + doc.downstream_industries)
    near |= {k for k, d in industries.items() if doc.id in d.upstream_industries + d.downstream_industries}
    eligible = {k: industries[k] for k in sorted(near) if k in industries and industries[k].chain_stage == role.stage}
    for c in candidates:
        if c.segment_id in eligible:
            return eligible[c.segment_id]
    words = [w for w in role.words if len(w) >= 2]
    best, best_hits = None, 0
    for d in eligible.values():
        hits = sum(any(w in t for t in (d.name, *d.aliases, *d.scope_keywords)) for w in words)
        if hits > best_hits:
            best, best_hits = d, hits
    return best


def _segment_link(graph: nx.MultiDiGraph, doc: IndustryDoc, own_name: str) -> ChainLink:
    data = graph.nodes[seg_id(doc.id)] if seg_id(doc.id) in graph else {}
    return ChainLink(node_id=seg_id(doc.id), name=data.get("name", doc.name), kind="industry",
                     path=[doc.name, own_name], source=data.get("path", ""))


def role_position(graph: nx.MultiDiGraph, doc: IndustryDoc, location: str | None, role: RoleEvidence,
                  own: IndustryDoc | None, max_items: int = 8) -> ChainPosition:
    """The chain position seen from the business's own node.

    Its own stage, and the segment on the side where it belongs: a trader or processor of the
    segment's goods buys from the segment (upstream) and sells to the segment's buyers; an input
    supplier or a service provider has the segment as its customer (downstream). With a fitting
    neighbour segment (``own``) the other side comes from that node's own links.
    """
    base = chain_position(graph, doc, location, max_items)
    if not role.differs:
        return base.model_copy(update={"segment_stage": doc.chain_stage, "role": role})
    mine = chain_position(graph, own, location, max_items) if own is not None else None
    own_name = own.name if own is not None else f"本企业（{ROLE_ZH[role.stage]}）"
    seg_link = _segment_link(graph, doc, own_name)
    after = role.stage != "support" and ORDER.index(role.stage) > ORDER.index(doc.chain_stage)
    if after:  # buys the segment's goods, sells on to (its own or the segment's) buyers
        up = [seg_link] + ([u for u in mine.upstream if u.kind == "input"] if mine else [])  # not its other sources
        down = [d for d in (mine or base).downstream if d.node_id != seg_link.node_id]
    else:  # supplies the segment (inputs, services): the segment is its customer
        up = [u for u in mine.upstream if u.node_id != seg_link.node_id] if mine else []
        down = [seg_link] + ([d for d in mine.downstream if d.node_id != seg_link.node_id] if mine else [])
    role = role.model_copy(update={"own_node_id": own.id if own else None, "own_node_name": own.name if own else None})
    return base.model_copy(update={"stage": role.stage, "stage_zh": STAGE_ZH[role.stage], "segment_stage": doc.chain_stage,
                                   "role": role, "upstream": up[:2 * max_items], "downstream": down[:2 * max_items]})


def chain_position(graph: nx.MultiDiGraph, doc: IndustryDoc, location: str | None, max_items: int = 8) -> ChainPosition:
    nb = segment_neighbourhood(graph, doc.id)
    sid = nb.segment.id
    up = [ChainLink(node_id=i.id, name=i.name, kind="industry", path=_path_names(graph, i.id, sid), source=i.source)
          for i in nb.upstream_industries[:max_items]]
    up += [ChainLink(node_id=i.id, name=i.name, kind="input", path=_path_names(graph, i.id, sid), source=i.source)
           for i in nb.upstream_inputs[:max_items]]
    down = [ChainLink(node_id=i.id, name=i.name, kind="industry", path=_path_names(graph, sid, i.id), source=i.source)
            for i in nb.downstream_industries[:max_items]]
    named = {d.name for d in down}
    down += [ChainLink(node_id=i.id, name=i.name, kind="buyer", path=_path_names(graph, sid, i.id), source=i.source)
             for i in nb.buyers[:max_items] if i.name not in named]
    peer_list = [PeerInfo(segment_id=p.segment.removeprefix("seg:"), name=p.name, score=p.score, reasons=p.reasons[:3])
                 for p in peers(graph, doc.id, top=6)]
    places = find_places(location, known_places()) if location else []
    return ChainPosition(stage=doc.chain_stage, stage_zh=STAGE_ZH[doc.chain_stage], chain_name=doc.chain_name,
                         upstream=up, downstream=down, peers=peer_list, clusters=list(doc.clusters),
                         regions=list(doc.regions), in_home_region=_in_region(places, doc) if places else None)
