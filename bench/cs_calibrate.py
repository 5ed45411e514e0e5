"""Calibrate the FAQ matcher (feature fusion, answer threshold) and the guard's similarity threshold.

Held-out data only, never the eval set:
* 5 folds over the corpus's own similar questions: each fold's questions are removed from the
  matcher and then asked (gold = their FAQ entry); the fusion model is trained on the other folds
  (cross-validated predictions), so every score used to pick the threshold is out-of-sample;
* bench/data/cs_calibration.jsonl: extra paraphrases (colloquial, typos, traditional characters)
  and out-of-KB bank questions (gold = none: the bot must not answer them with an FAQ).
The threshold maximises balanced accuracy: answering the right FAQ on positives (held-out folds and
extra paraphrases weighted equally) vs abstaining on negatives. Writes
agents/customer_service/data/calibration.json (an entry per embedder plus "lexical").

    .venv/bin/python -m bench.cs_calibrate            # e5 and lexical-only entries (~2 min, cached vectors)
    .venv/bin/python -m bench.cs_calibrate --lexical  # lexical-only entry
"""

from __future__ import annotations

import argparse
import json
import os
import random
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from agents.customer_service.faq_match import (  # noqa: E402
    CALIBRATION_FILE,
    FEATURES_DENSE,
    FEATURES_LEXICAL,
    FaqMatcher,
    MatchParams,
)
from core.settings import Settings  # noqa: E402
from kb.corpus import load_corpus  # noqa: E402
from kb.retrieval.embeddings import build_embedder
from kb.textnorm import normalize  # noqa: E402
from tools.cs.guard_patterns import ATTACK_EXEMPLARS  # noqa: E402

DATA = Path(__file__).with_name("data") / "cs_calibration.jsonl"
FOLDS = 5


def fold_sets(corpus, seed: int = 7) -> list[list[tuple[str, str]]]:
    rng = random.Random(seed)
    held = [(s, e.id) for e in corpus.faqs for s in e.similar]
    rng.shuffle(held)
    return [held[i::FOLDS] for i in range(FOLDS)]


def feature_rows(corpus, features, embed, folds, extra):
    """[(X (entries × features), gold id or None, fold or -1)] for every held-out question."""
    ids = [e.id for e in corpus.faqs]
    params = MatchParams(features=features, coef=(1.0,) * len(features), intercept=0.0)
    rows = []
    for k, fold in enumerate(folds):
        exclude: dict[str, set[str]] = {}
        for text, fid in fold:
            exclude.setdefault(fid, set()).add(text)
        m = FaqMatcher(corpus.faqs, params, embed, exclude_texts=exclude)
        for text, fid in fold:
            cols, _ = m.features(text)
            rows.append((np.stack([cols[f] for f in features], 1), fid, k))
    m = FaqMatcher(corpus.faqs, params, embed)
    for text, fid in extra:
        cols, _ = m.features(text)
        rows.append((np.stack([cols[f] for f in features], 1), fid, -1))
    return ids, rows


def fit(rows, ids, candidates: int = 20) -> LogisticRegression:
    """Pairwise training: the gold entry vs the strongest competitors of each question."""
    X, y = [], []
    for feats, fid, _ in rows:
        if fid is None:
            continue
        gold = ids.index(fid)
        for j in set(np.argsort(-feats.sum(1))[:candidates]) | {gold}:
            X.append(feats[j])
            y.append(int(j == gold))
    return LogisticRegression(C=1.0, max_iter=2000).fit(np.array(X), np.array(y))


def predictions(rows, ids):
    """Out-of-sample (probability, top id, gold, group) per question."""
    out = []
    for k in range(FOLDS):
        model = fit([r for r in rows if r[2] not in (k, -1)], ids)
        out += [_predict(model, r, ids, "folds") for r in rows if r[2] == k]
    model = fit([r for r in rows if r[2] != -1], ids)
    out += [_predict(model, r, ids, "extra") for r in rows if r[2] == -1]
    return model, out


def _predict(model, row, ids, group):
    feats, fid, _ = row
    p = model.predict_proba(feats)[:, 1]
    j = int(np.argmax(p))
    return float(p[j]), ids[j], fid, group


