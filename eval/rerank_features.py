"""Features of a second-stage FAQ ranker and its ranking groups (pure functions, no model).

Why a separate, pure module: the same features must be computed for two very different sources —
the UnionPay FAQ (a user question against the standard questions and answers the product's hybrid
retriever proposed) and the public question-pair sets (a question against other questions of its
set) — and the ranker is only worth measuring if both go through one code path. Everything here works
on already-retrieved candidate scores (``QueryView``); ``eval/rerank_candidates.py`` fills them from an
index.

Per-query normalisation: BM25 scores are divided by the best candidate's score, cosines are also given
as the gap to the best candidate, and every signal's rank among the candidates is given as a
reciprocal rank, so a model learns "how much better than the others" and not the scale of one query.
Answer-side and category features are NaN where a source has none (question pairs); the column sets
below say which model may use which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from eval.pair_similarity import clean_text, char_jaccard, words

#: question-side features: defined for a FAQ entry and for the other question of a pair alike
QUESTION_COLUMNS = ("dense_q", "dense_q_gap", "dense_q_rr", "char_q", "char_q_rr", "word_q", "word_q_rr",
                    "jac_char1", "jac_char2", "jac_word", "len_ratio", "q_len")
#: the product retriever's own score and rank (adapter space, answers included): UnionPay only
FIRST_STAGE_COLUMNS = ("fused", "fused_rr")
#: answer-side and category features: a FAQ entry has them, a pair's other question does not
ANSWER_COLUMNS = ("dense_a", "dense_a_gap", "char_a", "word_a", "cat_share")
COLUMNS = QUESTION_COLUMNS + FIRST_STAGE_COLUMNS + ANSWER_COLUMNS


@dataclass
class Candidate:
    """One candidate entry with its raw scores for one query (NaN = that side does not exist)."""

    faq_id: str
    question: str
    fused: float = math.nan  # first-stage fused score (the product's), NaN when not from the product
    dense_q: float = math.nan  # cosine of the query to the question (raw e5, query role both sides)
    dense_a: float = math.nan  # cosine to the answer record (passage role)
    char_q: float = 0.0  # BM25, character uni+bi-grams, of the question record
    char_a: float = math.nan  # BM25 char of the answer record (question + answer text)
    word_q: float = 0.0  # BM25, jieba words, of the question record
    word_a: float = math.nan
    category: str | None = None


@dataclass
class QueryView:
    """A query and its candidates in first-stage order (best first)."""

    text: str
    candidates: list[Candidate] = field(default_factory=list)


def reciprocal_ranks(values: np.ndarray) -> np.ndarray:
    """1/rank of each value among ``values`` (higher is better; ties keep input order; NaN last)."""
    keyed = np.where(np.isnan(values), -np.inf, values)
    order = np.argsort(-keyed, kind="stable")
    rr = np.empty(len(values), dtype=np.float64)
    rr[order] = 1.0 / np.arange(1, len(values) + 1)
    return rr


def _over_best(values: np.ndarray) -> np.ndarray:
    """Scores divided by the best candidate's (0 when nothing matched at all)."""
    best = np.nanmax(values) if len(values) and not np.isnan(values).all() else math.nan
    if math.isnan(best):
        return np.full(len(values), math.nan)
    return values / best if best > 0 else np.zeros(len(values))


@lru_cache(maxsize=65536)
def _text_sets(text: str) -> tuple[frozenset[str], frozenset[str], int]:
    """(characters, jieba words, cleaned length) of a candidate text: the same FAQ question is a
    candidate for many queries, so it is segmented once."""
    chars = clean_text(text)
    return frozenset(chars), frozenset(words(text)), max(len(chars), 1)


def clear_text_cache() -> None:
    """Forget the segmented texts (a latency measurement starts cold)."""
    _text_sets.cache_clear()


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _category_share(cands: list[Candidate], fused: np.ndarray, top: int = 10) -> np.ndarray:
    """Share of the top-``top`` candidates' fused mass that lies in each candidate's category:
    a question the retriever places firmly in one subject makes that subject's entries likelier."""
    if all(c.category is None for c in cands) or np.isnan(fused).all():
        return np.full(len(cands), math.nan)
    head = range(min(top, len(cands)))
    mass: dict[str | None, float] = {}
    for i in head:
        mass[cands[i].category] = mass.get(cands[i].category, 0.0) + max(float(fused[i]), 0.0)
    total = sum(mass.values())
    return np.array([mass.get(c.category, 0.0) / total if total > 0 else 0.0 for c in cands])


