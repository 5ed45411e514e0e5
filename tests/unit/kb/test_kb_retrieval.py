"""Hybrid retrieval on a small fixed corpus: expected hits, filters, FAQ collapse, normalisation,
fusion functions, concurrency, and an index updated by another process."""

from __future__ import annotations

import threading

import pytest

from kb.retrieval.fusion import fuse, minmax, rrf_fusion, weighted_fusion
from kb.retrieval.lexical import LexicalIndex
from kb.service import KnowledgeBase


def _built(root, e5, write_corpus) -> KnowledgeBase:
    corpus = write_corpus(root / "corpus")
    base = KnowledgeBase(index_dir=root / "index", corpus_dir=corpus, embedder=e5, collection="test-kb")
    base.ingest()
    return base


@pytest.fixture(scope="module")
def kb(tmp_path_factory, e5, write_corpus) -> KnowledgeBase:
    """Shared by the read-only tests below."""
    return _built(tmp_path_factory.mktemp("kb"), e5, write_corpus)


CASES = [
    ("银行卡丢了怎么办", "faq_card_lost"),
    ("我的借记卡找不到了", "faq_card_lost"),
    ("公司开户要带哪些材料", "faq_open_account"),
    ("经营贷利息高吗", "faq_loan_rate"),
    ("丹阳镜片厂的应收账款回款风险", "danyang_eyewear"),
    ("紫砂泥料囤货占用资金", "yixing_teapot"),
    ("凭核心企业订单融资的贷款产品", "prod_chain_loan"),
]


@pytest.mark.parametrize("query,expected", CASES)
def test_expected_top_hit(kb, query, expected):
    top = kb.search(query, k=3)[0]
    assert (top.faq_id or top.doc_id) == expected


def test_faq_passages_collapse_and_carry_the_answer(kb):
    hits = kb.search("银行卡挂失", k=10, doc_type="faq")
    faq_ids = [h.faq_id for h in hits]
    assert len(faq_ids) == len(set(faq_ids)) == 3  # 15 FAQ records → one passage per entry
    top = hits[0]
    assert top.faq_id == "faq_card_lost" and top.title == "银行卡丢了怎么办？"
    assert top.answer and top.answer.startswith("请立即拨打禾信银行客服热线") and top.doc_type == "faq"
    assert top.kind in {"standard", "similar", "answer"} and top.dense_score is not None


def test_filters_by_type_and_industry(kb):
    hits = kb.search("资金 风险", k=10, doc_type="industry", industry="yixing_teapot")
    assert hits and {(h.doc_type, h.industry_id) for h in hits} == {("industry", "yixing_teapot")}
    assert all(h.doc_type == "product" for h in kb.search("贷款", k=5, doc_type="product"))
    assert kb.search("贷款", k=5, industry="no_such_industry") == []
    passage = kb.search("丹阳 司徒镇 镜片", k=1, doc_type="industry")[0]
    assert passage.industry_id == "danyang_eyewear" and passage.source == "industries/danyang_eyewear.md"
    assert passage.title == "丹阳眼镜" and passage.section in {"概要", "行业概况"}


def test_traditional_and_fullwidth_queries_are_normalised(kb):
    assert kb.search("銀行卡丟了怎麼辦", k=1)[0].faq_id == "faq_card_lost"
    assert kb.search("丹陽眼鏡　鏡片", k=1)[0].doc_id == "danyang_eyewear"  # full-width space
    assert kb.search("   ", k=3) == [] and kb.search("？？", k=3) is not None


def test_concurrent_searches_match_sequential(kb):
    queries = [q for q, _ in CASES]
    expected = {q: [p.chunk_id for p in kb.search(q, k=3)] for q in queries}
    got: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def run(q: str) -> None:
        try:
            got[q] = [p.chunk_id for p in kb.search(q, k=3)]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(q,)) for q in queries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and got == expected


