"""A bank's plain FAQ through the documented corpus route, beside ours (issue #20), end to end.

    .venv/bin/python -m bench.bank_faq [--limit 1000] [--cache DIR] [--keep DIR]

Writes the UnionPay 95516 FAQ's 745 standard questions and answers (read in place from
``<shared_data_dir>/bank_qa/unionpay_faq``, never copied into the repo) as a two-column ``问题,答案``
CSV into a temporary corpus root named ``unionpay``, points ``PUHUI_EXTRA_CORPORA`` at it, runs the
product's ingest beside the built-in corpus (default settings: e5 + adapter, hybrid retrieval) and
prints the rejections and warnings. Then it runs the batch search of ``puhui search --queries`` over
the same user questions as ``bench.unionpay_faq`` (all 4,017 shuffled with ``random.seed(0)``, the
first ``--limit``), filtered to ``--source unionpay``, and prints hit@1, hit@5, MRR@5 and the query
p50 — with one model load for all of them.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

from bench._kb_common import SHARED_DATA
from core.services import Services
from core.settings import Settings
from eval.batch_search import QueryRow, run_batch
from eval.unionpay import CSV_PATH, benchmark_order, load


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=1000, help="user questions searched (after the seeded shuffle)")
    ap.add_argument("--cache", type=Path, default=None, help="embedding cache dir (default: the work dir's)")
    ap.add_argument("--keep", type=Path, default=None, help="work dir to keep (default: a temporary one)")
    args = ap.parse_args()
    path = SHARED_DATA / CSV_PATH
    if not path.is_file():
        raise SystemExit(f"shared data not found: {path}")
    rows, labels = load(path)
    work = args.keep or Path(tempfile.mkdtemp(prefix="puhui-bank-faq-"))
    bank = work / "unionpay"
    bank.mkdir(parents=True, exist_ok=True)
    with (bank / "faq.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["问题", "答案"])
        out.writerows((r["label_std_question"], r["answer"]) for r in labels.values())
    settings = Settings(data_dir=work / "var", extra_corpora=f"unionpay={bank}", embedding_cache_dir=args.cache)
    kb = Services(settings).kb
    report = kb.ingest(progress=True)
    short_q = sum(1 for r in labels.values() if len(r["label_std_question"].strip()) < 4)
    short_a = sum(1 for r in labels.values() if len(r["answer"].strip()) < 10)
    print(f"bank FAQ: {len(labels)} plain entries ({short_q} questions < 4 chars, {short_a} answers < 10 chars)")
    print(f"ingest: {report.summary()}")
    print(f"rejections={len(report.errors)} warnings={len(report.warnings)} by_source={kb.stats().by_source}")
    rows = benchmark_order(rows)
    queries = [QueryRow(query=r["question"], expected=r["label_std_question"]) for r in rows[:args.limit]]
    summary = run_batch(queries, lambda q: kb.search(q, k=5, source="unionpay"), work / "results.jsonl", 5)
    for line in summary.lines():
        print(line)
    print(f"results: {work / 'results.jsonl'}")


if __name__ == "__main__":
    main()
