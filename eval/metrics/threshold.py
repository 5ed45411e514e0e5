"""Decision thresholds for similarity scores: choose one on held-out data, then measure it elsewhere.

Same-intent detection turns a similarity score into a yes/no with a threshold. Choosing that
threshold on the pairs it is evaluated on flatters the result, so the suites choose it on one half
(``best_threshold``) and report accuracy/F1 on the other (``at_threshold``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from eval.metrics.classification import binary_prf

Objective = Literal["accuracy", "f1"]


def best_threshold(scores: Sequence[float], labels: Sequence[bool], objective: Objective = "accuracy") -> float:
    """The threshold (predict positive when ``score >= t``) that maximises ``objective`` on these pairs.

    ``accuracy`` suits balanced data; ``f1`` (positive class) is the usual choice when positives are
    rare, where the accuracy-optimal threshold can degenerate into "always negative".
    Candidates are midpoints between consecutive distinct scores plus one below/above all scores, so
    the result does not sit exactly on a training score. Ties go to the lowest such threshold.
    An empty input gives 0.5 (a neutral default for cosine-like scores).
    """
    if len(scores) != len(labels):
        raise ValueError(f"{len(scores)} scores but {len(labels)} labels")
    if objective not in ("accuracy", "f1"):
        raise ValueError(f"objective must be accuracy or f1, got {objective!r}")
    if not scores:
        return 0.5
    pairs = sorted(zip(scores, (bool(lab) for lab in labels)))
    distinct = sorted(set(scores))
    n, n_pos = len(pairs), sum(lab for _, lab in pairs)

    def value(tp: int, fp: int) -> float:  # tp/fp of "predict positive" at the current threshold
        if objective == "accuracy":
            return (tp + (n - n_pos - fp)) / n
        return 2 * tp / (tp + fp + n_pos) if tp else 0.0

    tp, fp = n_pos, n - n_pos  # threshold below everything: all predicted positive
    best_t, best_v = distinct[0] - 1e-6, value(tp, fp)
    i = 0
    for k, score in enumerate(distinct):
        while i < n and pairs[i][0] == score:  # these move from "positive" to "negative"
            tp, fp = (tp - 1, fp) if pairs[i][1] else (tp, fp - 1)
            i += 1
        t = (score + distinct[k + 1]) / 2 if k + 1 < len(distinct) else score + 1e-6
        v = value(tp, fp)
        if v > best_v + 1e-12:
            best_t, best_v = t, v
    return float(best_t)


def at_threshold(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> dict[str, float]:
    """Accuracy, precision, recall and F1 (positive = same intent) of ``score >= threshold``."""
    predicted = [s >= threshold for s in scores]
    return binary_prf([bool(lab) for lab in labels], predicted)