def test_ingest_by_another_instance_is_picked_up(tmp_path, e5, write_corpus):
    kb = _built(tmp_path, e5, write_corpus)
    assert kb.search("宜兴紫砂", k=1)[0].doc_id == "yixing_teapot"
    (kb.corpus_dir / "industries" / "yixing_teapot.md").unlink()
    other = KnowledgeBase(index_dir=tmp_path / "index", corpus_dir=kb.corpus_dir, embedder=e5, collection="test-kb")
    other.ingest()  # e.g. `puhui ingest` while the server runs
    assert all(h.doc_id != "yixing_teapot" for h in kb.search("宜兴紫砂", k=5))
    stats = kb.stats()
    assert stats.files == 3 and stats.by_doc_type.get("industry", 0) > 0 and stats.collection == "test-kb-e5s"


def test_empty_index(tmp_path, e5):
    empty = KnowledgeBase(index_dir=tmp_path / "none", embedder=e5)
    assert not empty.is_built() and empty.search("任何问题") == [] and empty.stats().chunks == 0
    with pytest.raises(ValueError, match="no corpus directory"):
        empty.ingest()


# ---- pure parts ---------------------------------------------------------------------------------
def test_fusion_functions():
    dense, lexical = {"a": 0.9, "b": 0.8, "c": 0.7}, {"c": 12.0, "d": 3.0}
    assert minmax({"x": 2.0, "y": 2.0}) == {"x": 1.0, "y": 1.0}
    w = weighted_fusion(dense, lexical, 0.3)
    assert w["a"] == pytest.approx(0.7) and w["c"] == pytest.approx(0.3) and w["d"] == pytest.approx(0.0)
    assert fuse(dense, lexical, "weighted", 1.0)["c"] == pytest.approx(1.0)
    r = rrf_fusion(dense, lexical, k=60)
    assert r["c"] == pytest.approx(0.5 / 63 + 0.5 / 61) and max(r, key=r.get) == "c"
    assert fuse(dense, lexical, "dense", 0.3) == dense
    with pytest.raises(ValueError):
        fuse(dense, lexical, "magic", 0.3)  # type: ignore[arg-type]


def test_lexical_char_vs_word_and_persistence(tmp_path):
    texts = ["银行卡丢失挂失流程", "信用卡积分兑换", "经营贷款利率"]
    for tok in ("char", "word"):
        idx = LexicalIndex(tok).build(["a", "b", "c"], texts, "g1")
        assert idx.scores("卡丢了怎么挂失").argmax() == 0
        idx.save(tmp_path / tok)
        loaded = LexicalIndex.load(tmp_path / tok)
        assert loaded is not None and loaded.generation == "g1" and loaded.tokenizer == tok
        assert (loaded.scores("贷款利率") == idx.scores("贷款利率")).all()
    assert LexicalIndex.load(tmp_path / "missing") is None
    assert not LexicalIndex("char").build([], [], "").scores("x").size


def test_filtered_search_survives_a_store_that_lost_vectors(tmp_path, e5, write_corpus):
    kb = _built(tmp_path, e5, write_corpus)
    lost = [p.chunk_id for p in kb.search("紫砂", k=3, doc_type="industry", industry="yixing_teapot")]
    kb.store.delete(lost[:1])  # e.g. a Chroma server restored from an older backup
    fresh = KnowledgeBase(index_dir=tmp_path / "index", corpus_dir=kb.corpus_dir, embedder=e5, collection="test-kb")
    hits = fresh.search("紫砂", k=3, doc_type="industry", industry="yixing_teapot")  # Chroma's own filter
    by_id = {h.chunk_id: h for h in hits}
    assert len(hits) == 3 and by_id[lost[0]].dense_score is None  # still found by BM25, not by vector
    assert fresh.ingest().repaired == 1  # and the next ingest puts it back
    assert lost[0] in {h.chunk_id for h in fresh.search("紫砂", k=3, doc_type="industry", industry="yixing_teapot")}
