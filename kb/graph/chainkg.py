"""Merge the public chain graph (``../shared/data/chain_kg``, liuhuanyong/ChainKnowledgeGraph) into ours.

What comes in (every edge typed, ``source="chain_kg"``):

* 511 Shenwan (申万 2021) industries as ``swi:<code>`` nodes; child ``subtype_of`` parent.
* industry_up.json: ``swi:<up> upstream_of swi:<industry>`` with the upstream ``weight`` (a count).
* ~95k products as ``prod:<normalised name>`` — the same id space as the corpus's products, so
  「镜片」 from chain_kg and 「镜片」 from an industry file are one node (deduplicated by
  :func:`kb.graph.norm_name`).
* product_product.csv: 上游材料 (to is a material of from) → ``to upstream_of from``; 下游产品 (to is a
  downstream product of from) → ``from upstream_of to``; 产品小类 (to is a sub-type of from) →
  ``to subtype_of from``. Self-loops are dropped.
* Listed companies ``co:<6-digit code>``: ``in_industry`` their Shenwan industry, ``produces`` their
  main products with the revenue-share ``weight``.

Then our segments are linked to it with ``matches`` edges (``field`` says which corpus field matched,
``score`` how strongly): segment name/alias/main product/upstream input equal to a chain_kg product
name, and Shenwan industries whose name is contained in the segment's name or aliases, or whose listed
companies make the segment's main products (``field="company_products"``, score = share of evidence).
The data is noisy (machine-extracted product names), so links are evidence, never decisions.
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
from pydantic import BaseModel

from kb.graph.io import gc_paused
from kb.graph.schema import add_edge, add_node, nodes_of_type, norm_name

SOURCE = "chain_kg"
REQUIRED_FILES = ("industry.json", "industry_industry.json", "industry_up.json", "product.json",
                  "product_product.csv", "company.json", "company_industry.json", "company_product.csv")
_PRODUCT_REL = {"上游材料": ("to", "from", "upstream_of"), "下游产品": ("from", "to", "upstream_of"),
                "产品小类": ("to", "from", "subtype_of")}


_SPLIT = re.compile(r"[与及和或、/／,，;；()（）+]+")


#: Heads too generic to mean anything as a match (chain_kg has them as "products": 公司, 设备, 服务 ...).
GENERIC = frozenset("""公司 设备 租赁 服务 销售 加工 产品 用品 批发 零售 配件 养殖 种植 维修 设计 改造 管理 收购 承包
土地 场地 设施 车辆 包装 工具 系统 材料 制品 其他 经销 贸易 综合 业务 项目 工程 中心 门店 专卖 直播 电商 营销
代理 咨询 技术 生产 制造 护理 美容 顾问 安装 物流 运输 仓储 仓库 耗材 保险 软件 原料 辅料 建材 食品 用具""".split())


def _split_name(name: str) -> list[str]:
    """「紫砂杯与茶叶罐」 → [紫砂杯与茶叶罐, 紫砂杯, 茶叶罐]: the whole name, then its listed parts."""
    parts = [p for p in _SPLIT.split(name) if len(p.strip()) >= 2]
    return [name] + [p for p in parts if p != name]


class ChainKgStats(BaseModel):
    """What an import added, for the CLI and the benchmark to report."""

    folder: str
    industries: int = 0
    products: int = 0
    merged_products: int = 0  # chain_kg products that already existed (from the corpus)
    companies: int = 0
    edges: dict[str, int] = {}
    skipped: dict[str, int] = {}
    matches: int = 0
    seconds: float = 0.0


def missing_files(folder: Path) -> list[str]:
    return [f for f in REQUIRED_FILES if not (Path(folder) / f).is_file()]


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def _csv(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


class _Importer:
    def __init__(self, graph: nx.MultiDiGraph, folder: Path) -> None:
        self.g, self.folder = graph, folder
        self.stats = ChainKgStats(folder=str(folder))
        self.edges: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.kg_products: set[str] = set()
        self._norm: dict[str, str] = {}
        self.industry_by_name: dict[str, str] = {}

    def norm(self, name: str) -> str:
        key = self._norm.get(name)
        if key is None:
            key = self._norm[name] = norm_name(name)
        return key

    def edge(self, u: str, v: str, etype: str, **attrs) -> None:
        if add_edge(self.g, u, v, etype, SOURCE, **attrs):
            self.edges[etype] += 1

    def product(self, name: str) -> str | None:
        key = self.norm(name)
        if not key:
            self.skipped["empty_product_name"] += 1
            return None
        nid = f"prod:{key}"
        if nid not in self.kg_products:
            self.kg_products.add(nid)
            if nid in self.g:
                self.stats.merged_products += 1
            else:
                self.g.add_node(nid, type="product", name=name.strip())
                self.stats.products += 1
        return nid

    def industries(self) -> None:
        for row in _jsonl(self.folder / "industry.json"):
            code, name = str(row["code"]), row["name"]
            level = 1 if code.endswith("0000") else 2 if code.endswith("00") else 3
            add_node(self.g, f"swi:{code}", "industry", name, code=code, level=level)
            self.industry_by_name.setdefault(self.norm(name), f"swi:{code}")
            self.stats.industries += 1
        for row in _jsonl(self.folder / "industry_industry.json"):
            self.edge(f"swi:{row['from_code']}", f"swi:{row['to_code']}", "subtype_of")
        for row in _jsonl(self.folder / "industry_up.json"):
            target = self.industry_by_name.get(self.norm(row["industry"]))
            for up, count in (row.get("ups") or {}).items():
                source = self.industry_by_name.get(self.norm(up))
                if target is None or source is None:
                    self.skipped["industry_up_unknown_name"] += 1
                    continue
                self.edge(source, target, "upstream_of", weight=int(count))

    def products(self) -> None:
        for row in _jsonl(self.folder / "product.json"):
            self.product(row["name"])
        for row in _csv(self.folder / "product_product.csv"):
            rule = _PRODUCT_REL.get(row.get("rel", ""))
            if rule is None:
                self.skipped["product_rel_unknown"] += 1
                continue
            ends = {"from": self.product(row["from_product"]), "to": self.product(row["to_product"])}
            u, v = ends[rule[0]], ends[rule[1]]
            if u is None or v is None or u == v:
                self.skipped["product_self_or_empty"] += 1
                continue
            self.edge(u, v, rule[2])

    def companies(self) -> None:
        for row in _jsonl(self.folder / "company.json"):
            code = str(row["code"]).split(".")[0]
            if f"co:{code}" not in self.g:
                self.stats.companies += 1
            add_node(self.g, f"co:{code}", "company", row.get("name") or code, fullname=row.get("fullname", ""))
        for row in _jsonl(self.folder / "company_industry.json"):
            cid, iid = f"co:{str(row['company_code']).split('.')[0]}", f"swi:{row['industry_code']}"
            if cid not in self.g:
                add_node(self.g, cid, "company", row.get("company_name") or cid[3:], fullname="")
                self.stats.companies += 1
            if iid not in self.g:
                self.skipped["company_industry_unknown_industry"] += 1
                continue
            self.edge(cid, iid, "in_industry")
        for row in _csv(self.folder / "company_product.csv"):
            cid, pid = f"co:{row['company_code'].split('.')[0]}", self.product(row["product"])
            if cid not in self.g or pid is None:
                self.skipped["company_product_unknown"] += 1
                continue
            try:
                weight = round(float(row.get("weight") or 0.0), 4)
            except ValueError:
                weight = 0.0
            self.edge(cid, pid, "produces", weight=weight)

    def kg_product_for(self, name: str) -> tuple[str, float] | None:
        """The chain_kg product a corpus name refers to: exact, else its longest known suffix.

        Chinese product names put the head noun last (手工紫砂壶 → 紫砂壶, 树脂镜片 → 镜片), so the
        longest suffix that chain_kg knows is the most specific safe match; score = matched share.
        """
        key = self.norm(name)
        for length in range(len(key), 1, -1):
            pid = f"prod:{key[-length:]}"
            if pid in self.kg_products and key[-length:] not in GENERIC:
                score = round(length / len(key), 3)
                return (pid, score) if score >= 0.5 else None
        return None

    def link_segments(self) -> None:
        """``matches`` edges from each segment to chain_kg products and Shenwan industries."""
        industries = [(self.norm(self.g.nodes[n]["name"]), n) for n in nodes_of_type(self.g, "industry")]
        for sid in nodes_of_type(self.g, "segment"):
            data = self.g.nodes[sid]
            names = [("name", data["name"])] + [("alias", a) for a in data.get("aliases", [])]
            fields = list(names)
            for _, v, etype in self.g.out_edges(sid, keys=True):
                if etype == "produces":
                    fields.append(("main_product", self.g.nodes[v]["name"]))
            for u, _, etype in self.g.in_edges(sid, keys=True):
                if etype == "upstream_of" and self.g.nodes[u]["type"] == "product":
                    fields.append(("upstream_input", self.g.nodes[u]["name"]))
            made: dict[str, float] = {}
            for field, name in fields:
                for part in _split_name(name):
                    found = self.kg_product_for(part)
                    if found:
                        self.match(sid, found[0], field, found[1])
                        if field in ("main_product", "name", "alias"):
                            made[found[0]] = max(made.get(found[0], 0.0), found[1])
            for field, name in names:
                key = self.norm(name)
                for ind_key, iid in industries:
                    if len(ind_key) >= 2 and ind_key in key and ind_key not in GENERIC:
                        self.match(sid, iid, "name", round(len(ind_key) / max(len(key), 1), 3))
            self.link_by_companies(sid, made)

    def link_by_companies(self, sid: str, made: dict[str, float]) -> None:
        """Shenwan industries of the listed companies that make this segment's (matched) products."""
        votes: Counter[str] = Counter()
        support: Counter[str] = Counter()
        for pid, score in made.items():
            for cid, _, ctype in self.g.in_edges(pid, keys=True):
                if ctype != "produces" or not cid.startswith("co:"):
                    continue
                for _, iid, itype in self.g.out_edges(cid, keys=True):
                    if itype == "in_industry":
                        votes[iid] += score
                        support[iid] += 1
        total = sum(votes.values())
        for iid, n in votes.most_common(2):
            if support[iid] >= 2 and n / total >= 0.2:  # two company-product links at least, a fifth of the evidence
                self.match(sid, iid, "company_products", round(n / total, 3))

    def match(self, sid: str, target: str, field: str, score: float) -> None:
        if add_edge(self.g, sid, target, "matches", SOURCE, field=field, score=score):
            self.stats.matches += 1


