"""Ranking metrics for one query: hit@k, reciprocal rank, nDCG with binary relevance."""

from __future__ import annotations

import math
from collections.abc import Sequence


def hit_at_k(ranked: Sequence[str], relevant: set[str] | str, k: int) -> float:
    rel = {relevant} if isinstance(relevant, str) else relevant
    return 1.0 if any(r in rel for r in ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: set[str] | str, k: int = 10) -> float:
    rel = {relevant} if isinstance(relevant, str) else relevant
    for i, r in enumerate(ranked[:k], start=1):
        if r in rel:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: set[str] | str, k: int = 10) -> float:
    rel = {relevant} if isinstance(relevant, str) else relevant
    if not rel:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for i, r in enumerate(ranked[:k], start=1):
        if r in rel and r not in seen:  # a duplicate of a relevant id earns nothing twice
            dcg += 1.0 / math.log2(i + 1)
            seen.add(r)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(rel), k) + 1))
    return dcg / ideal
