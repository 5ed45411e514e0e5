"""External benchmark: UnionPay 95516 FAQ paraphrase retrieval through the product's knowledge base.

The index holds the 745 standard questions with their answers (no user question); the cases are the
user questions, shuffled with seed 0, the first 1,000 (``--limit`` takes fewer). A case hits when the
FAQ entry of its label comes back first (hit@1) or in the top 5 (hit@5, the pass criterion); MRR over
the top 10. The same data, index and queries as ``bench/unionpay_faq.py`` (both use the loader and
index builder in eval/unionpay.py), with the project's configured embedder (``ctx.services.embedder``). Searching goes through ``kb.service.KnowledgeBase`` opened on the
temporary index, and each query is ranked once per retriever mode from one candidate retrieval:

- ``hybrid``: the product's default fusion (what ``KnowledgeBase.search`` returns);
- ``dense``: e5 only; ``bm25``: the lexical index only; ``rrf``: reciprocal-rank fusion of both.

User questions identical to their standard question (after normalisation) are tagged ``verbatim``
(the rest ``paraphrase``), so the report can tell easy copies from real paraphrases.
Data: ``<shared_data_dir>/bank_qa/unionpay_faq`` (no licence stated: read in place, never copied).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.metrics.retrieval import hit_at_k, reciprocal_rank
from eval.schema import EvalCase
from eval.suite import CaseResult, Outcome, Suite
from eval.unionpay import CSV_PATH, benchmark_order, build_index, load
from kb.service import KnowledgeBase
from kb.textnorm import normalize

MODES = ("hybrid", "dense", "bm25", "rrf")
QUERIES = 1000
COLLECTION = "eval-unionpay"


def faq_id(label_id: str) -> str:
    return f"faq_up_{label_id}"


@dataclass
class UnionPayIndex:
    """The system under test: a KnowledgeBase on a temporary index (deleted with this object)."""

    kb: Any
    tmp: tempfile.TemporaryDirectory = field(repr=False)

    def ranked(self, query: str, k: int = 10) -> dict[str, list[str]]:
        """FAQ ids ranked by every mode, from one dense + one lexical candidate retrieval."""
        retriever = self.kb.retriever
        text = normalize(query).strip()
        dense, lexical = retriever.candidates(text, k)
        runs = {"hybrid": retriever.rank(dense, lexical, k), "dense": retriever.rank(dense, {}, k, "dense"),
                "bm25": retriever.rank({}, lexical, k, "lexical"), "rrf": retriever.rank(dense, lexical, k, "rrf")}
        return {mode: [p.faq_id or p.doc_id for p in passages] for mode, passages in runs.items()}


class UnionPaySuite(Suite):
    name = "external_unionpay"
    dataset = ""
    description = "UnionPay FAQ: 1,000 user paraphrases → 745 standard questions (hit@1/5, MRR@10 per retriever mode)"
    fast = False

    def _csv(self, ctx) -> Path:
        return Path(ctx.shared_data_dir) / CSV_PATH

    def available(self, ctx) -> str | None:
        if not self._csv(ctx).is_file():
            return (f"UnionPay FAQ data not found at {self._csv(ctx)} (public datasets live in "
                    "../shared/data; set PUHUI_SHARED_DATA_DIR)")
        return None

    def load_cases(self, ctx) -> list[EvalCase]:
        rows, _ = load(self._csv(ctx))
        cases = []
        for r in benchmark_order(rows)[:QUERIES]:
            verbatim = normalize(r["question"]).strip() == normalize(r["label_std_question"]).strip()
            cases.append(EvalCase(
                id=f"up-{int(r['question_id']):05d}", input={"query": r["question"]},
                expected={"doc_id": faq_id(r["label_id"]), "standard_question": r["label_std_question"]},
                tags={"category": "verbatim" if verbatim else "paraphrase", "difficulty": "normal",
                      "variant": "standard", "subject": r["subject"]}))
        return cases

    def setup(self, ctx) -> UnionPayIndex:
        _, labels = load(self._csv(ctx))
        tmp = tempfile.TemporaryDirectory(prefix="eval-unionpay-")
        embedder = ctx.services.embedder
        build_index(Path(tmp.name), labels, {}, True, embedder=embedder, collection=COLLECTION)
        kb = KnowledgeBase(index_dir=Path(tmp.name), embedder=embedder, collection=COLLECTION)
        return UnionPayIndex(kb, tmp)

    def run_case(self, case: EvalCase, index: UnionPayIndex) -> Outcome:
        ranked = index.ranked(case.input["query"])
        gold = case.expected["doc_id"]
        scores = {}
        for mode in MODES:
            scores[f"{mode}.hit@1"] = hit_at_k(ranked[mode], gold, 1)
            scores[f"{mode}.hit@5"] = hit_at_k(ranked[mode], gold, 5)
            scores[f"{mode}.mrr@10"] = reciprocal_rank(ranked[mode], gold, 10)
        return Outcome(passed=scores["hybrid.hit@5"] == 1.0, scores=scores,
                       output={"query": case.input["query"], "ranked": {m: r[:5] for m, r in ranked.items()}},
                       trace=["normalize", "dense + bm25 candidates", "rank per mode", "collapse per faq_id"])

    def summarize(self, results: list[CaseResult]) -> dict[str, float]:
        """The base means (one per mode and metric) plus the hybrid figures on real paraphrases only."""
        out = super().summarize(results)
        para = [r for r in results if r.tags.get("category") == "paraphrase" and r.error is None]
        out["paraphrase.queries"] = float(len(para))
        for metric in ("hit@1", "hit@5", "mrr@10"):
            vals = [r.scores[f"hybrid.{metric}"] for r in para]
            out[f"paraphrase.hybrid.{metric}"] = sum(vals) / len(vals) if vals else 0.0
        return out

    ungated = frozenset({"latency_p50_ms", "latency_p95_ms", "paraphrase.queries"})


SUITES = [UnionPaySuite]
