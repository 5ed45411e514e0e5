"""UnionPay FAQ paraphrase retrieval: standard questions (+ answers) indexed, user questions as queries.

    .venv/bin/python -m bench.unionpay_faq [--limit 1000] [--no-answers] [--tune] [--with-similar] [--adapter]

Data: ../shared/data/bank_qa/unionpay_faq/unionpay_faq_pairs.csv (read in place, never copied; see
PROVENANCE.txt there). The index holds the 745 standard questions (``label_std_question``, unique by
``label_id``) with their answers — no user question. Queries: all 4,017 user questions shuffled with
``random.seed(0)``, the first ``--limit`` (1,000). A query hits when the FAQ entry of its label is
ranked first (hit@1), in the top 5 (hit@5); MRR over the top 10.

Everything runs through the product code: ``kb.chunking.faq_chunks`` (one record per standard
question in the ``query`` role, one answer record in the ``passage`` role), ``ChromaStore``, the
manifest, ``rebuild_lexical`` and ``HybridRetriever.candidates``/``rank`` (the two halves of
``search``), so every fusion variant is scored on the same candidates.

``--tune`` picks the lexical weight on *other* user questions (the ones after the test slice), so
the reported test figure is not tuned on the test queries. ``--with-similar`` is a separate,
clearly different setting: the non-test user questions are added as similar questions (what a bank
gets by curating paraphrases), to show what the FAQ design gains from them.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench._kb_common import SHARED_DATA, e5_embedder, hit_metrics
from eval.unionpay import CSV_PATH, build_index, load, seeded_split
from kb.retrieval.embeddings.adapter import DEFAULT_ADAPTER, with_adapter
from kb.retrieval.retrieve import HybridRetriever, Snapshot
from kb.store import ChromaStore
from kb.textnorm import normalize

CSV = SHARED_DATA / CSV_PATH
WEIGHTS = (0.1, 0.2, 0.3, 0.4, 0.5)


def evaluate(store: ChromaStore, snaps: dict[str, Snapshot], queries: list[tuple[str, str]],
             weights: tuple[float, ...]) -> dict[str, list[int | None]]:
    """Ranks of the gold FAQ for every configuration, from one candidate retrieval per query."""
    retr = {tok: HybridRetriever(store, store.embedder, snap) for tok, snap in snaps.items()}
    ranks: dict[str, list[int | None]] = defaultdict(list)
    for i, (text, gold) in enumerate(queries, 1):
        q = normalize(text).strip()
        dense = retr["char"].dense(q, retr["char"].n_candidates)
        configs = {"dense only": retr["char"].rank(dense, {}, 10, "dense")}
        for tok, r in retr.items():
            lex = r.lexical(q, r.n_candidates)
            configs[f"bm25 {tok} only"] = r.rank({}, lex, 10, "lexical")
            configs[f"rrf dense+{tok}"] = r.rank(dense, lex, 10, "rrf", 0.5)
            for w in weights:
                configs[f"weighted dense+{tok} w={w}"] = r.rank(dense, lex, 10, "weighted", w)
        for name, passages in configs.items():
            ids = [p.faq_id for p in passages]
            ranks[name].append(ids.index(gold) + 1 if gold in ids else None)
        if i % 200 == 0:
            print(f"  {i}/{len(queries)} queries", flush=True)
    return ranks


def report(ranks: dict[str, list[int | None]], title: str) -> dict[str, dict[str, float]]:
    print(f"\n{title}\n{'configuration':38s} {'hit@1':>6s} {'hit@5':>6s} {'MRR@10':>7s}")
    out = {}
    for name, rs in ranks.items():
        m = out[name] = hit_metrics(rs)
        print(f"{name:38s} {m['hit@1']:6.3f} {m['hit@5']:6.3f} {m['mrr@10']:7.3f}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", type=Path, default=CSV)
    ap.add_argument("--limit", type=int, default=1000, help="test queries (first N after the seeded shuffle)")
    ap.add_argument("--no-answers", action="store_true", help="index standard questions only")
    ap.add_argument("--tune", action="store_true", help="choose the weight on held-out user questions")
    ap.add_argument("--with-similar", action="store_true", help="add non-test user questions as similar questions")
    ap.add_argument("--adapter", nargs="?", const=DEFAULT_ADAPTER, type=Path, default=None,
                    help="apply the trained e5 adapter (kb/retrieval/embeddings/adapter.py; default file if no path)")
    args = ap.parse_args()
    if not args.csv.exists():
        raise SystemExit(f"dataset not found: {args.csv} (see ../shared/data/README.md)")
    rows, labels = load(args.csv)
    test, rest = seeded_split(rows, args.limit)
    similar: dict[str, list[str]] = defaultdict(list)
    if args.with_similar:
        for r in rest:
            similar[r["label_id"]].append(r["question"])
    with tempfile.TemporaryDirectory(prefix="bench-unionpay-") as tmp:
        embedder = with_adapter(e5_embedder(threads=2), args.adapter) if args.adapter else e5_embedder(threads=2)
        if args.adapter and embedder.model_id == e5_embedder().model_id:
            raise SystemExit(f"adapter file not found: {args.adapter} (python -m kb.train_adapter)")
        store, snaps = build_index(Path(tmp), labels, similar, not args.no_answers, embedder)
        weights = WEIGHTS
        if args.tune and not args.with_similar:
            dev = [(r["question"], f"faq_up_{r['label_id']}") for r in rest[:args.limit]]
            dev_metrics = report(evaluate(store, snaps, dev, WEIGHTS), f"DEV ({len(dev)} held-out user questions)")
            best = max((n for n in dev_metrics if n.startswith("weighted")), key=lambda n: dev_metrics[n]["mrr@10"])
            print(f"chosen on dev by MRR@10: {best}")
        t0 = time.perf_counter()
        queries = [(r["question"], f"faq_up_{r['label_id']}") for r in test]
        report(evaluate(store, snaps, queries, weights),
               f"TEST ({len(queries)} user questions; {'with' if args.with_similar else 'no'} similar questions)")
        print(f"\nevaluation took {time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":
    main()