def features(view: QueryView) -> np.ndarray:
    """(n candidates × len(COLUMNS)) float matrix for one query, columns in ``COLUMNS`` order."""
    cands = view.candidates
    if not cands:
        return np.zeros((0, len(COLUMNS)))
    col = {name: np.array([getattr(c, name) for c in cands], dtype=np.float64)
           for name in ("fused", "dense_q", "dense_a", "char_q", "char_a", "word_q", "word_a")}
    q_chars, q_words, q_len = _text_sets(view.text)
    sets = [_text_sets(c.question) for c in cands]
    lens = np.array([s[2] for s in sets], dtype=np.float64)
    dense_best = np.nanmax(col["dense_q"]) if not np.isnan(col["dense_q"]).all() else math.nan
    dense_a_best = np.nanmax(col["dense_a"]) if not np.isnan(col["dense_a"]).all() else math.nan
    out = {
        "dense_q": col["dense_q"],
        "dense_q_gap": col["dense_q"] - dense_best,
        "dense_q_rr": reciprocal_ranks(col["dense_q"]),
        "char_q": _over_best(col["char_q"]),
        "char_q_rr": reciprocal_ranks(col["char_q"]),
        "word_q": _over_best(col["word_q"]),
        "word_q_rr": reciprocal_ranks(col["word_q"]),
        "jac_char1": np.array([_jaccard(q_chars, s[0]) for s in sets]),
        "jac_char2": np.array([char_jaccard(view.text, c.question) for c in cands]),
        "jac_word": np.array([_jaccard(q_words, s[1]) for s in sets]),
        "len_ratio": np.minimum(lens, q_len) / np.maximum(lens, q_len),
        "q_len": np.full(len(cands), math.log1p(q_len)),
        "fused": col["fused"],
        "fused_rr": np.full(len(cands), math.nan) if np.isnan(col["fused"]).all() else
        1.0 / np.arange(1, len(cands) + 1),  # candidates arrive in first-stage order
        "dense_a": col["dense_a"],
        "dense_a_gap": col["dense_a"] - dense_a_best,
        "char_a": _over_best(col["char_a"]),
        "word_a": _over_best(col["word_a"]),
        "cat_share": _category_share(cands, col["fused"]),
    }
    return np.column_stack([out[name] for name in COLUMNS])


@dataclass
class Groups:
    """Stacked ranking groups: ``X`` rows of all kept queries, ``y`` 1 for a gold candidate,
    ``sizes`` the number of rows per kept query (LightGBM's ``group``), ``kept`` the view indices."""

    X: np.ndarray
    y: np.ndarray
    sizes: list[int]
    kept: list[int]

    def split(self, scores: np.ndarray) -> list[np.ndarray]:
        """Per-group slices of a score vector aligned with ``X``."""
        bounds = np.cumsum([0, *self.sizes])
        return [scores[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def build_groups(views: list[QueryView], golds: list[set[str]], *, require_positive: bool) -> Groups:
    """One group per query. For training (``require_positive``) a query without a gold candidate
    is dropped: LambdaRank gets no gradient from it and logistic regression only more negatives."""
    if len(views) != len(golds):
        raise ValueError(f"{len(views)} views but {len(golds)} gold sets")
    xs, ys, sizes, kept = [], [], [], []
    for i, (view, gold) in enumerate(zip(views, golds)):
        labels = np.array([1.0 if c.faq_id in gold else 0.0 for c in view.candidates])
        if not len(labels) or (require_positive and not labels.any()):
            continue
        xs.append(features(view))
        ys.append(labels)
        sizes.append(len(labels))
        kept.append(i)
    if not xs:
        return Groups(np.zeros((0, len(COLUMNS))), np.zeros(0), [], [])
    return Groups(np.vstack(xs), np.concatenate(ys), sizes, kept)


def column_index(names: tuple[str, ...]) -> list[int]:
    """Positions of ``names`` in ``COLUMNS`` (a model's feature subset)."""
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise ValueError(f"unknown feature columns: {unknown}")
    return [COLUMNS.index(n) for n in names]


def gold_rank(view: QueryView, scores: np.ndarray | None, gold: set[str]) -> int | None:
    """1-based rank of the first gold entry after ordering by ``scores`` (first-stage order when
    None; ties keep first-stage order); None when no candidate is gold."""
    order = range(len(view.candidates)) if scores is None else np.argsort(-np.asarray(scores), kind="stable")
    for rank, i in enumerate(order, 1):
        if view.candidates[int(i)].faq_id in gold:
            return rank
    return None
