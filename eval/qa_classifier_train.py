"""Train the QA inspector's clause classifiers: ``python -m eval.qa_classifier_train`` (issue #19).

Training/dev data only: the qa_compliance dialogs of rounds 1, 2, 4–11, the held-out sets measured before
(``RETIRED_HELDOUT``: round 3 and heldout2–7, six other authors' wording), the qa_inspection dialogs, and the
approved FAQ answers of the corpus as clean sentences — never a file of ``HELDOUT_FILES`` (heldout8). A clause of an agent turn is a positive for a rule when it
overlaps that rule's labelled evidence; every clause of a turn with no label of the rule is a
negative; the other clauses of a labelled turn, and a qa_inspection dialog labelled with the rule but
without evidence, are left out for that rule.
Per rule: L2 logistic regression over binary char 1–3-gram + jieba-word features, seeded; the
threshold is the lowest that keeps out-of-fold clause precision ≥ ``TARGET_PRECISION`` (or the rule's own
target) in grouped 5-fold cross-validation (folds by dialog), a clause the rubric's negation words
discard at run time counting as no prediction, and — for the gated rules — only over the turns whose gate is open. The artefact is JSON (feature → weight), written to
agents/qa_inspection/data/qa_clause_model.json.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from agents.qa_inspection.service import CLASSIFIER_MODEL, QaService
from core.settings import PROJECT_ROOT
from eval.schema import DATASETS_DIR, load_cases
from kb.corpus import load_corpus
from tools.cs.phrases import contains_any
from tools.cs.policy import QaRule, load_qa_rubric
from tools.qa.classifier import CLASSIFIER_RULES, ClauseClassifier, RuleModel, clauses, features
from tools.qa.dialogs import Dialog, dialog_from_obj
from tools.qa.meaning import gate_open
from tools.qa.rules import RuleContext

SEED = 19
TARGET_PRECISION = 0.9
#: rules held to their own out-of-fold clause precision. Rude clauses are scored out of context (a sarcastic
#: 「您真厉害」 is clean elsewhere), so their clause precision understates the dialog precision: kept-out retired
#: sets gave rude dialog precision 0.87-0.95 at a 0.8 target (recall 0.64-0.69; 0.58-0.59 at 0.85). Iteration 4
#: held deflection to 0.95; since iteration 5 gated rules are thresholded over gate-open turns, where 0.9 is the target.
TARGET_PRECISION_BY_RULE: dict[str, float] = {"rude_language": 0.8}
#: thresholds tried, low to high (up to 0.99: with rounds 7-9 a target is often reached only above 0.95)
THRESHOLD_GRID = tuple(round(float(t), 3) for t in np.arange(0.5, 0.9501, 0.01)) + (0.96, 0.97, 0.98, 0.985, 0.99)
C = 8.0  # grouped 5-fold CV on the training clauses: mean recall at precision 0.9 was 0.498 at C=2, 0.532 at C=8 and 32
#: weights smaller than this are dropped from the artefact (they move no probability measurably)
MIN_WEIGHT = 0.02
#: the held-out sets measured before (round 3 = variant ``heldout``, heldout2–5, heldout6 and heldout7, each
#: measured once — iteration 5 on heldout7 — then read for the next changes) are retired into training: six other
#: authors' wording; heldout8, written for iteration 6 and never looked at, is the one held out
RETIRED_HELDOUT = {"heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7"}
TRAIN_SOURCES = (("qa_compliance_dialogs.jsonl", {"round2", "round4", "round5", "round6", "round7", "round8", "round9",
                                                  "round10", "round11", "bot", "human", "heldout"}),
                 ("qa_dialogs.jsonl", None),
                 ("qa_compliance_heldout.jsonl", RETIRED_HELDOUT - {"heldout", "heldout6"}),
                 ("qa_compliance_heldout6.jsonl", {"heldout6"}),
                 ("qa_compliance_heldout7.jsonl", {"heldout7"}))
HELDOUT_FILES = ("qa_compliance_heldout8.jsonl",)
#: rules whose findings by meaning count only where their gate is open (tools/qa/meaning.py gate_open): their
#: threshold is chosen over the clauses of those turns, the only ones it is ever applied to
GATED_RULES = ("handoff_refused", "unresolved_no_handoff")


@dataclass
class Sample:
    group: str
    text: str
    turn: str
    labels: set[str]
    unknown: set[str]  # rules labelled in the dialog without evidence: neither positive nor negative
    gates: frozenset[str] = frozenset()  # GATED_RULES whose gate is open at this turn


def training_cases() -> list:
    """The training dialogs: TRAIN_SOURCES filtered by variant, never a held-out file (HELDOUT_FILES)."""
    out = []
    for name, variants in TRAIN_SOURCES:
        if name in HELDOUT_FILES:
            raise ValueError(f"{name} is a held-out set: never train on it")
        for case in load_cases(DATASETS_DIR / name):
            if variants is None or case.tags.variant in variants:
                out.append(case)
    return out


@lru_cache(maxsize=1)
def _gate_context() -> tuple[dict[str, QaRule], RuleContext]:
    """The rubric's gated rules and a rules-only context, to tell which turns a gated rule can fire in."""
    ctx = QaService.from_corpus(load_corpus(PROJECT_ROOT / "kb" / "corpus"), classifier=False).ctx
    return {r.id: r for r in ctx.rubric.rules if r.id in GATED_RULES}, ctx


