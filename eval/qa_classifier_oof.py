"""Out-of-fold check of the QA clause classifier on whole dialogs: ``python -m eval.qa_classifier_oof`` (issue #19).

The training script's cross-validation scores clauses; an inspector flags dialogs (rules' findings,
the classifier's clause, the gates). Here every training dialog (never a held-out one) is inspected
by classifiers fitted without its fold (grouped 5-fold by dialog; the FAQ answers always in training),
thresholds chosen exactly as in training (pooled out-of-fold *clause* precision, iteration 2's
method). ``--train-exclude round7,round8,round9`` keeps those rounds out of training but still
inspects them: the recipe of iteration 2 on dialogs it never saw, to compare with iteration 4's
out-of-fold figures on the same dialogs. Prints per-rule dialog P/R over all dialogs and per group
of rounds. Nothing here is tuned on: it measures.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np
from sklearn.model_selection import GroupKFold

import eval.qa_classifier_train as T
from agents.qa_inspection.service import QaService
from core.settings import PROJECT_ROOT
from eval.metrics.rules import micro_prf, per_rule_prf
from kb.corpus import load_corpus
from tools.qa.classifier import CLASSIFIER_RULES, ClauseClassifier, features
from tools.qa.dialogs import dialog_from_obj

FOLDS = 5
NEW_ROUNDS = ("round7", "round8", "round9", "round10", "round11")


def fold_classifiers(samples: list, fold_of: dict[str, int]) -> tuple[dict[int, ClauseClassifier], dict]:
    """Per fold, the four rule models fitted without it; thresholds from the pooled out-of-fold clauses."""
    feats = [dict.fromkeys(features(s.text), 1) for s in samples]
    negations = T.negated_by()
    models: dict[int, dict] = defaultdict(dict)
    stats = {}
    for rule in CLASSIFIER_RULES:
        d = T.rule_data(samples, feats, rule, negations.get(rule, []))
        fold = np.array([fold_of.get(samples[i].group, -1) for i in d.keep])  # -1: FAQ or never-tested
        oof, fitted = np.full(len(d.keep), np.nan), {}
        for k in range(FOLDS):
            tr, te = np.where(fold != k)[0], np.where(fold == k)[0]
            fitted[k] = T.fit_rule(d.x[tr], d.y[tr])
            oof[te] = fitted[k].predict_proba(d.x[te])[:, 1]
        threshold, st = T.oof_threshold(d, oof, rule)
        stats[rule] = {"threshold": threshold, **{k: round(v, 3) for k, v in st.items()}}
        for k in range(FOLDS):
            models[k][rule] = T.rule_model(fitted[k], d.names, threshold)
    return {k: ClauseClassifier(models[k]) for k in range(FOLDS)}, stats


def evaluate(train_exclude: set[str]) -> dict:
    cases = T.training_cases()
    trained = [c for c in cases if c.tags.variant not in train_exclude]
    ids = np.array([c.id for c in trained])
    fold_of = {str(ids[i]): k for k, (_, te) in enumerate(GroupKFold(n_splits=FOLDS).split(ids, groups=ids)) for i in te}
    models, stats = fold_classifiers(T.dialog_samples(trained) + T.faq_samples(), fold_of)
    base = QaService.from_corpus(load_corpus(PROJECT_ROOT / "kb" / "corpus"), classifier=False)
    services = {k: QaService(base.rubric, base.compliance, base.ctx.facts, classifier=m) for k, m in models.items()}
    rows = []
    for n, c in enumerate(cases):
        svc = services[fold_of.get(c.id, n % FOLDS)]  # an excluded round: any fold's models never saw it
        report = svc.inspect(dialog_from_obj(c.input, c.id))
        keep = set(CLASSIFIER_RULES)
        rows.append((c.tags.variant, set(c.expected["rules"]) & keep, set(report.rule_ids) & keep))
    out = {"clause_thresholds": stats}
    groups = [("all", lambda v: True), ("rounds 7-11", lambda v: v in NEW_ROUNDS),
              ("round 9", lambda v: v == "round9"), ("before round 7", lambda v: v not in NEW_ROUNDS)]
    # each variant kept out of training on its own: e.g. one author's retired held-out set, never seen by any fold
    groups += [(f"kept out: {v}", lambda x, v=v: x == v) for v in sorted(train_exclude)]
    for name, pick in groups:
        sel = [(e, p) for v, e, p in rows if pick(v)]
        exp, pred = [e for e, _ in sel], [p for _, p in sel]
        out[name] = {"dialogs": len(sel), "micro": micro_prf(exp, pred), "per_rule": per_rule_prf(exp, pred)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train-exclude", default="", help="variants kept out of training (still inspected)")
    args = ap.parse_args()
    res = evaluate({v for v in args.train_exclude.split(",") if v})
    print("clause thresholds", res.pop("clause_thresholds"))
    for name, r in res.items():
        m = r["micro"]
        print(f"{name} ({r['dialogs']} dialogs): micro P {m['precision']:.3f} R {m['recall']:.3f}")
        for rule in CLASSIFIER_RULES:
            s = r["per_rule"].get(rule)
            if s:
                print(f"  {rule}: P {s['precision']:.3f} R {s['recall']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
