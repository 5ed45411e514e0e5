"""Retrieval suite: questions about industries, products, FAQ and policies → the right document.

A case: input {query, type?, industry?}; expected {doc_id} (an industry/product/policy id or an FAQ
id). Scores hit@1, hit@5, MRR@10 and nDCG@10 on the ranked document ids the product's own
KnowledgeBase.search returns (FAQ passages are identified by their faq_id).
"""

from __future__ import annotations

from typing import Any

from eval.metrics.retrieval import hit_at_k, ndcg_at_k, reciprocal_rank
from eval.schema import EvalCase
from eval.suite import Outcome, Suite


def passage_doc_id(p: Any) -> str:
    return p.faq_id or p.doc_id


class RetrievalSuite(Suite):
    name = "retrieval"
    dataset = "retrieval.jsonl"
    description = "KB hybrid search: question → expected document (hit@k, MRR, nDCG)"

    def setup(self, ctx):
        kb = ctx.services.kb
        if not kb.is_built():
            kb.ingest()
        return kb

    def run_case(self, case: EvalCase, kb) -> Outcome:
        q = case.input
        passages = kb.search(q["query"], k=10, doc_type=q.get("type"), industry=q.get("industry"))
        ranked = []
        for p in passages:  # several chunks of one document count once, at their best rank
            doc = passage_doc_id(p)
            if doc not in ranked:
                ranked.append(doc)
        expected = case.expected["doc_id"]
        scores = {
            "hit@1": hit_at_k(ranked, expected, 1),
            "hit@5": hit_at_k(ranked, expected, 5),
            "mrr@10": reciprocal_rank(ranked, expected, 10),
            "ndcg@10": ndcg_at_k(ranked, {expected}, 10),
        }
        return Outcome(passed=scores["hit@5"] == 1.0, scores=scores, output={"ranked": ranked[:5]},
                       trace=["normalize", "dense", "lexical", "fuse"])


SUITES = [RetrievalSuite]