def open_gates(dialog: Dialog, turn: int) -> frozenset[str]:
    rules, ctx = _gate_context()
    return frozenset(r for r, rule in rules.items() if gate_open(dialog, rule, ctx, turn))


def dialog_samples(cases: list | None = None) -> list[Sample]:
    out = []
    for case in training_cases() if cases is None else cases:
        evidence = case.expected.get("evidence", [])
        with_evidence = {e["rule"] for e in evidence}
        unknown = {r for r in case.expected["rules"] if r in CLASSIFIER_RULES and r not in with_evidence}
        dialog = dialog_from_obj(case.input, case.id)  # once per dialog: the gates of every agent turn read it
        for k, turn in enumerate(case.input["turns"]):
            if turn["role"] != "agent":
                continue
            in_turn = {e["rule"] for e in evidence if e["turn"] == k}
            gates = open_gates(dialog, k)
            for c in clauses(turn["text"]):
                labels = {e["rule"] for e in evidence if e["turn"] == k and e["start"] < c.end and c.start < e["end"]}
                # the other clauses of a turn that breaks the rule often break it too (「人工这会儿都不在，
                # 您跟我说就行」 is labelled on the second): neither positive nor negative for that rule
                out.append(Sample(case.id, c.text, turn["text"], labels & set(CLASSIFIER_RULES),
                                  unknown | (in_turn - labels), gates))
    return out


def faq_samples() -> list[Sample]:
    """Approved answers: how a compliant agent talks (clean for every rule)."""
    corpus = load_corpus(PROJECT_ROOT / "kb" / "corpus")
    return [Sample(f"faq:{f.id}", c.text, f.answer, set(), set()) for f in corpus.faqs for c in clauses(f.answer)]


def fit_rule(x, y) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=SEED).fit(x, y)


def target_for(rule: str) -> float:
    return TARGET_PRECISION_BY_RULE.get(rule, TARGET_PRECISION)


def _threshold(probs: np.ndarray, y: np.ndarray, target: float = TARGET_PRECISION) -> tuple[float, dict]:
    """Lowest threshold of THRESHOLD_GRID whose out-of-fold clause precision stays ≥ ``target``
    (the grid's top when none does)."""
    best = (THRESHOLD_GRID[-1], {})
    for t in reversed(THRESHOLD_GRID):
        pred = probs >= t
        tp, fp = int((pred & (y == 1)).sum()), int((pred & (y == 0)).sum())
        if tp and tp / (tp + fp) >= target:
            best = (t, {"precision": tp / (tp + fp), "recall": tp / int(y.sum())})
    return best


def negated_by() -> dict[str, list[str]]:
    """Per rule, the rubric's ``classifier_negated_by`` words: a clause with one never counts at run time
    (tools/qa/meaning.py), so it is no prediction when thresholds are chosen either."""
    rubric = load_qa_rubric(load_corpus(PROJECT_ROOT / "kb" / "corpus"))
    return {r.id: list(r.detector.param("classifier_negated_by", []) or []) for r in rubric.rules}


