"""Build the shipped SME scorecard: ``python -m tools.credit.train [--out PATH] [--n N] [--seed S]``.

Reproducible: the same repository (corpus industries + credit policy) and the same seeds give the
same JSON, byte for byte. The data is the seeded simulator (``tools.credit.simulator``); the
pipeline is ``tools.credit.binning.fit_scorecard`` — the one validated on German/Taiwan data.
Training keeps the applications that pass the hard policy rules; a second simulated batch with
another seed is the holdout whose AUC/KS/Brier are stored in the model's metadata.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kb.corpus import Corpus, load_corpus
from tools.credit import metrics
from tools.credit.binning import fit_scorecard, reference_distribution
from tools.credit.features import SME_FEATURES, build_facts, build_features, loan_flow
from tools.credit.policy import CreditPolicy, evaluate
from tools.credit.scorecard import DEFAULT_MODEL_PATH, Scorecard, ScoreScaling
from tools.credit.simulator import simulate

TRAIN_SEED = 20250630
HOLDOUT_SEED = 20250701
TRAIN_N = 30000
HOLDOUT_N = 10000
SCALING = ScoreScaling(pdo=20, base_score=600, base_odds=50)


@dataclass
class SimFrame:
    X: pd.DataFrame
    y: np.ndarray
    passed: np.ndarray  # passed the hard policy rules
    pd_true: np.ndarray  # the simulator's true default probability (the ceiling any model can reach)


def corpus_fingerprint(corpus: Corpus) -> str:
    """Hash of the documents the simulator reads (industries + credit policy)."""
    h = hashlib.sha256()
    for doc in sorted(list(corpus.industries.values()) + list(corpus.policies.values()), key=lambda d: d.path):
        h.update(doc.path.encode() + doc.sha256.encode())
    return h.hexdigest()[:16]


def simulated_frame(corpus: Corpus, policy: CreditPolicy, n: int, seed: int, stress: float = 0.0) -> SimFrame:
    """Simulate, then compute features and hard-rule outcomes through the serving code."""
    industries = {k: d.meta for k, d in corpus.industries.items()}
    rows, ys, passed, pds = [], [], [], []
    for case in simulate(n, seed, industries, policy, stress=stress):  # type: ignore[arg-type]
        flow = loan_flow(case.application, case.industry.seasonality)
        facts = build_facts(case.application, case.industry, flow)
        rows.append(build_features(case.application, case.industry, flow))
        ys.append(case.default)
        pds.append(case.pd_true)
        passed.append(not evaluate(policy, facts).declines)
    X = pd.DataFrame(rows)
    for spec in SME_FEATURES:
        if spec.kind == "numeric":
            X[spec.name] = pd.to_numeric(X[spec.name], errors="coerce").astype(float)
    return SimFrame(X, np.asarray(ys, dtype=int), np.asarray(passed, dtype=bool), np.asarray(pds, dtype=float))


def train(corpus: Corpus, n: int = TRAIN_N, seed: int = TRAIN_SEED, holdout_n: int = HOLDOUT_N,
          holdout_seed: int = HOLDOUT_SEED) -> tuple[Scorecard, dict]:
    policy_doc = corpus.policy("credit")
    if policy_doc is None:
        raise ValueError("the corpus has no credit policy (policy_kind: credit)")
    policy = CreditPolicy.from_doc(policy_doc)
    t0 = time.perf_counter()
    tr = simulated_frame(corpus, policy, n, seed)
    Xtr, ytr = tr.X[tr.passed].reset_index(drop=True), tr.y[tr.passed]
    card, report = fit_scorecard(Xtr, ytr, SME_FEATURES, name="puhui-sme", scaling=SCALING)
    ho = simulated_frame(corpus, policy, holdout_n, holdout_seed)
    Xho, yho = ho.X[ho.passed].reset_index(drop=True), ho.y[ho.passed]
    p_tr, p_ho = card.predict_pd(Xtr), card.predict_pd(Xho)
    train_scores = card.scores(Xtr).astype(float)
    card.reference_scores = reference_distribution(train_scores)
    fit = {
        "simulator": "tools.credit.simulator", "train_seed": seed, "train_n": n, "train_rows_passed": int(len(ytr)),
        "train_bad_rate": round(float(ytr.mean()), 4), "train_mean_score": round(float(train_scores.mean()), 1),
        "holdout_seed": holdout_seed, "holdout_n": holdout_n,
        "holdout_rows_passed": int(len(yho)), "holdout_bad_rate": round(float(yho.mean()), 4),
        "corpus_fingerprint": corpus_fingerprint(corpus), "policy_version": policy.version,
        "iv": report.iv, "dropped_low_iv": report.dropped_low_iv, "dropped_wrong_sign": report.dropped_wrong_sign,
        "train_metrics": {k: round(v, 4) for k, v in metrics.summary(ytr, p_tr).items()},
        "holdout_metrics": {k: round(v, 4) for k, v in metrics.summary(yho, p_ho).items()},
        "holdout_oracle_auc": round(metrics.auc(yho, ho.pd_true[ho.passed]), 4),
        "holdout_reliability": metrics.reliability_table(yho, p_ho),
    }
    card.metadata = fit
    return card, {**fit, "seconds": round(time.perf_counter() - t0, 1), "version": card.version}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "kb" / "corpus")
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    ap.add_argument("--n", type=int, default=TRAIN_N)
    ap.add_argument("--seed", type=int, default=TRAIN_SEED)
    args = ap.parse_args(argv)
    card, info = train(load_corpus(args.corpus), n=args.n, seed=args.seed)
    card.save(args.out)
    print(f"saved {args.out} ({info['version']}) in {info['seconds']} s")
    print(f"train rows {info['train_rows_passed']} bad {info['train_bad_rate']:.2%} | holdout rows "
          f"{info['holdout_rows_passed']} bad {info['holdout_bad_rate']:.2%}")
    print("train  ", info["train_metrics"])
    print("holdout", info["holdout_metrics"], "| true-PD (oracle) AUC", info["holdout_oracle_auc"])
    print("selected", [f.name for f in card.features], "dropped", info["dropped_low_iv"] + info["dropped_wrong_sign"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
