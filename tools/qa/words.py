"""jieba words with their character offsets, shared by the clause classifier and the evidence span model."""

from __future__ import annotations

import logging
from functools import lru_cache

import jieba


@lru_cache(maxsize=1)
def _jieba_ready() -> bool:
    """jieba builds its prefix dictionary on first use (about a second), never at import time."""
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return True


def words(text: str) -> list[tuple[str, int, int]]:
    """Every jieba word of ``text`` (blanks included) with its start and end offsets."""
    _jieba_ready()
    out, pos = [], 0
    for w in jieba.lcut(text):
        out.append((w, pos, pos + len(w)))
        pos += len(w)
    return out
