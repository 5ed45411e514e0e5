"""First-stage candidates of an FAQ index with the raw scores a second-stage ranker reads.

The candidates are the product's hybrid retriever's top ``k`` FAQ entries, computed exactly as
``bench/unionpay_faq.py`` scores its default (``dense``/``lexical`` with the retriever's own candidate
count, then ``rank`` with the default weighted fusion), so the first-stage order *is* the product's
order. For each candidate the ranker then gets scores of both records of the entry (standard question,
answer): BM25 over characters and over jieba words (both exact over the index) and the cosine of
*raw* e5 vectors (``raw``). Raw and not adapted, because the shipped adapter was trained on the ATEC
and BQ same-intent pairs, the very pairs a ranker is trained on here: in the adapted space those pairs
look closer than unseen ones would, and a ranker would learn to over-trust the cosine.
"""

from __future__ import annotations

import math

import numpy as np

from eval.rerank_features import Candidate, QueryView
from kb.retrieval.embeddings import Embedder
from kb.retrieval.retrieve import HybridRetriever, Snapshot
from kb.store import ChromaStore
from kb.textnorm import normalize


class CandidateSource:
    """One FAQ index (``build_index``'s store and char/word snapshots) as ranker input."""

    def __init__(self, store: ChromaStore, snaps: dict[str, Snapshot], raw: Embedder) -> None:
        self.snaps, self.raw = snaps, raw
        self.retriever = HybridRetriever(store, store.embedder, snaps["char"])  # the product's defaults
        chunks = snaps["char"].chunks
        records: dict[str, dict[str, str]] = {}
        self.category: dict[str, str | None] = {}
        for cid, c in chunks.items():
            if c.faq_id and c.kind in ("standard", "answer"):
                records.setdefault(c.faq_id, {})[c.kind] = cid
                self.category[c.faq_id] = c.section or None
        self.question = {f: chunks[r["standard"]].text for f, r in records.items()}
        self.row = {f: i for i, f in enumerate(records)}
        pos = {tok: {cid: i for i, cid in enumerate(s.lexical.ids)} for tok, s in snaps.items()}
        # per entry: positions of its question / answer record in each lexical index (-1 = none)
        self.lex_pos = {tok: np.array([[p[r["standard"]], p[r["answer"]] if "answer" in r else -1]
                                       for r in records.values()]) for tok, p in pos.items()}
        q_texts = [chunks[r["standard"]].search_text for r in records.values()]
        self.q_vecs = raw.embed(q_texts, "query") if q_texts else np.zeros((0, 0), np.float32)
        with_answer = [i for i, r in enumerate(records.values()) if "answer" in r]
        self.a_vecs = np.full((len(records), self.q_vecs.shape[1] if len(records) else 0), np.nan, np.float32)
        if with_answer:
            a_texts = [chunks[list(records.values())[i]["answer"]].search_text for i in with_answer]
            self.a_vecs[with_answer] = raw.embed(a_texts, "passage")

    def first_stage(self, text: str, k: int, exclude: str | None = None) -> tuple[str, list[tuple[str, float]]]:
        """The normalised query and the product's top-``k`` (faq_id, fused score), best first;
        ``exclude`` drops one entry (a pair set's query is itself in the pool)."""
        q = normalize(text).strip()
        r = self.retriever
        dense, lexical = r.dense(q, r.n_candidates), r.lexical(q, r.n_candidates)
        passages = r.rank(dense, lexical, k + (1 if exclude else 0))
        return q, [(p.faq_id, p.score) for p in passages if p.faq_id and p.faq_id != exclude][:k]

    def view(self, q: str, first: list[tuple[str, float]]) -> QueryView:
        """The ranker's raw scores for the first-stage candidates of the normalised query ``q``."""
        if not first:
            return QueryView(q, [])
        lex = {tok: s.lexical.scores(q) for tok, s in self.snaps.items()}
        vec = self.raw.embed_one(q, "query")
        rows = np.array([self.row[f] for f, _ in first])
        dense_q = self.q_vecs[rows] @ vec
        dense_a = self.a_vecs[rows] @ vec  # NaN rows stay NaN
        out = []
        for j, (fid, fused) in enumerate(first):
            scores = {}
            for tok, arr in lex.items():
                iq, ia = self.lex_pos[tok][rows[j]]
                scores[tok] = (float(arr[iq]), float(arr[ia]) if ia >= 0 else math.nan)
            out.append(Candidate(faq_id=fid, question=self.question[fid], fused=fused,
                                 dense_q=float(dense_q[j]), dense_a=float(dense_a[j]),
                                 char_q=scores["char"][0], char_a=scores["char"][1],
                                 word_q=scores["word"][0], word_a=scores["word"][1],
                                 category=self.category.get(fid)))
        return QueryView(q, out)
