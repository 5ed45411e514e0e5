"""Train the QA inspector's clause classifiers: ``python -m eval.qa_classifier_train`` (issue #19).

Training/dev data only: the qa_compliance dialogs of rounds 1, 2, 4–8 (never variant ``heldout``,
never eval/datasets/qa_compliance_heldout.jsonl), the qa_inspection dialogs, and the approved FAQ
answers of the corpus as clean sentences. A clause of an agent turn is a positive for a rule when it
overlaps that rule's labelled evidence; every clause of a turn with no label of the rule is a
negative, except where the inspector would not ask the classifier anyway: the other clauses of a
labelled turn, a clause labelled with another rule, a turn where the rule's gate is closed (a
refused hand-off with no request before it, a deflection with a transfer after it), and a
qa_inspection dialog labelled with the rule but without evidence are left out for that rule.
Per rule: L2 logistic regression over binary char 1–3-gram + jieba-word features, seeded. The
threshold is the lowest whose out-of-fold *dialog* precision stays ≥ ``TARGET_PRECISION``
(eval/qa_classifier_oof.py: grouped 5-fold, the inspector with the fold's models); the clause-level
out-of-fold figures are kept in ``meta.cross_validation``. The evidence-span model (a learned start
and end inside the clause, eval/qa_span_train.py) is fitted on the labelled spans. The artefact is
JSON (feature → weight), written to agents/qa_inspection/data/qa_clause_model.json.
"""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
from sklearn.model_selection import GroupKFold

from agents.qa_inspection.service import CLASSIFIER_MODEL
from eval.qa_classifier_data import HELDOUT_FILES, TRAIN_SOURCES, Sample, dialog_samples, faq_samples, training_cases
from eval.qa_classifier_fit import C, SEED, TARGET_PRECISION, fit_logistic, rule_data, rule_model, threshold_at_precision
from eval.qa_classifier_oof import evaluate, summary
from eval.qa_span_train import C_SPAN, fit_span, span_cv, span_examples
from tools.qa.classifier import CLASSIFIER_RULES, ClauseClassifier, features

__all__ = ["HELDOUT_FILES", "SEED", "TRAIN_SOURCES", "Sample", "dialog_samples", "faq_samples", "train",
           "training_cases"]


def train(samples: list[Sample], rules: tuple[str, ...] = CLASSIFIER_RULES) -> ClauseClassifier:
    feats = [dict.fromkeys(features(s.text), 1) for s in samples]
    models, cv = {}, {}
    for rule in rules:
        keep, x, y, groups, names = rule_data(samples, feats, rule)
        oof = np.zeros(len(keep))
        for tr, te in GroupKFold(n_splits=5).split(x, y, groups):
            oof[te] = fit_logistic(x[tr], y[tr]).predict_proba(x[te])[:, 1]
        threshold, stats = threshold_at_precision(oof, y)
        models[rule] = rule_model(fit_logistic(x, y), names, threshold)
        cv[rule] = {"positives": int(y.sum()), "clauses": len(keep), "threshold": threshold,
                    **{f"oof_{k}": round(v, 3) for k, v in stats.items()}}
    examples = span_examples(samples)
    span = fit_span(examples) if examples else None
    meta = {"trained_by": "eval.qa_classifier_train", "seed": SEED, "C": C, "target_precision": TARGET_PRECISION,
            "sources": [n for n, _ in TRAIN_SOURCES] + ["kb/corpus faq answers"],
            "excluded": ["variant heldout", *HELDOUT_FILES], "cross_validation": cv,
            "span": {"C": C_SPAN, "iou_with_label": span_cv(examples, span) if span else {}}}
    return ClauseClassifier(models, meta, span)


def main() -> int:
    samples = dialog_samples() + faq_samples()
    model = train(samples)
    # the shipped thresholds: lowest with out-of-fold *dialog* precision ≥ 0.9 per rule (rules, gates and
    # the classifier together, as the inspector runs), clause-level when no grid value reaches it
    dialog_oof = summary(evaluate())
    for rule in model.models:
        model.models[rule].threshold = dialog_oof[rule]["threshold"]
    model.meta["dialog_oof"] = dialog_oof
    CLASSIFIER_MODEL.write_text(json.dumps(model.to_dict(), ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    counts: dict[str, int] = defaultdict(int)
    for s in samples:
        for r in s.labels:
            counts[r] += 1
    print(f"{len(samples)} clauses, positives {dict(counts)}")
    for rule, stats in model.meta["cross_validation"].items():
        print(rule, stats)
    for rule, stats in model.meta["span"]["iou_with_label"].items():
        print("evidence span", rule, stats)
    for rule, stats in dialog_oof.items():
        print("out-of-fold dialogs", rule, stats)
    print(f"wrote {CLASSIFIER_MODEL} ({CLASSIFIER_MODEL.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
