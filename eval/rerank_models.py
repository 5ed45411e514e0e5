"""The two learned rankers measured by ``bench/unionpay_rerank.py``: LightGBM LambdaRank and a
logistic regression over the same feature subset, each trained seeded on one set of ranking groups.

Why both: LambdaRank optimises the ranking directly and can combine features non-linearly but may fit
the training domain's quirks; a logistic regression on standardised features is a learned *linear*
fusion, the smallest step beyond the hand-picked weight. Single-threaded (the machine is shared).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from eval.rerank_features import Groups, column_index

#: the grids searched on the dev questions (small on purpose: CPU is scarce)
LGBM_GRID = ({"num_leaves": 7, "n_estimators": 100}, {"num_leaves": 7, "n_estimators": 300},
             {"num_leaves": 31, "n_estimators": 100}, {"num_leaves": 31, "n_estimators": 300})
LOGREG_GRID = ({"C": 0.01}, {"C": 0.1}, {"C": 1.0}, {"C": 10.0})


@dataclass
class Ranker:
    """A fitted model and the feature columns it reads; ``score`` ranks one group's rows."""

    kind: str
    params: dict[str, Any]
    columns: tuple[str, ...]
    model: Any

    def score(self, X: np.ndarray) -> np.ndarray:
        x = X[:, column_index(self.columns)]
        if self.kind == "lambdarank":
            return np.asarray(self.model.predict(x, num_threads=1))
        return self.model.decision_function(np.nan_to_num(x))


def fit(kind: str, groups: Groups, columns: tuple[str, ...], params: dict[str, Any], seed: int = 0) -> Ranker:
    """Train one ranker of ``kind`` (``lambdarank`` | ``logreg``) on ``groups``."""
    if not groups.sizes:
        raise ValueError("no training group has a gold candidate")
    x = groups.X[:, column_index(columns)]
    if kind == "lambdarank":
        import lightgbm as lgb  # heavy: loaded only when this ranker is trained

        model = lgb.train({"objective": "lambdarank", "metric": "ndcg", "eval_at": [1, 5],
                           "learning_rate": 0.05, "min_data_in_leaf": 50, "feature_fraction": 0.9,
                           "num_leaves": params["num_leaves"], "seed": seed, "deterministic": True,
                           "force_row_wise": True, "num_threads": 1, "verbose": -1},
                          lgb.Dataset(x, groups.y, group=groups.sizes), num_boost_round=params["n_estimators"])
    elif kind == "logreg":
        from sklearn.linear_model import LogisticRegression  # heavy: loaded only when this ranker is trained
        from sklearn.pipeline import make_pipeline  # (same)
        from sklearn.preprocessing import StandardScaler  # (same)

        model = make_pipeline(StandardScaler(), LogisticRegression(C=params["C"], max_iter=2000, random_state=seed))
        model.fit(np.nan_to_num(x), groups.y)
    else:
        raise ValueError(f"unknown ranker kind {kind!r}")
    return Ranker(kind, dict(params), columns, model)


def grid(kind: str) -> tuple[dict[str, Any], ...]:
    return LGBM_GRID if kind == "lambdarank" else LOGREG_GRID
