"""Take-up propensity per product × channel, learned from the campaign history, and calibrated.

One LightGBM classifier over (enterprise features, product, channel) predicts a response; the
no-contact control group enters as channel ``none``, so the same model gives the organic rate and the
uplift of a channel is ``p(x, product, channel) − p(x, product, none)`` (an S-learner: the history
is randomised over products and channels, which is what makes the difference causal). Platt scaling
(a logistic fit on the raw score) on a held-out slice calibrates the scores — isotonic regression
overfitted small histories to probabilities of 0.999; AUC, Brier score and expected calibration error
are measured on another held-out slice the model never saw. A second, small logistic model learns the
default probability of loans taken in the history (for the expected loss).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

from tools.campaign.features import offer_features

RISK_FEATURES = ("years", "grade", "risk_grade", "access", "current_overdue", "overdue_count_24m",
                 "max_overdue_days_24m", "inquiries_3m", "inquiries_6m", "debt_to_revenue", "log_revenue", "growth")
LGB_PARAMS = {"objective": "binary", "learning_rate": 0.08, "num_leaves": 15, "min_data_in_leaf": 40, "max_bin": 63,
              "feature_fraction": 0.9, "lambda_l2": 1.0, "num_threads": 1, "verbose": -1, "seed": 7}


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-count bins of the prediction."""
    if not len(y):
        return float("nan")
    order = np.argsort(p)
    err = 0.0
    for chunk in np.array_split(order, bins):
        if len(chunk):
            err += len(chunk) * abs(float(y[chunk].mean()) - float(p[chunk].mean()))
    return err / len(y)


def lift_curve(y: np.ndarray, p: np.ndarray, points: int = 20) -> list[tuple[float, float]]:
    """(share contacted, share of responders captured) when contacting the highest scores first."""
    order = np.argsort(-p)
    hits = np.cumsum(y[order])
    total = max(hits[-1], 1) if len(hits) else 1
    return [(k / points, float(hits[max(int(len(y) * k / points) - 1, 0)] / total)) for k in range(1, points + 1)]


def top_lift(y: np.ndarray, p: np.ndarray, share: float = 0.1) -> float:
    """Response rate in the top ``share`` by score over the overall rate (random targeting = 1)."""
    k = max(int(len(y) * share), 1)
    base = y.mean()
    return float(y[np.argsort(-p)[:k]].mean() / base) if base > 0 else float("nan")


@dataclass
class ModelReport:
    rows_train: int
    rows_test: int
    auc: float
    brier: float
    ece: float
    lift_top10: float
    lift: list[tuple[float, float]]
    per_product: dict[str, dict[str, float]] = field(default_factory=dict)
    default_rate: float = 0.0


def _safe_auc(y: np.ndarray, p: np.ndarray) -> float:
    return float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")


