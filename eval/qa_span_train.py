"""Fit the evidence-span model of the QA clause classifier (tools/qa/span.py) and measure it (issue #19).

Examples: every training clause that is a positive for a rule, with the labelled span inside it
(eval/qa_classifier_data.Sample.spans). One logistic regression scores character boundaries as the
quote's start (the labelled start is the positive, every other boundary a negative), one as its end.
``span_cv`` compares, per rule, the mean character IoU with the label of the whole clause and of the
narrowed span, in sample and out of fold (grouped 5-fold by dialog) — the figures in the artefact's
``meta.span`` and printed by ``python -m eval.qa_classifier_train``.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from eval.suites.qa_inspection import span_overlap
from tools.qa.span import MIN_SPAN, SpanModel, boundary_features

SEED = 19
C_SPAN = 3.0  # span_cv, mean out-of-fold IoU over 458 positive clauses: 0.898 at C 0.3, 0.904 at 1, 0.908 at 3 (whole clause 0.873)
MIN_WEIGHT = 0.02


def span_examples(samples) -> list[tuple[str, str, str, tuple[int, int]]]:
    """(dialog group, rule, clause, labelled span) for every positive clause long enough to cut."""
    return [(s.group, rule, s.text, s.spans[rule]) for s in samples for rule in sorted(s.labels)
            if rule in s.spans and len(s.text) > MIN_SPAN]


def _side(examples, which: int) -> tuple[list[dict], list[int]]:
    feats, ys = [], []
    for _, rule, text, span in examples:
        for i, f in enumerate(boundary_features(text, rule)):
            feats.append(dict.fromkeys(f, 1))
            ys.append(int(i == span[which]))
    return feats, ys


def _fit_side(examples, which: int) -> tuple[dict[str, float], float]:
    feats, ys = _side(examples, which)
    vec = DictVectorizer()
    clf = LogisticRegression(C=C_SPAN, max_iter=2000, random_state=SEED).fit(vec.fit_transform(feats), ys)
    weights = {str(n): round(float(w), 4) for n, w in zip(vec.get_feature_names_out(), clf.coef_[0]) if abs(w) >= MIN_WEIGHT}
    return weights, round(float(clf.intercept_[0]), 4)


def fit_span(examples) -> SpanModel:
    (start, si), (end, ei) = _fit_side(examples, 0), _fit_side(examples, 1)
    return SpanModel(start, end, si, ei)


def span_cv(examples, model: SpanModel) -> dict:
    """Mean IoU with the label, per rule and over all: whole clause, narrowed in sample, narrowed out of fold."""
    groups = np.array([e[0] for e in examples])
    oof: list[tuple[int, int] | None] = [None] * len(examples)
    for tr, te in GroupKFold(n_splits=5).split(groups, groups=groups):
        fold = fit_span([examples[i] for i in tr])
        for i in te:
            oof[i] = fold.narrow(examples[i][2], examples[i][1])
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (_, rule, text, span), held in zip(examples, oof):
        for key in (rule, "all"):
            scores[key]["clause"].append(span_overlap((0, len(text)), span))
            scores[key]["in_sample"].append(span_overlap(model.narrow(text, rule), span))
            scores[key]["out_of_fold"].append(span_overlap(held, span))
    return {key: {"clauses": len(v["clause"]), **{k: round(float(np.mean(x)), 3) for k, x in v.items()}}
            for key, v in scores.items()}
