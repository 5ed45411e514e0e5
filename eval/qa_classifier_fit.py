"""Fitting one rule's clause classifier (issue #19): the logistic regression, its data, its threshold.

Shared by eval/qa_classifier_train.py (the shipped model) and eval/qa_classifier_oof.py (one per fold).
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from eval.qa_classifier_data import Sample
from tools.qa.classifier import RuleModel

SEED = 19
TARGET_PRECISION = 0.9
C = 8.0  # grouped 5-fold CV on the training clauses: mean recall at precision 0.9 was 0.498 at C=2, 0.532 at C=8 and 32
#: weights smaller than this are dropped from the artefact (they move no probability measurably)
MIN_WEIGHT = 0.02


def fit_logistic(x, y) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=SEED).fit(x, y)


def threshold_at_precision(probs: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """Lowest threshold whose out-of-fold precision stays ≥ TARGET_PRECISION (and never below 0.5)."""
    best = (0.9, {})
    for t in np.arange(0.99, 0.49, -0.01):
        pred = probs >= t
        tp, fp = int((pred & (y == 1)).sum()), int((pred & (y == 0)).sum())
        if tp and tp / (tp + fp) >= TARGET_PRECISION:
            best = (round(float(t), 2), {"precision": tp / (tp + fp), "recall": tp / int(y.sum())})
    return best


def rule_data(samples: list[Sample], feats: list[dict], rule: str):
    """The clauses that count for ``rule`` (not unknown), their feature matrix, labels and dialog groups."""
    keep = [i for i, s in enumerate(samples) if rule not in s.unknown]
    vec = DictVectorizer()
    x = vec.fit_transform([feats[i] for i in keep])
    y = np.array([int(rule in samples[i].labels) for i in keep])
    return keep, x, y, np.array([samples[i].group for i in keep]), vec.get_feature_names_out()


def rule_model(clf: LogisticRegression, names, threshold: float) -> RuleModel:
    weights = {str(n): round(float(w), 4) for n, w in zip(names, clf.coef_[0]) if abs(w) >= MIN_WEIGHT}
    return RuleModel(round(float(clf.intercept_[0]), 4), weights, threshold)
