"""Credit-model metrics: AUC, KS, Brier, a reliability table; plus decision accuracy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def auc(y: Sequence[int], p: Sequence[float]) -> float:
    """ROC AUC by the rank-sum formula (ties get average ranks); 0.5 when one class is absent."""
    y_arr, p_arr = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    pos, neg = int(y_arr.sum()), int(len(y_arr) - y_arr.sum())
    if pos == 0 or neg == 0:
        return 0.5
    order = np.argsort(p_arr, kind="mergesort")
    ranks = np.empty(len(p_arr))
    sorted_p = p_arr[order]
    i = 0
    while i < len(sorted_p):
        j = i
        while j + 1 < len(sorted_p) and sorted_p[j + 1] == sorted_p[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y_arr == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def ks(y: Sequence[int], p: Sequence[float]) -> float:
    """Kolmogorov–Smirnov: max gap between the score CDFs of bads and goods."""
    y_arr, p_arr = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    if y_arr.sum() in (0, len(y_arr)):
        return 0.0
    thresholds = np.unique(p_arr)
    bad = np.searchsorted(np.sort(p_arr[y_arr == 1]), thresholds, side="right") / (y_arr == 1).sum()
    good = np.searchsorted(np.sort(p_arr[y_arr == 0]), thresholds, side="right") / (y_arr == 0).sum()
    return float(np.max(np.abs(bad - good)))


def brier(y: Sequence[int], p: Sequence[float]) -> float:
    if len(y) == 0:
        return 0.0
    return float(np.mean((np.asarray(p, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def reliability_table(y: Sequence[int], p: Sequence[float], bins: int = 10) -> list[dict[str, float]]:
    """Equal-width probability bins: count, mean predicted, observed rate."""
    y_arr, p_arr = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (p_arr >= lo) & ((p_arr < hi) if hi < 1 else (p_arr <= hi))
        if mask.any():
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "count": float(mask.sum()),
                         "mean_predicted": float(p_arr[mask].mean()), "observed": float(y_arr[mask].mean())})
    return rows


def decision_accuracy(expected: Sequence[str], predicted: Sequence[str]) -> float:
    if not expected:
        return 0.0
    return sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(expected)
