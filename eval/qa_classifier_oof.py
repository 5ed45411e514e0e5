"""Out-of-fold check of the QA clause classifier on whole dialogs: ``python -m eval.qa_classifier_oof`` (issue #19).

The training script's cross-validation scores clauses; what an inspector sees is a dialog: the rules,
the classifier's best clause in the first agent turn that clears a threshold, the gates, and an
evidence span. Here every training dialog (eval/qa_classifier_data.training_cases, never a held-out
one) is inspected by models fitted without its fold (grouped 5-fold by dialog; the FAQ answers are
always in training), with each rule's threshold chosen as in training: the lowest of a grid with
out-of-fold dialog precision ≥ 0.9 (the clause-level one when none reaches it). Printed per rule:
clause recall, dialog precision/recall and the evidence overlap (character IoU of finding vs label,
as in the qa_compliance suite), over all dialogs and over the rounds before 7. ``--exclude round7,round8`` drops those rounds from training and
evaluation; ``--all-negatives --clause-thresholds --clause-evidence`` trains, thresholds and quotes as
the classifier did before (issue #19, branch qa-recall): together, the "before" figures.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np
from sklearn.model_selection import GroupKFold

from agents.qa_inspection.service import QaService
from core.settings import PROJECT_ROOT
from eval.metrics.rules import per_rule_prf
from eval.qa_classifier_data import dialog_samples, faq_samples, training_cases
from eval.qa_classifier_fit import TARGET_PRECISION, fit_logistic, rule_data, rule_model, threshold_at_precision
from eval.qa_span_train import fit_span, span_examples
from eval.suites.qa_inspection import span_overlap
from kb.corpus import load_corpus
from tools.qa.classifier import CLASSIFIER_RULES, ClauseClassifier, features
from tools.qa.dialogs import dialog_from_obj

FOLDS = 5
NEW_ROUNDS = ("round7", "round8")
#: how a finding of the classifier reads (tools/qa/meaning.classifier_findings)
CLASSIFIER_MARK = "分类器"
THRESHOLD_GRID = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99)


def fold_models(samples, fold_of: dict[str, int], narrow: bool = True):
    """Per fold, the classifier fitted without that fold (and its span model unless ``narrow`` is False);
    per rule, the threshold and clause recall from the pooled out-of-fold clause probabilities."""
    feats = [dict.fromkeys(features(s.text), 1) for s in samples]
    models: dict[int, dict] = defaultdict(dict)
    clause_stats = {}
    for rule in CLASSIFIER_RULES:
        keep, x, y, groups, names = rule_data(samples, feats, rule)
        fold = np.array([fold_of.get(g, -1) for g in groups])  # FAQ answers: -1, always in training
        oof, fitted = np.full(len(keep), np.nan), {}
        for k in range(FOLDS):
            tr, te = np.where(fold != k)[0], np.where(fold == k)[0]
            fitted[k] = fit_logistic(x[tr], y[tr])
            oof[te] = fitted[k].predict_proba(x[te])[:, 1]
        scored = ~np.isnan(oof)
        threshold, stats = threshold_at_precision(oof[scored], y[scored])
        clause_stats[rule] = {"threshold": threshold, "positives": int(y.sum()), **stats}
        for k in range(FOLDS):
            models[k][rule] = rule_model(fitted[k], names, threshold)
    spans = {k: fit_span(span_examples([s for s in samples if fold_of.get(s.group, -1) != k])) if narrow else None
             for k in range(FOLDS)}
    return {k: ClauseClassifier(models[k], span=spans[k]) for k in range(FOLDS)}, clause_stats


def _inspect_folds(cases, fold_of, models, base) -> list[tuple]:
    """Each case inspected by the classifier of its fold: (case, report)."""
    out = []
    for k in range(FOLDS):
        svc = QaService(base.rubric, base.compliance, base.ctx.facts, classifier=models[k])
        out += [(c, svc.inspect(dialog_from_obj(c.input, c.id))) for c in cases if fold_of[c.id] == k]
    return out


def _set_thresholds(models, thresholds: dict[str, float]) -> None:
    for clf in models.values():
        for rule, t in thresholds.items():
            clf.models[rule].threshold = t


def dialog_thresholds(cases, fold_of, models, base, fallback: dict[str, float]) -> dict[str, dict]:
    """Per rule, the lowest threshold of ``THRESHOLD_GRID``, not below the clause-level one, whose
    out-of-fold *dialog* precision for the rule (rules' findings, gates and all) is ≥ TARGET_PRECISION;
    the clause-level one when none is."""
    counts: dict[str, dict[float, tuple[int, int]]] = defaultdict(dict)
    for t in THRESHOLD_GRID:
        _set_thresholds(models, dict.fromkeys(CLASSIFIER_RULES, t))
        inspected = _inspect_folds(cases, fold_of, models, base)
        for rule in CLASSIFIER_RULES:
            tp = sum(rule in r.rule_ids and rule in c.expected["rules"] for c, r in inspected)
            fp = sum(rule in r.rule_ids and rule not in c.expected["rules"] for c, r in inspected)
            counts[rule][t] = (tp, fp)
    out = {}
    for rule in CLASSIFIER_RULES:
        # never below the clause-level threshold: a clause must be precise on its own too (at the grid's
        # floor the rules' own findings carry the dialog precision, and 「这种情况不怪您」 scored 0.50 as a promise)
        ok = [t for t, (tp, fp) in counts[rule].items()
              if t >= fallback[rule] and tp and tp / (tp + fp) >= TARGET_PRECISION]
        out[rule] = {"threshold": min(ok) if ok else fallback[rule], "by": "dialog" if ok else "clause"}
    return out


def evaluate(exclude: set[str] = frozenset(), narrow: bool = True, by_dialog: bool = True,
             all_negatives: bool = False) -> dict:
    """Fold classifiers, thresholds (by dialog unless ``by_dialog`` is False), then every training dialog
    inspected out of fold: per-dialog expected/found rules and per-label evidence overlaps."""
    cases = [c for c in training_cases() if c.tags.variant not in exclude]
    samples = dialog_samples(cases, all_negatives)
    ids = np.array([c.id for c in cases])
    fold_of = {str(ids[i]): k for k, (_, te) in enumerate(GroupKFold(n_splits=FOLDS).split(ids, groups=ids)) for i in te}
    models, clause_stats = fold_models(samples + faq_samples(), fold_of, narrow)
    base = QaService.from_corpus(load_corpus(PROJECT_ROOT / "kb" / "corpus"), classifier=False)
    fallback = {rule: st["threshold"] for rule, st in clause_stats.items()}
    thresholds = (dialog_thresholds(cases, fold_of, models, base, fallback) if by_dialog
                  else {r: {"threshold": t, "by": "clause"} for r, t in fallback.items()})
    _set_thresholds(models, {r: v["threshold"] for r, v in thresholds.items()})
    rows, overlaps = [], []
    for case, report in _inspect_folds(cases, fold_of, models, base):
        rows.append((case.tags.variant, set(case.expected["rules"]), report.rule_ids))
        for ev in case.expected.get("evidence", []):
            found = [f for f in report.findings if f.rule_id == ev["rule"] and f.evidence and f.evidence.turn == ev["turn"]]
            if found:  # as the qa_compliance suite: the best finding of the rule in the labelled turn
                iou, best = max((span_overlap((f.evidence.start, f.evidence.end), (ev["start"], ev["end"])), f) for f in found)
                overlaps.append((case.tags.variant, ev["rule"], "classifier" if CLASSIFIER_MARK in best.message else "rules", iou))
    return {"clause": clause_stats, "thresholds": thresholds, "rows": rows, "overlaps": overlaps}


def summary(result: dict) -> dict:
    """What the artefact's ``meta.dialog_oof`` records: per rule the threshold, dialog P/R; the overlap."""
    prf = per_rule_prf([r[1] for r in result["rows"]], [r[2] for r in result["rows"]])
    out = {rule: {**result["thresholds"][rule], "dialog_precision": round(prf[rule]["precision"], 3),
                  "dialog_recall": round(prf[rule]["recall"], 3)} for rule in CLASSIFIER_RULES if rule in prf}
    ious = [o[3] for o in result["overlaps"]]
    cls = [o[3] for o in result["overlaps"] if o[2] == "classifier"]
    out["evidence_overlap"] = {"all": round(sum(ious) / len(ious), 3) if ious else None,
                               "classifier_findings": round(sum(cls) / len(cls), 3) if cls else None}
    return out


def _mean(xs: list[float]) -> str:
    return f"{sum(xs) / len(xs):.3f} ({len(xs)})" if xs else "—"


def _report(name: str, rows: list, overlaps: list) -> None:
    """Per-rule dialog P/R, and the evidence overlap per label (all, by the classifier's findings, by the rules')."""
    prf = per_rule_prf([r[1] for r in rows], [r[2] for r in rows])
    cells = [f"{rule} P/R {prf[rule]['precision']:.3f}/{prf[rule]['recall']:.3f}" for rule in CLASSIFIER_RULES if rule in prf]
    print(f"{name} ({len(rows)} dialogs): " + "; ".join(cells))
    print(f"  evidence_overlap per label: all {_mean([o[3] for o in overlaps])}, "
          f"classifier {_mean([o[3] for o in overlaps if o[2] == 'classifier'])}, "
          f"rules {_mean([o[3] for o in overlaps if o[2] == 'rules'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exclude", default="", help="comma-separated variants left out of training and evaluation")
    parser.add_argument("--clause-evidence", action="store_true", help="quote the whole clause (no span model)")
    parser.add_argument("--clause-thresholds", action="store_true", help="thresholds by clause precision only")
    parser.add_argument("--all-negatives", action="store_true",
                        help="train as before: clauses under a closed gate or labelled with another rule are negatives")
    args = parser.parse_args(argv)
    result = evaluate({v for v in args.exclude.split(",") if v}, narrow=not args.clause_evidence,
                      by_dialog=not args.clause_thresholds, all_negatives=args.all_negatives)
    for rule, st in result["clause"].items():
        print(f"clause {rule}: positives {st['positives']}, threshold {st['threshold']}, "
              f"oof P/R {st.get('precision', 0):.3f}/{st.get('recall', 0):.3f}; "
              f"used threshold {result['thresholds'][rule]['threshold']} (by {result['thresholds'][rule]['by']})")
    rows, overlaps = result["rows"], result["overlaps"]
    _report("dialogs, all", rows, overlaps)
    _report("dialogs, rounds before 7", [r for r in rows if r[0] not in NEW_ROUNDS], [o for o in overlaps if o[0] not in NEW_ROUNDS])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