def import_chainkg(graph: nx.MultiDiGraph, folder: Path, companies: bool = True) -> ChainKgStats:
    """Merge chain_kg into ``graph`` in place; raises FileNotFoundError naming missing files."""
    folder = Path(folder)
    missing = missing_files(folder)
    if missing:
        raise FileNotFoundError(f"chain_kg folder {folder} lacks {', '.join(missing)}")
    start = time.perf_counter()
    imp = _Importer(graph, folder)
    with gc_paused():
        imp.industries()
        imp.products()
        if companies:
            imp.companies()
        imp.link_segments()
    stats = imp.stats
    stats.edges, stats.skipped = dict(sorted(imp.edges.items())), dict(sorted(imp.skipped.items()))
    stats.seconds = round(time.perf_counter() - start, 3)
    graph.graph["sources"] = sorted(set(graph.graph.get("sources", [])) | {SOURCE})
    graph.graph["chain_kg"] = stats.model_dump()
    return stats


def segment_links(graph: nx.MultiDiGraph, segment: str) -> dict[str, list[dict]]:
    """The chain_kg entities a segment was linked to, grouped by type, best score first."""
    out: dict[str, list[dict]] = defaultdict(list)
    for _, target, etype, data in graph.out_edges(segment, keys=True, data=True):
        if etype == "matches":
            node = graph.nodes[target]
            out[node["type"]].append({"id": target, "name": node["name"], "field": data.get("field"),
                                      "score": data.get("score", 0.0)})
    return {k: sorted(v, key=lambda d: -d["score"]) for k, v in out.items()}
