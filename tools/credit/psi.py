"""Population stability: has the population being scored drifted from the one the model was built on?

PSI = Σ (actual% − expected%) · ln(actual% / expected%) over score bins (the training deciles stored
in the model). Rule of thumb used in credit risk: < 0.10 stable, 0.10–0.25 monitor, > 0.25 shifted
(investigate, consider recalibration). The same formula over each characteristic's scorecard bins
(CSI) tells *which* input moved.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from tools.credit.scorecard import Scorecard

EPS = 1e-4  # floor on a bin's share so an empty bin does not give an infinite term


class PsiBin(BaseModel):
    bin: str
    expected: float
    actual: float
    contribution: float


class PsiReport(BaseModel):
    psi: float
    status: str
    rows: int
    bins: list[PsiBin]
    csi: dict[str, float]
    mean_score_reference: float | None = None
    mean_score_batch: float


def psi(expected: np.ndarray, actual: np.ndarray) -> tuple[float, np.ndarray]:
    """PSI between two share vectors (each summing to 1); returns the total and per-bin terms."""
    e = np.clip(np.asarray(expected, dtype=float), EPS, None)
    a = np.clip(np.asarray(actual, dtype=float), EPS, None)
    terms = (a - e) * np.log(a / e)
    return float(terms.sum()), terms


def status_of(value: float) -> str:
    return "stable" if value < 0.10 else "monitor" if value < 0.25 else "shifted"


def score_psi(card: Scorecard, data: Any) -> PsiReport:
    """Score a batch (DataFrame of the scorecard's features, or one with a ``score`` column) and compare."""
    ref = card.reference_scores
    if not ref:
        raise ValueError("the model has no reference score distribution; retrain it")
    edges = np.asarray(ref["edges"], dtype=float)
    if isinstance(data, pd.DataFrame) and "score" in data.columns and not all(f.name in data for f in card.features):
        scores = data["score"].to_numpy(dtype=float)
        csi: dict[str, float] = {}
    else:
        scores = card.scores(data).astype(float)
        csi = characteristic_stability(card, data)
    idx = np.searchsorted(edges, scores, side="right")
    actual = np.bincount(idx, minlength=len(edges) + 1) / max(len(scores), 1)
    total, terms = psi(np.asarray(ref["proportions"]), actual)
    labels = [f"< {edges[0]:g}"] + [f"[{lo:g}, {hi:g})" for lo, hi in zip(edges[:-1], edges[1:])] + [f">= {edges[-1]:g}"]
    bins = [PsiBin(bin=lab, expected=round(e, 4), actual=round(a, 4), contribution=round(t, 5))
            for lab, e, a, t in zip(labels, ref["proportions"], actual, terms)]
    return PsiReport(psi=round(total, 4), status=status_of(total), rows=int(len(scores)), bins=bins, csi=csi,
                     mean_score_reference=card.metadata.get("train_mean_score"),
                     mean_score_batch=round(float(scores.mean()), 1) if len(scores) else 0.0)


def characteristic_stability(card: Scorecard, data: Any) -> dict[str, float]:
    """CSI of every scorecard characteristic over its own regular bins (training counts are in the model;
    missing values are left out on both sides)."""
    out = {}
    for f in card.features:
        if not f.counts:
            continue
        col = np.asarray(data[f.name])
        col = col.astype(str) if f.kind == "categorical" else col.astype(float)
        idx = f.bin_index(col)
        n = len(f.counts)
        present = idx[idx >= 0]  # the stored training counts cover the regular bins only
        actual = np.bincount(present, minlength=n)[:n] / max(len(present), 1)
        expected = np.asarray(f.counts, dtype=float) / sum(f.counts)
        out[f.name] = round(psi(expected, actual)[0], 4)
    return out
