"""Discrimination and calibration metrics for PD models, as small pure functions.

AUC (rank quality), KS (the largest gap between the cumulative bad and good score distributions,
the figure credit teams quote), Brier score (mean squared error of the PD) and a reliability table
(mean predicted PD against the observed default rate in equal-count bins) — discrimination alone
does not say whether a 5% PD really defaults 5% of the time, which pricing and limits rely on.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score


def auc(y: np.ndarray, p: np.ndarray) -> float:
    return float(roc_auc_score(y, p))


def ks(y: np.ndarray, p: np.ndarray) -> float:
    """Kolmogorov-Smirnov statistic between the PD distributions of defaults and non-defaults."""
    y = np.asarray(y, dtype=int)
    order = np.argsort(-np.asarray(p, dtype=float), kind="mergesort")
    ys = y[order]
    ps = np.asarray(p, dtype=float)[order]
    cum_bad = np.cumsum(ys) / max(ys.sum(), 1)
    cum_good = np.cumsum(1 - ys) / max((1 - ys).sum(), 1)
    last_of_tie = np.r_[ps[1:] != ps[:-1], True]  # evaluate only between distinct scores
    return float(np.max(np.abs(cum_bad - cum_good)[last_of_tie]))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((np.asarray(p, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def reliability_table(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> list[dict[str, float]]:
    """Equal-count bins of predicted PD: count, mean predicted PD, observed default rate."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="mergesort")
    rows = []
    for chunk in np.array_split(order, n_bins):
        if len(chunk) == 0:
            continue
        rows.append({"n": int(len(chunk)), "mean_pd": float(p[chunk].mean()), "observed": float(y[chunk].mean())})
    return rows


def expected_calibration_error(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> float:
    rows = reliability_table(y, p, n_bins)
    total = sum(r["n"] for r in rows)
    return float(sum(r["n"] * abs(r["mean_pd"] - r["observed"]) for r in rows) / total)


def summary(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    return {"auc": auc(y, p), "ks": ks(y, p), "brier": brier(y, p), "ece": expected_calibration_error(y, p)}
