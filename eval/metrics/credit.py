"""Credit-model metrics for eval: the tools' PD metrics (one implementation) made total over edge cases.

tools/credit/metrics.py owns AUC, KS, Brier and the reliability table; eval adds what a scorer of
arbitrary runs needs: a defined value when a class is absent or the input is empty, and decision
accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tools.credit import metrics as pd_metrics


def _arrays(y: Sequence[int], p: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(y, dtype=int), np.asarray(p, dtype=float)


def _both_classes(y: np.ndarray) -> bool:
    return 0 < int(y.sum()) < len(y)


def auc(y: Sequence[int], p: Sequence[float]) -> float:
    """ROC AUC; 0.5 (no information) when one class is absent."""
    y_arr, p_arr = _arrays(y, p)
    return pd_metrics.auc(y_arr, p_arr) if _both_classes(y_arr) else 0.5


def ks(y: Sequence[int], p: Sequence[float]) -> float:
    """Kolmogorov–Smirnov gap between bad and good score distributions; 0.0 when a class is absent."""
    y_arr, p_arr = _arrays(y, p)
    return pd_metrics.ks(y_arr, p_arr) if _both_classes(y_arr) else 0.0


def brier(y: Sequence[int], p: Sequence[float]) -> float:
    y_arr, p_arr = _arrays(y, p)
    return pd_metrics.brier(y_arr, p_arr) if len(y_arr) else 0.0


def reliability_table(y: Sequence[int], p: Sequence[float], bins: int = 10) -> list[dict[str, float]]:
    """Equal-count bins: n, mean predicted PD, observed rate (empty input → no rows)."""
    y_arr, p_arr = _arrays(y, p)
    return pd_metrics.reliability_table(y_arr, p_arr, bins) if len(y_arr) else []


def decision_accuracy(expected: Sequence[str], predicted: Sequence[str]) -> float:
    if not expected:
        return 0.0
    return sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(expected)
