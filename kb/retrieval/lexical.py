"""BM25 (bm25s) over Chinese text, tokenised as character n-grams or jieba words.

Why two tokenisers: customer questions are short and colloquial ("卡被吞了咋办"), and jieba often
segments them differently from the standard question, so exact word matches are lost; character
uni+bi-grams match partial overlaps; ``char`` is the default (figures: README, "Retrieval ablations").
Every letter, digit or CJK character is a token and every adjacent pair within a phrase (no
punctuation between) a bigram.

The index is a pure function of the chunk table, rebuilt at the end of each ingest (about a second
for 10k chunks) and saved next to the vector index with the *generation* (a hash of the chunk ids)
it was built from; a stale or missing copy is simply rebuilt.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import uuid
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

import bm25s
import jieba
import numpy as np

from kb.textnorm import normalize

Tokenizer = Literal["char", "word"]
_SEGMENT = re.compile(r"[^\W_]+", re.UNICODE)


def char_tokens(text: str) -> list[str]:
    """Character unigrams and adjacent bigrams within each phrase."""
    out: list[str] = []
    for seg in _SEGMENT.findall(normalize(text).lower()):
        out.extend(seg)
        out.extend(a + b for a, b in zip(seg, seg[1:]))
    return out


@lru_cache(maxsize=1)
def _jieba():
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def word_tokens(text: str) -> list[str]:
    """jieba search-mode words (overlapping sub-words included), punctuation dropped."""
    return [w for w in _jieba().lcut_for_search(normalize(text).lower()) if _SEGMENT.search(w)]


TOKENIZERS = {"char": char_tokens, "word": word_tokens}


class LexicalIndex:
    """BM25 over a fixed list of (id, text). ``scores`` is exact over every document."""

    def __init__(self, tokenizer: Tokenizer = "char", k1: float = 1.2, b: float = 0.75) -> None:
        if tokenizer not in TOKENIZERS:
            raise ValueError(f"tokenizer must be one of {sorted(TOKENIZERS)}")
        self.tokenizer, self.k1, self.b = tokenizer, k1, b
        self.ids: list[str] = []
        self.generation = ""
        self._bm25 = None

    def tokenize(self, text: str) -> list[str]:
        return TOKENIZERS[self.tokenizer](text)

    def build(self, ids: Sequence[str], texts: Sequence[str], generation: str = "") -> "LexicalIndex":
        self.ids, self.generation = list(ids), generation
        self._bm25 = None
        if self.ids:
            bm = bm25s.BM25(k1=self.k1, b=self.b)
            bm.index([self.tokenize(t) or [""] for t in texts], show_progress=False)
            self._bm25 = bm
        return self

    def scores(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every document (0 where ``mask`` is 0 or nothing matches)."""
        out = np.zeros(len(self.ids), dtype=np.float32)
        if self._bm25 is None:
            return out
        vocab = self._bm25.vocab_dict
        tokens = [t for t in self.tokenize(query) if t in vocab]
        if not tokens:
            return out
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
        return scores * mask if mask is not None else scores

    # ---- persistence ----------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write to ``folder`` atomically: a uniquely named temp folder is renamed into place, so a
        reader never sees half a file and two writers (an ingest and a reloading server) never mix."""
        folder = Path(folder)
        tag = uuid.uuid4().hex[:12]
        tmp = folder.with_name(f"{folder.name}.tmp-{tag}")
        old = folder.with_name(f"{folder.name}.old-{tag}")
        tmp.mkdir(parents=True)
        try:
            if self._bm25 is not None:
                self._bm25.save(str(tmp / "bm25"), show_progress=False)
            meta = {"tokenizer": self.tokenizer, "k1": self.k1, "b": self.b, "generation": self.generation,
                    "ids": self.ids}
            (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            try:
                folder.rename(old)
            except FileNotFoundError:
                pass
            tmp.rename(folder)
        except OSError:
            if not folder.exists():  # lost a race and nothing is in place: surface it
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex | None":
        """The saved index, or None when absent or unreadable (the caller rebuilds)."""
        try:
            meta = json.loads((Path(folder) / "meta.json").read_text(encoding="utf-8"))
            idx = cls(meta["tokenizer"], meta["k1"], meta["b"])
            idx.ids, idx.generation = list(meta["ids"]), meta["generation"]
            if idx.ids:
                idx._bm25 = bm25s.BM25.load(str(Path(folder) / "bm25"), show_progress=False)
            return idx
        except (OSError, ValueError, KeyError):
            return None
