"""Classification metrics over (expected, predicted) label pairs: accuracy, per-class P/R/F1."""

from __future__ import annotations

from collections.abc import Sequence


def accuracy(expected: Sequence[str], predicted: Sequence[str]) -> float:
    if not expected:
        return 0.0
    return sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(expected)


def per_class(expected: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per label (labels from either side)."""
    out = {}
    for label in sorted(set(expected) | set(predicted)):
        tp = sum(e == label and p == label for e, p in zip(expected, predicted, strict=True))
        fp = sum(e != label and p == label for e, p in zip(expected, predicted, strict=True))
        fn = sum(e == label and p != label for e, p in zip(expected, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": precision, "recall": recall, "f1": f1, "support": float(tp + fn)}
    return out


def macro_f1(expected: Sequence[str], predicted: Sequence[str]) -> float:
    table = per_class(expected, predicted)
    return sum(v["f1"] for v in table.values()) / len(table) if table else 0.0


def binary_prf(expected: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    tp = sum(e and p for e, p in zip(expected, predicted, strict=True))
    fp = sum((not e) and p for e, p in zip(expected, predicted, strict=True))
    fn = sum(e and (not p) for e, p in zip(expected, predicted, strict=True))
    tn = len(expected) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    acc = (tp + tn) / len(expected) if expected else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": acc}
