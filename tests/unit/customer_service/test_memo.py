"""The turn memos: a repeated question reuses the FAQ hits and KB passages, a new index does not."""

from types import SimpleNamespace

from agents.customer_service.memo import MemoKB, MemoMatcher
from agents.customer_service.retrieval import search


class _Matcher:
    uses_dense = True
    calls = 0

    def match(self, query, vec=None, k=3):
        type(self).calls += 1
        return [SimpleNamespace(faq_id=f"faq_{query}", score=0.9)]


def test_match_results_are_memoised_by_query_and_vector_presence():
    m = MemoMatcher(_Matcher(), size=8)
    first = m.match("卡丢了", [0.1], k=3)
    again = m.match("卡丢了", [0.2], k=3)  # same text: the vector is the same function of it
    assert again == first and again is not first and _Matcher.calls == 1 and m.uses_dense
    m.match("卡丢了", None, k=3)  # lexical-only (no vector) is another result
    m.match("卡丢了", [0.1], k=1)
    assert _Matcher.calls == 3 and (m.memo.hits, m.memo.misses) == (1, 3)


class _KB:
    def __init__(self):
        self.retriever = SimpleNamespace(snapshot=SimpleNamespace(lexical=SimpleNamespace(generation="g1")))
        self.calls = 0

    def search(self, query, k=5):
        self.calls += 1
        return [SimpleNamespace(text=f"{query}:{self.retriever.snapshot.lexical.generation}")]


def test_kb_searches_are_memoised_until_the_index_changes():
    kb = _KB()
    memo = MemoKB(kb, size=8)
    assert search(memo, "保管箱", 5) == search(memo, "保管箱", 5) and kb.calls == 1
    kb.retriever.snapshot = SimpleNamespace(lexical=SimpleNamespace(generation="g2"))  # an ingest happened
    assert search(memo, "保管箱", 5)[0].text == "保管箱:g2" and kb.calls == 2
