"""Pure score-fusion functions for hybrid retrieval (dense + BM25), tested without any model.

* ``weighted``: each list min-max normalised over its own candidates, then
  ``(1 - w) * dense + w * lexical`` (a document missing from a list scores 0 there) — "relative
  score fusion". Keeps how *much* better the top hit is, which RRF throws away.
* ``rrf``: reciprocal-rank fusion ``Σ 1 / (k + rank)``; needs no score calibration.

The choice and the weight are measured in ``bench/unionpay_faq.py`` (see ``kb/retrieval/retrieve.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

FusionMethod = Literal["weighted", "rrf", "dense", "lexical"]


def minmax(scores: Mapping[str, float]) -> dict[str, float]:
    """Scale to [0, 1] over the given candidates (all equal → all 1)."""
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo < 1e-12:
        return {k: 1.0 for k in scores}
    return {k: (v - lo) / (hi - lo) for k, v in scores.items()}


def weighted_fusion(dense: Mapping[str, float], lexical: Mapping[str, float], lexical_weight: float) -> dict[str, float]:
    d, lx = minmax(dense), minmax(lexical)
    return {k: (1.0 - lexical_weight) * d.get(k, 0.0) + lexical_weight * lx.get(k, 0.0) for k in d.keys() | lx.keys()}


def rrf_fusion(dense: Mapping[str, float], lexical: Mapping[str, float], k: int = 60,
               lexical_weight: float = 0.5) -> dict[str, float]:
    """Weighted RRF (weight 0.5 = classic equal-weight RRF, up to a factor of 2)."""
    out: dict[str, float] = {}
    for scores, w in ((dense, 1.0 - lexical_weight), (lexical, lexical_weight)):
        for rank, key in enumerate(sorted(scores, key=scores.__getitem__, reverse=True), 1):
            out[key] = out.get(key, 0.0) + w / (k + rank)
    return out


def fuse(dense: Mapping[str, float], lexical: Mapping[str, float], method: FusionMethod,
         lexical_weight: float, rrf_k: int = 60) -> dict[str, float]:
    if method == "dense":
        return dict(dense)
    if method == "lexical":
        return dict(lexical)
    if method == "rrf":
        return rrf_fusion(dense, lexical, rrf_k, lexical_weight)
    if method == "weighted":
        return weighted_fusion(dense, lexical, lexical_weight)
    raise ValueError(f"unknown fusion method {method!r}")
