"""Lexical similarity of two short questions: the baselines the embedding model has to beat.

- ``char_jaccard``: overlap of character bigrams (unigrams for one-character texts). Chinese has no
  spaces, so bigrams stand in for words; no dictionary, no statistics.
- ``Bm25Pairs``: BM25 over jieba words with IDF and average length fitted on a corpus of questions
  (the calibration half, never the pairs being scored), made symmetric and scale-free:
  ``sim(a, b) = ½·(bm25(a→b)/bm25(b→b) + bm25(b→a)/bm25(a→a))``, 1.0 for identical texts.

Texts are normalised with kb.textnorm first (traditional → simplified, full-width → half-width), the
same as the knowledge base does for queries.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import jieba

from kb.textnorm import normalize

_KEEP = re.compile(r"[\w\u4e00-\u9fff]")


def clean_text(text: str) -> str:
    """Normalised, lower-cased, letters/digits/CJK only (what the lexical similarities compare)."""
    return "".join(ch for ch in normalize(text).lower() if _KEEP.match(ch))


def char_bigrams(text: str) -> set[str]:
    chars = clean_text(text)
    if len(chars) < 2:
        return set(chars)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def char_jaccard(a: str, b: str) -> float:
    """|bigrams(a) ∩ bigrams(b)| / |bigrams(a) ∪ bigrams(b)|; 0.0 when both are empty."""
    x, y = char_bigrams(a), char_bigrams(b)
    union = x | y
    return len(x & y) / len(union) if union else 0.0


@lru_cache(maxsize=1)
def _jieba():
    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" chatter is not a result
    return jieba


def words(text: str) -> list[str]:
    """jieba words of the normalised text, punctuation and spaces dropped."""
    return [w for w in _jieba().lcut(normalize(text).lower()) if _KEEP.search(w)]


class Bm25Pairs:
    """BM25 statistics of a question corpus, used to score pairs symmetrically."""

    def __init__(self, corpus: Iterable[str], k1: float = 1.2, b: float = 0.75):
        docs = [words(t) for t in corpus]
        if not docs:
            raise ValueError("BM25 needs a non-empty corpus to fit IDF")
        self.k1, self.b = k1, b
        self.n = len(docs)
        self.avgdl = sum(len(d) for d in docs) / self.n or 1.0
        df = Counter(w for d in docs for w in set(d))
        self._idf = {w: math.log(1 + (self.n - c + 0.5) / (c + 0.5)) for w, c in df.items()}
        self._unseen = math.log(1 + (self.n + 0.5) / 0.5)  # a word absent from the corpus: df = 0

    def idf(self, word: str) -> float:
        return self._idf.get(word, self._unseen)

    def score(self, query: list[str], doc: list[str]) -> float:
        tf = Counter(doc)
        norm = self.k1 * (1 - self.b + self.b * len(doc) / self.avgdl)
        return sum(self.idf(w) * tf[w] * (self.k1 + 1) / (tf[w] + norm) for w in set(query) if w in tf)

    def similarity(self, a: str, b: str) -> float:
        wa, wb = words(a), words(b)
        self_a, self_b = self.score(wa, wa), self.score(wb, wb)
        if not self_a or not self_b:
            return 0.0
        return 0.5 * (self.score(wa, wb) / self_b + self.score(wb, wa) / self_a)
