"""Per-process memos of a turn's pure lookups, keyed by the (normalised, masked) query text: the FAQ
matcher's hits and the KB passages. Customers ask the same questions again and again; after the
query-vector memo (kb/retrieval/embeddings/base.py), FAQ matching (~8 ms) and KB retrieval (~11 ms)
were most of a warm turn's graph time (bench/cs_profile.py, bench/cs_load.py).

Both are functions of the text alone while the corpus and the index stay the same: the matcher is
built once per process from the corpus, and the KB key includes the index generation, so an ingest
starts a fresh entry. Bounded LRU (``size`` entries each, 0 = off); the answer policy is untouched.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class Lru:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


class MemoMatcher:
    """A FaqMatcher whose ``match`` results are memoised by (query, k, whether a vector was given)."""

    def __init__(self, matcher: Any, size: int):
        self.matcher, self.memo = matcher, Lru(size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.matcher, name)

    def match(self, query: str, query_vec: Any = None, k: int = 3) -> list:
        hits = self.memo.get_or_compute((query, k, query_vec is None), lambda: self.matcher.match(query, query_vec, k))
        return list(hits)


class MemoKB:
    """The knowledge base with its searches memoised (agents/customer_service/retrieval.py asks it)."""

    def __init__(self, kb: Any, size: int):
        self.kb, self.memo = kb, Lru(size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.kb, name)

    def memoized(self, query: str, k: int, with_vector: bool, compute: Callable[[], list]) -> list:
        snap = getattr(getattr(self.kb, "retriever", None), "snapshot", None)
        generation = getattr(getattr(snap, "lexical", None), "generation", None) if snap is not None else None
        return list(self.memo.get_or_compute((generation, id(snap), query, k, with_vector), compute))
