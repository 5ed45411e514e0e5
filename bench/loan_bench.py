"""Loan-review benchmark: ``python -m bench.loan_bench [--reviews N] [--credit-dir DIR]``.

1. Review latency without an LLM: the full service path (graph, SQLite checkpointer, audit append,
   memo) over the eval set's valid applications, cycled; p50/p95/mean. Target p50 ≤ 100 ms.
2. Batch scoring throughput on the 30,000-row Taiwan default set: a scorecard is fitted with the same
   pipeline as the shipped model (fit time printed separately), then the whole set is scored
   (PD + points score) through the exported table, best of 5. Target ≥ 5,000 applications/s.
   Also reported: the same including the characteristic engineering, and the shipped SME model on
   30,000 simulated applications.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from agents.loan_review.service import LoanReviewService
from kb.corpus import load_corpus
from tools.credit.binning import fit_scorecard
from tools.credit.policy import CreditPolicy
from tools.credit.scorecard import Scorecard
from tools.credit.train import simulated_frame
from tools.credit.validation import load_taiwan, taiwan_characteristics

ROOT = Path(__file__).resolve().parents[1]


def review_latency(n: int) -> dict:

    apps = [json.loads(line)["input"] for line in (ROOT / "eval/datasets/loan_review.jsonl").read_text("utf-8").splitlines()
            if json.loads(line)["expected"]["decision"] != "invalid"]
    scratch = Path(tempfile.mkdtemp(prefix="puhui-loan-bench-"))
    svc = LoanReviewService.create(load_corpus(ROOT / "kb/corpus"), scratch / "cp.sqlite", scratch / "audit.sqlite")
    svc.review(apps[0])  # warm-up: imports, template compile
    times = []
    for i in range(n):
        t = time.perf_counter()
        svc.review(apps[i % len(apps)])
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"reviews": n, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (n - 1))], 1),
            "mean_ms": round(statistics.fmean(times), 1), "target_p50_ms": 100}


def _best_rate(fn, rows: int, repeats: int = 5) -> tuple[float, float]:
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return rows / best, best * 1000


def taiwan_throughput(credit_dir: Path) -> dict:

    ds = load_taiwan(credit_dir)
    Xd, specs = taiwan_characteristics(ds.X)
    t = time.perf_counter()
    card, _ = fit_scorecard(Xd, ds.y, specs, name="taiwan-bench")
    fit_s = time.perf_counter() - t
    rows = len(Xd)
    rate, ms = _best_rate(lambda: (card.predict_pd(Xd), card.scores(Xd)), rows)
    rate_e2e, ms_e2e = _best_rate(lambda: (lambda X: (card.predict_pd(X), card.scores(X)))(taiwan_characteristics(ds.X)[0]),
                                  rows)
    return {"rows": rows, "features": len(card.features), "fit_seconds": round(fit_s, 1),
            "score_ms": round(ms, 1), "apps_per_s": round(rate), "with_characteristics_ms": round(ms_e2e, 1),
            "with_characteristics_apps_per_s": round(rate_e2e), "target_apps_per_s": 5000}


def sme_throughput(n: int = 30000) -> dict:

    corpus = load_corpus(ROOT / "kb/corpus")
    frame = simulated_frame(corpus, CreditPolicy.from_doc(corpus.policy("credit")), 3000, 99)
    X = pd.concat([frame.X] * (n // len(frame.X) + 1), ignore_index=True).iloc[:n]
    card = Scorecard.load()
    rate, ms = _best_rate(lambda: (card.predict_pd(X), card.scores(X)), len(X))
    one = min(_best_rate(lambda: card.score_one(frame.X.iloc[0].to_dict()), 1, 50)[1] for _ in range(3))
    return {"rows": len(X), "score_ms": round(ms, 1), "apps_per_s": round(rate), "score_one_ms": round(one, 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="loan-review latency and scoring throughput")
    ap.add_argument("--reviews", type=int, default=200)
    ap.add_argument("--credit-dir", type=Path, default=ROOT.parent / "shared" / "data" / "credit")
    args = ap.parse_args(argv)
    lat = review_latency(args.reviews)
    print(f"review latency (no LLM, SQLite checkpointer + audit): p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, "
          f"mean {lat['mean_ms']} ms over {lat['reviews']} reviews (target p50 ≤ 100 ms)")
    sme = sme_throughput()
    print(f"SME scorecard batch scoring: {sme['rows']} rows in {sme['score_ms']} ms = {sme['apps_per_s']:,} apps/s; "
          f"score_one (points + reasons) {sme['score_one_ms']} ms")
    if (args.credit_dir / "taiwan_default" / "UCI_Credit_Card.csv").exists():
        tw = taiwan_throughput(args.credit_dir)
        print(f"Taiwan batch scoring: {tw['rows']} rows × {tw['features']} characteristics in {tw['score_ms']} ms = "
              f"{tw['apps_per_s']:,} apps/s (target ≥ 5,000); with characteristic engineering "
              f"{tw['with_characteristics_apps_per_s']:,} apps/s; fit {tw['fit_seconds']} s")
    else:
        print(f"Taiwan set not found under {args.credit_dir}: throughput on it skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
