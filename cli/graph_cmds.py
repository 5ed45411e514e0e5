"""``puhui graph``: build the industry-chain graph, merge chain_kg, show a segment, link a business scope.

Bad input (unknown segment id, missing data folder, empty text) prints one readable line and exits 2.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Callable

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from cli.loading import loading_models
from core.settings import Settings
from kb.corpus import load_corpus
from kb.graph import (
    GraphQueryError,
    build_graph_from_dir,
    edge_counts,
    import_chainkg,
    load_graph,
    node_counts,
    nodes_of_type,
    peers,
    save_graph,
    segment_links,
    segment_neighbourhood,
)
from kb.graph.chainkg import missing_files
from kb.graph.render import render_png
from kb.linking.linker import EntityLinker, LinkQuery
from kb.retrieval.embeddings import build_embedder

console = Console()
err = Console(stderr=True)
STAGE_ZH = {"upstream": "上游", "midstream": "中游", "downstream": "下游", "support": "配套服务"}


def _fail(message: str) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(2)


def _counts_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title)
    table.add_column("类型")
    table.add_column("数量", justify="right")
    for key, value in counts.items():
        table.add_row(key, f"{value:,}")
    return table


def _build(settings: Settings):
    graph, errors = build_graph_from_dir(settings.corpus_dir)
    if graph.graph.get("segments", 0) == 0:
        _fail(f"知识库 {settings.corpus_dir} 中没有行业文档（PUHUI_CORPUS_DIR）")
    for e in errors[:5]:
        err.print(f"[yellow]语料问题[/yellow] {e}")
    if len(errors) > 5:
        err.print(f"[yellow]…另有 {len(errors) - 5} 个语料问题（python -m kb.check_corpus 查看全部）[/yellow]")
    return graph


def _load_or_build(settings: Settings, include_chainkg: bool = True):
    path = settings.graph_path
    if path.exists():
        try:
            return load_graph(path, include_chainkg=include_chainkg)
        except (ValueError, FileNotFoundError) as exc:
            _fail(f"{exc}（可运行 puhui graph build 重建）")
    err.print(f"图谱文件 {path} 不存在，临时从知识库构建（puhui graph build 可保存）")
    return _build(settings)


def _items(tree: Tree, label: str, items, limit: int = 12) -> None:
    branch = tree.add(f"[bold]{label}[/bold]（{len(items)}）")
    for item in items[:limit]:
        note = f" [dim]{item.note}[/dim]" if item.note else ""
        branch.add(f"{item.name}{note} [dim]{item.source}[/dim]")
    if len(items) > limit:
        branch.add(f"[dim]…另有 {len(items) - limit} 项[/dim]")


def register(app: typer.Typer, get_settings: Callable[[], Settings]) -> None:
    graph_app = typer.Typer(help="产业链图谱：构建、导入公开产业链数据、查看行业上下游、经营范围识别行业。",
                            no_args_is_help=True)
    app.add_typer(graph_app, name="graph")

    @graph_app.command("build")
    def build_cmd() -> None:
        """从知识库（PUHUI_CORPUS_DIR）构建图谱，保存到 data_dir/graph/industry_graph.json。"""
        settings = get_settings()
        graph = _build(settings)
        save_graph(graph, settings.graph_path)
        console.print(_counts_table("节点", node_counts(graph)))
        console.print(_counts_table("边", edge_counts(graph)))
        console.print(f"已保存 {settings.graph_path}（如需合并公开产业链数据：puhui graph import-chainkg）")

    @graph_app.command("import-chainkg")
    def import_cmd(path: Path = typer.Argument(None, help="chain_kg 数据目录（默认 shared_data_dir/chain_kg）")) -> None:
        """合并公开产业链图谱 chain_kg（申万行业、产品上下游、上市公司主营产品）。"""
        settings = get_settings()
        folder = path or settings.shared_data_dir / "chain_kg"
        if not folder.is_dir():
            _fail(f"找不到 chain_kg 数据目录 {folder}（用参数 PATH 或 PUHUI_SHARED_DATA_DIR 指定）")
        missing = missing_files(folder)
        if missing:
            _fail(f"{folder} 缺少文件：{'、'.join(missing)}")
        graph = _load_or_build(settings, include_chainkg=False)
        with console.status("正在导入 chain_kg…"):
            stats = import_chainkg(graph, folder)
        save_graph(graph, settings.graph_path)
        console.print(_counts_table("chain_kg 新增的边", stats.edges))
        console.print(f"申万行业 {stats.industries}，产品 {stats.products:,}（与知识库合并 {stats.merged_products}），"
                      f"公司 {stats.companies:,}，与本行行业的匹配边 {stats.matches}；用时 {stats.seconds:.1f} 秒")
        if stats.skipped:
            console.print("[dim]跳过：" + "，".join(f"{k} {v}" for k, v in stats.skipped.items()) + "[/dim]")
        console.print(f"已保存 {settings.graph_path}")

    @graph_app.command("show")
    def show_cmd(
        segment_id: str = typer.Argument(..., help="细分行业 id，如 danyang_eyewear"),
        png: Path = typer.Option(None, "--png", help="同时把产业链图画成 PNG"),
        enterprise: str = typer.Option(None, "--enterprise", help="在图上标出本企业（名称）"),
    ) -> None:
        """以树形显示一个细分行业的上游、下游、集群和适配产品。"""
        graph = _load_or_build(get_settings())
        try:
            nb = segment_neighbourhood(graph, segment_id)
        except GraphQueryError:
            ids = [n.removeprefix("seg:") for n in nodes_of_type(graph, "segment")]
            near = difflib.get_close_matches(segment_id.removeprefix("seg:"), ids, n=3, cutoff=0.4)
            _fail(f"未知的细分行业 {segment_id!r}；最接近的：{'、'.join(near) or '无'}")
        seg = nb.segment
        tree = Tree(f"[bold yellow]{seg.name}[/bold yellow]（{seg.id}）· {seg.chain_name} · "
                    f"{STAGE_ZH.get(seg.chain_stage, seg.chain_stage)}")
        tree.add(f"地区：{'、'.join(seg.regions)}；集群：{'、'.join(seg.clusters)}")
        tree.add(f"国标行业：{'；'.join(seg.gbt)}")
        _items(tree, "上游原料/投入", nb.upstream_inputs)
        _items(tree, "上游行业", nb.upstream_industries)
        _items(tree, "主营产品", nb.main_products)
        _items(tree, "下游行业", nb.downstream_industries)
        _items(tree, "下游买方", nb.buyers)
        _items(tree, "适配产品", nb.bank_products)
        peer_branch = tree.add("[bold]同业/邻近行业[/bold]")
        for p in peers(graph, seg.id, top=6):
            peer_branch.add(f"{p.name} [dim]{p.score} · {'；'.join(p.reasons[:2])}[/dim]")
        links = segment_links(graph, seg.id)
        if links:
            kg = tree.add("[bold]公开产业链（chain_kg）匹配[/bold]")
            for item in links.get("industry", [])[:4]:
                kg.add(f"申万行业 {item['name']} [dim]{item['field']} {item['score']}[/dim]")
            for item in nb.kg_materials:
                kg.add(f"上游材料 {item.name} [dim]{item.note}[/dim]")
        console.print(tree)
        if png:
            png.parent.mkdir(parents=True, exist_ok=True)
            png.write_bytes(render_png(nb, enterprise))
            err.print(f"已写入 {png}")

    @graph_app.command("link")
    def link_cmd(
        scope: str = typer.Argument(..., help="经营范围或业务描述"),
        name: str = typer.Option(None, "--name", help="企业名称"),
        products: str = typer.Option("", "--products", help="主营产品，用、或逗号分隔"),
        embed: bool = typer.Option(False, "--embed/--no-embed", help="同时用向量相似度（加载 e5 模型）"),
        top: int = typer.Option(5, "--top", min=1, max=20),
    ) -> None:
        """经营范围 → 细分行业（候选、得分、命中依据；低于阈值判为未知）。"""
        settings = get_settings()
        try:
            query = LinkQuery(name=name, scope=scope, products=products)
        except ValidationError as exc:
            _fail("; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors()))
        corpus = load_corpus(settings.corpus_dir)
        if not corpus.industries:
            _fail(f"知识库 {settings.corpus_dir} 中没有行业文档（PUHUI_CORPUS_DIR）")
        embedder = None
        if embed:
            embedder = build_embedder(settings.embedding_provider, model=settings.embedding_model,
                                      base_url=settings.embedding_base_url,
                                      api_key=settings.embedding_api_key.get_secret_value(),
                                      threads=settings.embedding_threads, cache_dir=settings.embed_cache_dir)
            with loading_models(lambda: embedder.embed_one(query.scope)):  # the model loads here, said first
                pass
        result = EntityLinker.from_corpus(corpus, embedder).link(query, top_k=top)
        verdict = (f"[green]识别为 {result.segment}[/green]" if result.verdict == "linked"
                   else "[yellow]未知行业（得分低于阈值）[/yellow]")
        console.print(f"{verdict}  得分 {result.score:.3f}（阈值 {result.threshold}）")
        table = Table()
        for col in ("细分行业", "得分", "词面", "向量", "依据"):
            table.add_column(col)
        for c in result.candidates:
            why = "；".join(f"{e.input_field}:{e.term}({e.kind})" for e in c.evidence[:4])
            table.add_row(f"{c.name} [dim]{c.segment}[/dim]", f"{c.score:.3f}", f"{c.lexical:.3f}",
                          "—" if c.embedding is None else f"{c.embedding:.3f}", why)
        console.print(table)
