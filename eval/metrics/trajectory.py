"""Graph trajectory checks: which nodes/tools ran, in which order, with which arguments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def in_order(actual: Sequence[str], expected: Sequence[str]) -> float:
    """1.0 when ``expected`` appears in ``actual`` as a subsequence (other steps may sit between)."""
    it = iter(actual)
    return 1.0 if all(step in it for step in expected) else 0.0


def exact(actual: Sequence[str], expected: Sequence[str]) -> float:
    return 1.0 if list(actual) == list(expected) else 0.0


def step_recall(actual: Sequence[str], expected: Sequence[str]) -> float:
    if not expected:
        return 1.0
    return sum(s in actual for s in expected) / len(expected)


def forbidden_absent(actual: Sequence[str], forbidden: Sequence[str]) -> float:
    return 0.0 if any(s in actual for s in forbidden) else 1.0


def tool_args_match(calls: Sequence[Mapping[str, Any]], expected: Mapping[str, Mapping[str, Any]]) -> float:
    """Share of expected tool calls (name → required arguments) found with those argument values."""
    if not expected:
        return 1.0
    hits = 0
    for name, args in expected.items():
        if any(c.get("name") == name and all(c.get("args", {}).get(k) == v for k, v in args.items()) for c in calls):
            hits += 1
    return hits / len(expected)