class PropensityModel:
    def __init__(self, products: Sequence[str], channels: Sequence[str]):
        self.products, self.channels = list(products), list(channels)
        self.booster: lgb.Booster | None = None
        self.calibrator: LogisticRegression | None = None
        self.default_model: LogisticRegression | None = None
        self.default_prior = 0.03
        self.report: ModelReport | None = None

    def _design(self, ent: pd.DataFrame, positions: np.ndarray, history: pd.DataFrame,
                owns: dict[str, np.ndarray], fitting: dict[str, np.ndarray]) -> pd.DataFrame:
        parts = []
        for (product, channel), idx in history.groupby(["product", "channel"]).indices.items():
            x = offer_features(ent, positions[idx], product, channel, self.products, self.channels,
                               owns[product], fitting[product])
            x.index = idx
            parts.append(x)
        return pd.concat(parts).sort_index()

    def fit(self, ent: pd.DataFrame, ent_ids: pd.Series, history: pd.DataFrame, owns: dict[str, np.ndarray],
            fitting: dict[str, np.ndarray], seed: int = 7, rounds: int = 150) -> ModelReport:
        """Train on 60% of the history, calibrate on 20%, report on the last 20% (split by enterprise)."""
        history = history[history["product"].isin(self.products)
                          & history["channel"].isin(["none"] + self.channels)].reset_index(drop=True)
        position = pd.Series(np.arange(len(ent_ids)), index=ent_ids.to_numpy())
        positions = position.reindex(history["ent_id"]).to_numpy()
        keep = ~np.isnan(positions)
        history, positions = history[keep].reset_index(drop=True), positions[keep].astype(int)
        if len(history) < 50 or history["responded"].sum() < 5:
            raise ValueError("history: too few rows or responses to learn from (need ≥ 50 rows, ≥ 5 responses)")
        x = self._design(ent, positions, history, owns, fitting)
        y = history["responded"].to_numpy(dtype=float)
        fold = (pd.util.hash_array(history["ent_id"].to_numpy().astype(str)) + seed) % 5
        train, cal, test = fold < 3, fold == 3, fold == 4
        data = lgb.Dataset(x[train], y[train], categorical_feature=["segment", "stage", "product", "channel"],
                           free_raw_data=True)
        self.booster = lgb.train(dict(LGB_PARAMS, seed=seed), data, num_boost_round=rounds)
        self.calibrator = LogisticRegression(C=100.0).fit(self._raw(x[cal]), y[cal])
        p = self.predict(x[test])
        yt = y[test]
        per = {}
        for product in self.products:
            m = (history["product"].to_numpy()[test] == product)
            if m.sum():
                per[product] = {"auc": _safe_auc(yt[m], p[m]), "brier": float(brier_score_loss(yt[m], p[m])),
                                "ece": ece(yt[m], p[m], 5), "rows": int(m.sum())}
        self._fit_default(ent, positions, history)
        self.report = ModelReport(rows_train=int(train.sum()), rows_test=int(test.sum()), auc=_safe_auc(yt, p),
                                  brier=float(brier_score_loss(yt, p)), ece=ece(yt, p), lift_top10=top_lift(yt, p),
                                  lift=lift_curve(yt, p), per_product=per, default_rate=self.default_prior)
        return self.report

    def _fit_default(self, ent: pd.DataFrame, positions: np.ndarray, history: pd.DataFrame) -> None:
        loans = history["took"].to_numpy(dtype=bool)
        y = history["defaulted"].to_numpy(dtype=int)[loans]
        self.default_prior = float((y.sum() + 1) / (len(y) + 30))
        if y.sum() >= 5 and y.sum() < len(y):
            xr = ent.iloc[positions[loans]][list(RISK_FEATURES)].to_numpy(dtype=float)
            self._risk_mean, self._risk_std = xr.mean(axis=0), xr.std(axis=0) + 1e-6
            self.default_model = LogisticRegression(C=0.5, max_iter=500).fit((xr - self._risk_mean) / self._risk_std, y)

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        """Calibrated response probability of offer rows (``offer_features`` layout)."""
        if self.booster is None or self.calibrator is None:
            raise RuntimeError("the propensity model is not trained")
        return self.calibrator.predict_proba(self._raw(x))[:, 1]

    def _raw(self, x: pd.DataFrame) -> np.ndarray:
        assert self.booster is not None
        return self.booster.predict(x, raw_score=True, num_threads=LGB_PARAMS["num_threads"])[:, None]

    def default_probability(self, ent: pd.DataFrame) -> np.ndarray:
        if self.default_model is None:
            return np.full(len(ent), self.default_prior)
        xr = (ent[list(RISK_FEATURES)].to_numpy(dtype=float) - self._risk_mean) / self._risk_std
        return self.default_model.predict_proba(xr)[:, 1]

    def contributions(self, x: pd.DataFrame) -> np.ndarray:
        """Per-feature contributions (SHAP values from LightGBM) to the raw score, for reason codes."""
        assert self.booster is not None
        return self.booster.predict(x, pred_contrib=True)[:, :-1]


def predict_batches(model: PropensityModel, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.Array]:
    """Score offer rows arriving as Arrow record batches (``offer_features`` columns), one batch at a
    time: the shape a distributed engine's ``map_batches`` calls (not exercised on Ray/Dask here)."""
    for batch in batches:
        yield pa.array(model.predict(batch.to_pandas()), type=pa.float64())