def choose_threshold(preds) -> dict:
    p = np.array([x[0] for x in preds])
    right = np.array([x[1] == x[2] for x in preds])
    gold = np.array([x[2] is not None for x in preds])
    group = np.array([x[3] for x in preds])
    best = {"balanced": -1.0}
    for t in np.arange(0.05, 0.95, 0.01):
        pos = [np.mean(right[gold & (group == g)] & (p[gold & (group == g)] >= t)) for g in ("folds", "extra")]
        neg = float(np.mean(p[~gold] < t))
        bal = (float(np.mean(pos)) + neg) / 2
        if bal > best["balanced"]:
            best = {"balanced": round(bal, 4), "threshold": round(float(t), 2), "pos_folds": round(float(pos[0]), 4),
                    "pos_extra": round(float(pos[1]), 4), "neg_abstain": round(neg, 4)}
    best["top1_folds"] = round(float(np.mean(right[gold & (group == "folds")])), 4)
    best["top1_extra"] = round(float(np.mean(right[gold & (group == "extra")])), 4)
    return best


def calibrate(corpus, features, embed, folds, extra) -> dict:
    ids, rows = feature_rows(corpus, features, embed, folds, extra)
    model, preds = predictions(rows, ids)
    stats = choose_threshold(preds)
    entry = {"features": list(features), "coef": [round(float(c), 5) for c in model.coef_[0]],
             "intercept": round(float(model.intercept_[0]), 5), "threshold": stats["threshold"],
             "suggest_threshold": round(max(0.05, stats["threshold"] - 0.15), 2),
             "_heldout": {**stats, "questions_folds": sum(r[2] != -1 for r in rows),
                          "extra_positives": sum(r[2] == -1 and r[1] is not None for r in rows),
                          "extra_negatives": sum(r[1] is None for r in rows)}}
    print(json.dumps(entry, ensure_ascii=False))
    return entry


def best_of(corpus, feature_sets, embed, folds, extra) -> dict:
    """The feature set with the best held-out balanced accuracy."""
    entries = [calibrate(corpus, fs, embed, folds, extra) for fs in feature_sets]
    return max(entries, key=lambda e: e["_heldout"]["balanced"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lexical", action="store_true", help="only the lexical-only entry")
    args = ap.parse_args()
    settings = Settings()
    corpus = load_corpus(settings.corpus_dir)
    extra = [(d["question"], d["faq_id"]) for d in map(json.loads, DATA.read_text(encoding="utf-8").splitlines()) if d]
    folds = fold_sets(corpus)
    table = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8")) if CALIBRATION_FILE.exists() else {}
    table["lexical"] = best_of(corpus, [FEATURES_LEXICAL, (*FEATURES_LEXICAL, "lex_doc")], None, folds, extra)
    if not args.lexical:
        emb = build_embedder("e5", threads=settings.embedding_threads, cache_dir=settings.embed_cache_dir)
        memo: dict[tuple[str, str], np.ndarray] = {}

        def embed(texts, role):
            todo = [t for t in texts if (t, role) not in memo]
            if todo:
                memo.update({(t, role): v for t, v in zip(todo, emb.embed(todo, role))})
            return np.stack([memo[(t, role)] for t in texts])

        entry = best_of(corpus, [FEATURES_DENSE, (*FEATURES_DENSE, "lex_doc"), (*FEATURES_DENSE, "dense_mean"),
                                 (*FEATURES_DENSE, "lex_doc", "dense_mean")], embed, folds, extra)
        benign = embed([normalize(x) for e in corpus.faqs for x in [e.question, *e.similar]]
                       + [normalize(q) for q, _ in extra], "query")
        benign_max = float((benign @ emb.embed(ATTACK_EXEMPLARS, "query").T).max())
        entry["guard_similarity"] = round(min(0.99, benign_max + 0.02), 3)
        entry["_heldout"]["guard_benign_max"] = round(benign_max, 4)
        print(f"guard similarity threshold {entry['guard_similarity']} (max benign {benign_max:.3f})")
        table[emb.model_id] = entry
    CALIBRATION_FILE.write_text(json.dumps(table, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
