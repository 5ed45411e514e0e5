"""Industry-graph benchmark: build, chain_kg import, save/load time, memory, query latency.

    .venv/bin/python -m bench.graph_bench [--corpus kb/corpus] [--chain-kg ../shared/data/chain_kg]
                                          [--out /tmp/puhui_graph_bench] [--queries 300]

Targets (issue 3): load of the persisted merged graph ≤ 3 s, k-hop query p50 ≤ 5 ms, graph memory
≤ 500 MiB. Load time is the median of three loads; memory is measured in a separate load under
tracemalloc (Python allocations of the loaded graph; tracing slows that load, so it is not timed)
and as the process RSS growth over the first load.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kb.graph import (  # noqa: E402
    build_graph_from_dir,
    chain_path,
    downstream,
    edge_counts,
    import_chainkg,
    load_graph,
    node_counts,
    nodes_of_type,
    peers,
    save_graph,
    segment_neighbourhood,
    upstream,
)


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * 4096 / 2**20


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def percentiles(samples: list[float]) -> str:
    s = sorted(samples)
    return f"p50 {statistics.median(s) * 1000:.2f} ms, p95 {s[max(int(len(s) * 0.95) - 1, 0)] * 1000:.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "kb" / "corpus")
    parser.add_argument("--chain-kg", type=Path, default=ROOT.parent / "shared" / "data" / "chain_kg")
    parser.add_argument("--out", type=Path, default=Path("/tmp/puhui_graph_bench"))
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    path = args.out / "industry_graph.json"

    (graph, errors), secs = timed(build_graph_from_dir, args.corpus)
    print(f"corpus graph: build {secs:.2f} s, {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges"
          f" ({len(errors)} corpus errors)")
    if not args.chain_kg.is_dir():
        print(f"chain_kg folder {args.chain_kg} not found: only the corpus graph is measured")
    else:
        stats, secs = timed(import_chainkg, graph, args.chain_kg)
        print(f"chain_kg import: {secs:.2f} s; products {stats.products:,} (+{stats.merged_products} merged), "
              f"companies {stats.companies:,}, matches {stats.matches}")
    print(f"merged graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges")
    print(f"  nodes {node_counts(graph)}\n  edges {edge_counts(graph)}")
    _, secs = timed(save_graph, graph, path)
    sizes = {p.name: p.stat().st_size / 2**20 for p in args.out.glob("industry_graph*.json")}
    print(f"save: {secs:.2f} s; files " + ", ".join(f"{k} {v:.1f} MiB" for k, v in sizes.items()))
    del graph
    gc.collect()

    before = rss_mib()
    loads, cpu = [], []
    for _ in range(3):
        start_cpu = time.process_time()
        graph, secs = timed(load_graph, path)
        loads.append(secs)
        cpu.append(time.process_time() - start_cpu)
        if len(loads) == 1:
            rss_growth = rss_mib() - before
        del graph
        gc.collect()
    print(f"load (merged): median {statistics.median(loads):.2f} s wall, {statistics.median(cpu):.2f} s CPU "
          f"(wall runs {', '.join(f'{x:.2f}' for x in loads)}; CPU < wall means other processes had the cores); "
          f"RSS growth over the first load {rss_growth:.0f} MiB")
    with open("/proc/loadavg") as fh:
        print(f"machine load average while measuring: {' '.join(fh.read().split()[:3])} (2 cores)")
    _, secs = timed(load_graph, path, include_chainkg=False)
    print(f"load (corpus part only): {secs * 1000:.0f} ms")
    tracemalloc.start()
    graph = load_graph(path)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"memory (tracemalloc): graph {current / 2**20:.0f} MiB, peak during load {peak / 2**20:.0f} MiB")

    rng = random.Random(7)
    segments = nodes_of_type(graph, "segment")
    products = [n for n, d in graph.nodes(data="type") if d == "product"]
    sample = [rng.choice(segments) for _ in range(args.queries // 2)] + \
             [rng.choice(products) for _ in range(args.queries - args.queries // 2)]
    for k in (1, 2, 3):
        times, sizes_k = [], []
        for node in sample:
            for fn in (upstream, downstream):
                out, secs = timed(fn, graph, node, k)
                times.append(secs)
                sizes_k.append(len(out))
        print(f"{k}-hop up/downstream ({len(times)} queries, limit 1000): {percentiles(times)}; "
              f"median result {statistics.median(sizes_k):.0f} nodes")
    times = [timed(segment_neighbourhood, graph, s)[1] for s in segments]
    print(f"segment_neighbourhood: {percentiles(times)}")
    times = [timed(peers, graph, s)[1] for s in segments]
    print(f"peers: {percentiles(times)}")
    pairs = [(rng.choice(segments), rng.choice(segments)) for _ in range(100)]
    times = [timed(chain_path, graph, a, b)[1] for a, b in pairs]
    print(f"chain_path (segment pairs, max 6 hops): {percentiles(times)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
