"""Standard-question matching: a customer message → the FAQ entry it asks, with a calibrated probability.

For every FAQ entry several similarities are measured (the entry keeps its best question text):

* ``dense_q``  — e5 cosine, ``query:`` on both sides, message vs the standard and similar questions
  (symmetric question↔question matching, as the model card prescribes);
* ``lex_q``    — TF-IDF cosine over character 1–3-grams, message vs those questions (typos and short
  colloquial questions still share most characters);
* ``dense_a``  — e5 cosine, ``query:`` message vs ``passage:`` approved answer;
* ``lex_a``    — TF-IDF cosine, message vs question + answer;
* ``lex_doc``  — TF-IDF cosine, message vs the entry as one document (all its questions + answer);
* ``dense_mean`` — e5 cosine to the centroid of the entry's question vectors
  (``dense_std``/``lex_std``, the standard question alone, are available to the calibration too).

Which features are used is chosen by the calibration (held-out balanced accuracy). A logistic regression over these features (learned by bench/cs_calibrate.py on held-out folds of the
corpus's own similar questions) turns them into the probability that the entry is the one asked; the
answer threshold is calibrated on held-out data too. Both live in calibration.json beside this file,
per embedder, with a lexical-only entry (``lex_q``, ``lex_a``) for when no embedder is available.
Colloquial words are mapped to their standard forms before the lexical features (咋→怎么, 公户→对公账户).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from agents.customer_service.schemas import FaqHit
from kb.schema import FaqEntry
from kb.textnorm import normalize

CALIBRATION_FILE = Path(__file__).parent / "data" / "calibration.json"
FEATURES_DENSE = ("dense_q", "lex_q", "dense_a", "lex_a")
FEATURES_LEXICAL = ("lex_q", "lex_a")
_STRIP = re.compile(r"[\W_]+", re.UNICODE)
#: colloquial or variant wording → the form the FAQ corpus uses (lexical features only)
COLLOQUIAL: tuple[tuple[str, str], ...] = (
    ("咋整", "怎么办"), ("咋办", "怎么办"), ("咋弄", "怎么办"), ("咋", "怎么"), ("啥", "什么"), ("帐", "账"),
    ("能不能", "能"), ("可不可以", "可以"), ("要不要", "要"), ("有没有", "有"), ("是不是", "是"), ("多长时间", "多久"),
    ("多少钱", "费用"), ("收费", "费用"), ("手续费", "费用"), ("对公户", "对公账户"), ("公户", "对公账户"),
    ("二类卡", "II类账户"), ("二类户", "II类账户"), ("一类卡", "I类账户"), ("app", "手机银行"),
)
EmbedFn = Callable[[list[str], str], np.ndarray]  # (texts, role "query"|"passage") → (n, d) normalised


def clean(text: str) -> str:
    text = normalize(text).lower()
    for a, b in COLLOQUIAL:
        text = text.replace(a, b)
    return _STRIP.sub("", text)


@dataclass(frozen=True)
class MatchParams:
    """Fusion weights and thresholds (see calibration.json)."""

    features: tuple[str, ...] = FEATURES_LEXICAL
    coef: tuple[float, ...] = (6.0, 6.0)
    intercept: float = -5.0
    threshold: float = 0.5  # answer verbatim at or above this probability
    suggest_threshold: float = 0.3  # a near miss below threshold (recorded as low confidence)
    guard_similarity: float = 0.95  # tools/cs/guard.py: cosine to a known attack exemplar that flags a message
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def dense(self) -> bool:
        return any(f.startswith("dense") for f in self.features)


def load_params(embedder_id: str | None, path: Path = CALIBRATION_FILE) -> MatchParams:
    """Calibrated parameters for this embedder, else the lexical-only ones, else defaults."""
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return MatchParams()
    entry = (table.get(embedder_id) if embedder_id else None) or table.get("lexical")
    return params_from_entry(entry) if entry else MatchParams()


def with_threshold(params: MatchParams, threshold: float) -> MatchParams:
    """The same calibrated fusion with another verbatim threshold (the suggestion floor stays at or below
    it): a threshold chosen for a precision floor on one FAQ (eval/self_service.py, ``puhui kb calibrate``)."""
    return dataclasses.replace(params, threshold=threshold, suggest_threshold=min(params.suggest_threshold, threshold))


def params_from_entry(entry: dict) -> MatchParams:
    return MatchParams(features=tuple(entry["features"]), coef=tuple(float(c) for c in entry["coef"]),
                       intercept=float(entry["intercept"]), threshold=float(entry["threshold"]),
                       suggest_threshold=float(entry.get("suggest_threshold", entry["threshold"] - 0.15)),
                       guard_similarity=float(entry.get("guard_similarity", 0.95)))


class FaqMatcher:
    """Scores messages against the FAQ corpus. Build once per process; ``match`` is thread-safe."""

    def __init__(self, faqs: Sequence[FaqEntry], params: MatchParams, embed: EmbedFn | None = None,
                 exclude_texts: dict[str, set[str]] | None = None):
        """``exclude_texts`` (faq id → texts) leaves texts out, for held-out calibration."""
        self.params = params if (embed is not None or not params.dense) else MatchParams()
        self.entries = list(faqs)
        self.by_id = {e.id: e for e in self.entries}
        self.texts: list[str] = []
        owner: list[int] = []
        for i, e in enumerate(self.entries):
            skip = (exclude_texts or {}).get(e.id, set())
            for t in [e.question, *e.similar]:
                if t not in skip:
                    self.texts.append(t)
                    owner.append(i)
        self.owner = np.asarray(owner)
        if not self.entries:  # replace mode whose import is empty or gone: nothing matches, nothing to fit
            self.embed, self.q_dense, self.a_dense = None, None, None
            return
        docs = ["".join(self.texts[j] for j in np.flatnonzero(self.owner == i)) + e.answer
                for i, e in enumerate(self.entries)]
        q_texts = [clean(t) for t in self.texts]
        a_texts = [clean(e.question + e.answer) for e in self.entries]
        d_texts = [clean(d) for d in docs]
        # one vocabulary and IDF for the three lexical views: one transform per query, not three
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        self.vectorizer.fit(q_texts + a_texts + d_texts)
        self.q_lex = self.vectorizer.transform(q_texts)
        self.a_lex = self.vectorizer.transform(a_texts)
        self.d_lex = self.vectorizer.transform(d_texts)
        self.embed = embed if self.params.dense else None
        self.q_dense = self.embed([normalize(t) for t in self.texts], "query") if self.embed else None
        self.std_idx = np.asarray([self.texts.index(e.question) if e.question in self.texts else -1 for e in self.entries])
        self.a_dense = self.embed([normalize(e.answer) for e in self.entries], "passage") if self.embed else None
        if self.q_dense is not None:
            cent = np.stack([self.q_dense[self.owner == i].mean(0) for i in range(len(self.entries))])
            self.centroids = cent / np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-9)

    @property
    def uses_dense(self) -> bool:
        return self.q_dense is not None

    def _best_per_entry(self, sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        best = np.full(len(self.entries), -1.0)
        arg = np.zeros(len(self.entries), dtype=int)
        order = np.argsort(sims, kind="stable")  # ascending: the highest text of an entry is written last
        best[self.owner[order]] = sims[order]
        arg[self.owner[order]] = order
        return best, arg

    def features(self, query: str, query_vec: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Per-entry feature columns, and the index of each entry's best-matching question text."""
        qv = self.vectorizer.transform([clean(query)]).T
        lex_all = (self.q_lex @ qv).toarray().ravel()
        lex_q, arg = self._best_per_entry(lex_all)
        cols = {"lex_q": lex_q, "lex_a": (self.a_lex @ qv).toarray().ravel(),
                "lex_std": np.where(self.std_idx >= 0, lex_all[self.std_idx], lex_q),
                "lex_doc": (self.d_lex @ qv).toarray().ravel()}
        if self.q_dense is not None and self.a_dense is not None:
            if query_vec is None:
                query_vec = self.embed([normalize(query)], "query")[0]  # type: ignore[misc]
            v = np.asarray(query_vec, dtype=np.float32)
            dense_q, arg_d = self._best_per_entry(self.q_dense @ v)
            cols["dense_q"], cols["dense_a"] = dense_q, self.a_dense @ v
            sims = self.q_dense @ v
            cols["dense_std"] = np.where(self.std_idx >= 0, sims[self.std_idx], dense_q)
            cols["dense_mean"] = self.centroids @ v
            arg = np.where(dense_q >= 0.9, arg_d, arg)
        return cols, arg

    def probabilities(self, cols: dict[str, np.ndarray]) -> np.ndarray:
        z = self.params.intercept + sum(c * cols[f] for f, c in zip(self.params.features, self.params.coef))
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def match(self, query: str, query_vec: np.ndarray | None = None, k: int = 3) -> list[FaqHit]:
        """The k most probable FAQ entries, best first (score = calibrated probability)."""
        if not clean(query) or not self.entries:
            return []
        cols, arg = self.features(query, query_vec)
        probs = self.probabilities(cols)
        hits = []
        for i in np.argsort(-probs)[:k]:
            e = self.entries[int(i)]
            score = float(probs[i])
            hits.append(FaqHit(faq_id=e.id, question=e.question, answer=e.answer, category=e.category,
                               score=round(score, 4) if math.isfinite(score) else 0.0, handoff=e.handoff,
                               products=e.products, disclosure=e.disclosure, matched_text=self.texts[int(arg[i])],
                               origin=e.origin))
        return hits
