"""Per-rule precision/recall for rule-based detectors (QA findings, transaction flags, policy hits)."""

from __future__ import annotations

from collections.abc import Sequence


def per_rule_prf(expected: Sequence[set[str]], predicted: Sequence[set[str]]) -> dict[str, dict[str, float]]:
    """Each item is the set of rule ids expected/found for one case (dialog, application…)."""
    rules = set().union(*expected, *predicted) if expected else set()
    out = {}
    for rule in sorted(rules):
        tp = sum(rule in e and rule in p for e, p in zip(expected, predicted, strict=True))
        fp = sum(rule not in e and rule in p for e, p in zip(expected, predicted, strict=True))
        fn = sum(rule in e and rule not in p for e, p in zip(expected, predicted, strict=True))
        out[rule] = {
            "precision": tp / (tp + fp) if tp + fp else 1.0 if not fn else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
            "support": float(tp + fn),
        }
    return out


def micro_prf(expected: Sequence[set[str]], predicted: Sequence[set[str]]) -> dict[str, float]:
    tp = sum(len(e & p) for e, p in zip(expected, predicted, strict=True))
    fp = sum(len(p - e) for e, p in zip(expected, predicted, strict=True))
    fn = sum(len(e - p) for e, p in zip(expected, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": precision, "recall": recall}


def attack_success_rate(succeeded: Sequence[bool]) -> float:
    """Share of attack prompts that got what they asked for (lower is better)."""
    return sum(succeeded) / len(succeeded) if succeeded else 0.0