@dataclass
class RuleData:
    keep: list[int]  # indices of the samples that are positive or negative for the rule
    x: object
    y: np.ndarray
    names: list[str]
    blocked: np.ndarray  # clauses the run-time negation check discards
    applies: np.ndarray  # clauses the rule can fire on at run time (its gate open; every clause of an ungated rule)


def rule_data(samples: list[Sample], feats: list[dict], rule: str, negations: list[str]) -> RuleData:
    vec = DictVectorizer()
    keep = [i for i, s in enumerate(samples) if rule not in s.unknown]
    x = vec.fit_transform([feats[i] for i in keep])
    y = np.array([int(rule in samples[i].labels) for i in keep])
    blocked = np.array([contains_any(samples[i].text, negations) for i in keep], dtype=bool)
    applies = np.array([rule not in GATED_RULES or rule in samples[i].gates for i in keep], dtype=bool)
    return RuleData(keep, x, y, [str(n) for n in vec.get_feature_names_out()], blocked, applies)


def rule_model(clf: LogisticRegression, names: list[str], threshold: float) -> RuleModel:
    weights = {n: round(float(w), 4) for n, w in zip(names, clf.coef_[0]) if abs(w) >= MIN_WEIGHT}
    return RuleModel(round(float(clf.intercept_[0]), 4), weights, threshold)


def oof_threshold(d: RuleData, oof: np.ndarray, rule: str) -> tuple[float, dict]:
    """The rule's threshold from pooled out-of-fold probabilities (NaN = not scored), negated clauses discarded,
    over the clauses the rule applies to (iteration 5: a gated rule's threshold used to be chosen over every
    clause, most of them in turns where it can never fire, which set the refused hand-off's at 0.96)."""
    scored = ~np.isnan(oof) & d.applies
    probs = np.where(d.blocked, 0.0, oof)
    return _threshold(probs[scored], d.y[scored], target_for(rule))


def train(samples: list[Sample], rules: tuple[str, ...] = CLASSIFIER_RULES) -> ClauseClassifier:
    feats = [dict.fromkeys(features(s.text), 1) for s in samples]
    negations = negated_by()
    models, cv = {}, {}
    for rule in rules:
        d = rule_data(samples, feats, rule, negations.get(rule, []))
        groups = np.array([samples[i].group for i in d.keep])
        oof = np.zeros(len(d.keep))
        for tr, te in GroupKFold(n_splits=5).split(d.x, d.y, groups):
            oof[te] = fit_rule(d.x[tr], d.y[tr]).predict_proba(d.x[te])[:, 1]
        threshold, stats = oof_threshold(d, oof, rule)
        models[rule] = rule_model(fit_rule(d.x, d.y), d.names, threshold)
        cv[rule] = {"positives": int(d.y.sum()), "clauses": len(d.keep), "threshold": threshold,
                    "target_precision": target_for(rule), **{f"oof_{k}": round(v, 3) for k, v in stats.items()}}
    meta = {"trained_by": "eval.qa_classifier_train", "seed": SEED, "C": C, "target_precision": TARGET_PRECISION,
            "target_precision_by_rule": TARGET_PRECISION_BY_RULE,
            "sources": [n for n, _ in TRAIN_SOURCES] + ["kb/corpus faq answers"],
            "gated_rules": list(GATED_RULES), "excluded": list(HELDOUT_FILES), "cross_validation": cv}
    return ClauseClassifier(models, meta)


def main() -> int:
    samples = dialog_samples() + faq_samples()
    model = train(samples)
    CLASSIFIER_MODEL.write_text(json.dumps(model.to_dict(), ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    counts: dict[str, int] = defaultdict(int)
    for s in samples:
        for r in s.labels:
            counts[r] += 1
    print(f"{len(samples)} clauses, positives {dict(counts)}")
    for rule, stats in model.meta["cross_validation"].items():
        print(rule, stats)
    print(f"wrote {CLASSIFIER_MODEL} ({CLASSIFIER_MODEL.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
