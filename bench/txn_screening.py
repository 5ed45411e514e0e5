"""Precision/recall of the transaction-screening rules per typology on synthetic, labelled histories.

Thresholds were set on seeds 0–9 only; the figures to report are on held-out seeds 100–149:

    .venv/bin/python -m bench.txn_screening --seeds 100-149          # report
    .venv/bin/python -m bench.txn_screening --seeds 0-9 --show 5     # tuning view (prints misses/false alarms)

Counterparties are linked as the assistant links them — the fast dictionary linker in
tools/txn/chain.py (default) — or with kb.linking's EntityLinker (``--linker kb``, lexical part, ~25 ms
per text); chain distance is the segment hop count in the built industry graph (default, as the
assistant uses it) or over the front-matter links only (``--distance corpus``). The
generator picks its "unrelated" counterparties with the same distance. Target: precision and recall
≥ 0.9 for every typology.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from eval.txn_metrics import matches, score
from kb.corpus import load_corpus
from kb.graph import build_graph
from kb.linking.linker import EntityLinker
from tools.txn.chain import (
    ChainPlausibility,
    corpus_distance,
    corpus_resolver,
    graph_distance,
    linker_resolver,
    support_segments,
)
from tools.txn.flags import TYPOLOGIES, ScreeningParams
from tools.txn.screening import screen_transactions
from tools.txn.synth.generate import generate_batch

ROOT = Path(__file__).resolve().parents[1]


def seed_range(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out += list(range(int(lo), int(hi or lo) + 1))
    return out


def make_resolver(kind: str, industries):
    if kind == "kb":
        return linker_resolver(EntityLinker(industries.values()))  # lexical only: no embedder in the bench
    return corpus_resolver(industries)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="100-149")
    ap.add_argument("--per-seed", type=int, default=6, help="histories per seed")
    ap.add_argument("--corpus", type=Path, default=ROOT / "kb" / "corpus")
    ap.add_argument("--linker", choices=["corpus", "kb"], default="corpus")
    ap.add_argument("--distance", choices=["corpus", "graph"], default="graph",
                    help="segment hops over front-matter links, or over the built kb.graph (adds buys_from)")
    ap.add_argument("--show", type=int, default=0, help="print up to N misses and false alarms per typology")
    args = ap.parse_args(argv)
    corpus = load_corpus(args.corpus)
    industries = {k: d.meta for k, d in corpus.industries.items()}
    if len(industries) < 5:
        print(f"corpus at {args.corpus} has {len(industries)} industries; need ≥ 5", file=sys.stderr)
        return 2
    if args.distance == "graph":
        distance = graph_distance(build_graph(corpus))
    else:
        distance = corpus_distance(industries)
    universal = support_segments(industries)
    resolve = make_resolver(args.linker, industries)
    names = {k: d.name for k, d in industries.items()}
    cases, times, n_txn, shown = [], [], [], {t: 0 for t in TYPOLOGIES}
    for seed in seed_range(args.seeds):
        for h in generate_batch(industries, seed, n=args.per_seed, distance=distance, universal=universal):
            params = ScreeningParams(transfer_report_threshold=2_000_000.0 if h.account_type == "corporate" else 500_000.0)
            judge = ChainPlausibility(h.industry_id, resolve, distance, universal=universal)
            t0 = time.perf_counter()
            res = screen_transactions(h.transactions, params, judge, industries[h.industry_id].seasonality, names)
            times.append(time.perf_counter() - t0)
            n_txn.append(len(h.transactions))
            flags = [(f.typology, {e.id for e in f.evidence}) for f in res.flags]
            labels = [(lab.typology, set(lab.txn_ids)) for lab in h.labels]
            cases.append((flags, labels))
            if args.show:
                _show(h, res.flags, labels, flags, shown, args.show)
    scores = score(cases, TYPOLOGIES)
    print(f"seeds {args.seeds}: {len(cases)} histories, {sum(n_txn)} transactions "
          f"(median {statistics.median(n_txn):.0f}/history), linker={args.linker}, distance={args.distance}")
    print(f"{'typology':26s} {'flags':>5s} {'TP':>4s} {'prec':>6s} {'labels':>6s} {'found':>5s} {'recall':>6s}")
    worst = 1.0
    for t in TYPOLOGIES:
        s = scores[t]
        p, r = s.precision, s.recall
        worst = min([worst] + [x for x in (p, r) if x is not None])  # "-" (nothing to measure) is not a 0
        print(f"{t:26s} {s.flags:5d} {s.true_flags:4d} {_f(p):>6s} {s.labels:6d} {s.found_labels:5d} {_f(r):>6s}")
    print(f"screening time per history: p50 {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms")
    print(f"min precision/recall over typologies: {worst:.3f} (target ≥ 0.9)")
    return 0


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _show(h, flag_objs, labels, flags, shown, limit) -> None:
    for f, (typ, ids) in zip(flag_objs, flags):
        if shown[typ] < limit and not any(lt == typ and matches(ids, lids) for lt, lids in labels):
            shown[typ] += 1
            print(f"  FALSE ALARM [{h.industry_id}] {typ}: {f.explanation} labels={[lt for lt, _ in labels]}")
    for typ, ids in labels:
        if shown[typ] < limit and not any(ft == typ and matches(fids, ids) for ft, fids in flags):
            shown[typ] += 1
            print(f"  MISS [{h.industry_id}] {typ}: {sorted(ids)[:6]}… flags={[ft for ft, _ in flags]}")


if __name__ == "__main__":
    raise SystemExit(main())
