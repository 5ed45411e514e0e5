"""The UnionPay suite on a tiny CSV shaped like the real one, through the real index and KB code
(Chroma, manifest, BM25, KnowledgeBase) with a small deterministic embedder instead of e5."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from chromadb.utils.embedding_functions import register_embedding_function

from eval.pair_similarity import char_bigrams
from eval.run import EvalContext, run_all
from eval.suites.external_unionpay import UnionPaySuite
from eval.unionpay import CSV_PATH as CSV
from kb.retrieval.embeddings.base import Embedder

pytest.importorskip("bench.unionpay_faq")


@register_embedding_function
class BigramTestEmbedder(Embedder):
    """Hashed character-bigram counts: paraphrases sharing words land close, fast and offline."""

    provider = "test"

    @property
    def model_id(self) -> str:
        return "test-bigram-128"

    @property
    def slug(self) -> str:
        return "testbigram"

    def _embed_batch(self, texts: list[str], role) -> np.ndarray:
        out = np.zeros((len(texts), 128), dtype=np.float32)
        for i, t in enumerate(texts):
            for g in char_bigrams(t):
                out[i, sum(ord(ch) * 31 ** k for k, ch in enumerate(g)) % 128] += 1
            out[i, 0] += 1e-3  # never an all-zero vector
        return out

    @staticmethod
    def name() -> str:
        return "puhui-test-bigram"

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "BigramTestEmbedder":
        return BigramTestEmbedder()


STANDARD = {  # label_id -> (standard question, answer)
    "0": ("什么是IC卡闪付？", "闪付是银联金融IC卡的一种快捷交易方式，靠近POS机感应区即可完成支付。"),
    "1": ("刷卡消费没有打印签购单怎么办？", "请商户在原POS机上重打印签购单，核对金额和卡号后签名。"),
    "2": ("境外取现手续费是多少？", "境外ATM取现手续费以发卡行公布的标准为准，一般每笔收取固定费用。"),
    "3": ("如何查询一笔交易信息？", "请准备卡号、交易时间和金额，致电客服热线查询交易明细。"),
}
USER = [  # (question, label_id)
    ("IC卡闪付是什么", "0"), ("闪付怎么用", "0"), ("刷卡后签购单没打出来", "1"), ("签购单没有打印出来钱扣了", "1"),
    ("在国外ATM取钱收多少手续费", "2"), ("境外取现手续费是多少？", "2"), ("帮我查一下一笔交易", "3"), ("交易信息怎么查询", "3"),
]


def write_csv(root: Path) -> Path:
    path = root / CSV
    path.parent.mkdir(parents=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["question_id", "question", "answer_id", "answer", "label_id", "label_std_question",
                    "subject_id", "subject"])
        for qid, (q, lid) in enumerate(USER):
            std, ans = STANDARD[lid]
            w.writerow([qid, q, lid, ans, lid, std, "0", "测试_FAQ"])
    return root


class Services:
    def __init__(self):
        self.embedder = BigramTestEmbedder(batch_size=16)


def test_skips_with_a_reason_when_data_absent(tmp_path):
    ctx = EvalContext(services=None, llm_mode="none", shared_data_dir=tmp_path)
    reason = UnionPaySuite().available(ctx)
    assert reason and "unionpay_faq_pairs.csv" in reason


def test_cases_are_the_seeded_user_questions_with_verbatim_tagged(tmp_path):
    ctx = EvalContext(services=None, llm_mode="none", shared_data_dir=write_csv(tmp_path))
    cases = UnionPaySuite().load_cases(ctx)
    assert len(cases) == len(USER) and [c.id for c in cases] == [c.id for c in UnionPaySuite().load_cases(ctx)]
    by_query = {c.input["query"]: c for c in cases}
    assert by_query["境外取现手续费是多少？"].tags.category == "verbatim"
    assert by_query["闪付怎么用"].tags.category == "paraphrase"
    assert by_query["闪付怎么用"].expected["doc_id"] == "faq_up_0"


def test_run_scores_every_retriever_mode_through_the_knowledge_base(tmp_path):
    ctx = EvalContext(services=Services(), llm_mode="none", shared_data_dir=write_csv(tmp_path / "shared"))
    run = run_all([UnionPaySuite()], ctx, tmp_path / "run")
    entry = run["suites"]["external_unionpay"]
    assert entry["status"] == "ok" and entry["cases"] == len(USER) and entry["errors"] == 0
    s = entry["summary"]
    for mode in ("hybrid", "dense", "bm25", "rrf"):
        assert 0.0 <= s[f"{mode}.hit@1"] <= s[f"{mode}.hit@5"] <= 1.0
        assert s[f"{mode}.hit@1"] <= s[f"{mode}.mrr@10"] <= s[f"{mode}.hit@5"]
    # four FAQ entries only: everything is in the top 5, and the verbatim query is found first
    assert s["hybrid.hit@5"] == 1.0 and s["pass_rate"] == 1.0
    assert s["paraphrase.queries"] == len(USER) - 1
    lines = (tmp_path / "run/external_unionpay/results.jsonl").read_text(encoding="utf-8").splitlines()
    verbatim = next(r for r in lines if "境外取现手续费是多少" in r)
    assert '"hybrid.hit@1":1.0' in verbatim
