"""Incremental ingest: add, change, delete, unchanged re-run, malformed files, full rebuild."""

from __future__ import annotations

from pathlib import Path

from kb.corpus import load_corpus
from kb.manifest import Manifest
from kb.service import KnowledgeBase


def _kb(tmp_path: Path, corpus: Path, e5) -> KnowledgeBase:
    return KnowledgeBase(index_dir=tmp_path / "index", corpus_dir=corpus, embedder=e5, collection="test-kb")


def _consistent(kb: KnowledgeBase) -> None:
    """The manifest's chunk table and Chroma hold exactly the same ids; BM25 covers them all."""
    table = kb.manifest.chunk_ids()
    assert table == kb.store.ids()
    assert set(kb.retriever.snapshot.lexical.ids) == table


def test_ingest_then_unchanged_rerun(tmp_path, e5, write_corpus):
    corpus = write_corpus(tmp_path / "corpus")
    assert not load_corpus(corpus).errors
    kb = _kb(tmp_path, corpus, e5)
    first = kb.ingest()
    assert sorted(first.added) == ["faq/service.yaml", "industries/danyang_eyewear.md",
                                   "industries/yixing_teapot.md", "products/prod_chain_loan.md"]
    assert first.errors == [] and first.chunks_added == first.chunks_total > 0
    # 3 FAQ entries x (standard + 3 similar + answer) records
    assert kb.stats().by_doc_type["faq"] == 15
    _consistent(kb)
    again = kb.ingest()
    assert again.added == again.changed == again.deleted == []
    assert again.unchanged == 4 and again.chunks_added == 0 and again.chunks_deleted == 0
    assert again.chunks_total == first.chunks_total


def test_change_and_delete(tmp_path, e5, write_corpus):
    corpus = write_corpus(tmp_path / "corpus")
    kb = _kb(tmp_path, corpus, e5)
    kb.ingest()
    path = corpus / "industries" / "yixing_teapot.md"
    path.write_text(path.read_text(encoding="utf-8").replace("泥料囤货占用大量资金", "泥料囤货占用大量资金，常见抵押物为房产"),
                    encoding="utf-8")
    (corpus / "products" / "prod_chain_loan.md").unlink()
    report = kb.ingest()
    assert report.changed == ["industries/yixing_teapot.md"]
    assert report.deleted == ["products/prod_chain_loan.md"]
    assert report.chunks_added == 1  # only the edited section's chunk is re-embedded
    assert report.chunks_deleted >= 2  # the old chunk + the product's chunks
    _consistent(kb)
    hits = kb.search("紫砂 抵押物 房产", k=3)
    assert hits[0].doc_id == "yixing_teapot" and "房产" in hits[0].text
    assert all(h.doc_type != "product" for h in kb.search("链e贷 订单融资", k=10))


def test_malformed_files_reported_and_others_ingested(tmp_path, e5, write_corpus):
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "industries" / "broken_yaml.md").write_text("---\nid: broken_yaml\nname: [unclosed\n---\n正文。\n",
                                                          encoding="utf-8")
    bad_industry = (corpus / "industries" / "danyang_eyewear.md").read_text(encoding="utf-8")
    (corpus / "industries" / "missing_field.md").write_text(
        bad_industry.replace("id: danyang_eyewear", "id: missing_field").replace("chain_stage: midstream\n", ""),
        encoding="utf-8")
    faq = (corpus / "faq" / "service.yaml").read_text(encoding="utf-8")
    (corpus / "faq" / "service.yaml").write_text(faq + "- id: faq_bad\n  category: 其他\n  question: 缺少答案的问题\n"
                                                 "  similar: [a1, a2, a3]\n", encoding="utf-8")
    kb = _kb(tmp_path, corpus, e5)
    report = kb.ingest()
    errors = "\n".join(report.errors)
    assert "industries/broken_yaml.md:3: YAML error" in errors
    assert "industries/missing_field.md:" in errors and "chain_stage" in errors
    assert "faq/service.yaml:" in errors and "answer" in errors
    assert "industries/danyang_eyewear.md" in report.added and "faq/service.yaml" in report.added
    assert "industries/broken_yaml.md" not in report.added
    assert kb.stats().by_doc_type["faq"] == 15  # the three good FAQ entries
    _consistent(kb)
    # errors are reported again on the next run, nothing else moves
    again = kb.ingest()
    assert len(again.errors) == len(report.errors) and again.chunks_added == again.chunks_deleted == 0


def test_malformed_change_keeps_last_good_version(tmp_path, e5, write_corpus):
    corpus = write_corpus(tmp_path / "corpus")
    kb = _kb(tmp_path, corpus, e5)
    kb.ingest()
    path = corpus / "industries" / "danyang_eyewear.md"
    path.write_text(path.read_text(encoding="utf-8").replace("risk_grade: 3", "risk_grade: 9"), encoding="utf-8")
    report = kb.ingest()
    assert any(e.startswith("industries/danyang_eyewear.md:") and "risk_grade" in e for e in report.errors)
    assert report.changed == [] and report.chunks_deleted == 0
    assert kb.search("丹阳 镜片 价格战", k=1)[0].doc_id == "danyang_eyewear"


def test_duplicate_ids_across_files(tmp_path, e5, write_corpus):
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "faq" / "more.yaml").write_text(
        "- id: faq_card_lost\n  category: 银行卡\n  question: 卡丢了怎么办\n  similar: [b1, b2, b3]\n"
        "  answer: 这是一个重复编号的条目答案。\n", encoding="utf-8")
    kb = _kb(tmp_path, corpus, e5)
    report = kb.ingest()
    # files are read in sorted order, so faq/more.yaml claims the id first (as kb.corpus.load_corpus does)
    assert any(e.startswith("faq/service.yaml:") and "duplicate FAQ id 'faq_card_lost' (also in faq/more.yaml)" in e
               for e in report.errors)
    assert {h.faq_id for h in kb.search("银行卡丢了怎么办", k=10, doc_type="faq")} >= {"faq_card_lost"}
    _consistent(kb)


def test_full_rebuild_and_manifest_records_embedder(tmp_path, e5, write_corpus):
    corpus = write_corpus(tmp_path / "corpus")
    kb = _kb(tmp_path, corpus, e5)
    n = kb.ingest().chunks_total
    full = kb.ingest(full=True)
    assert full.chunks_added == n and len(full.added) == 4
    assert Manifest(kb.paths.manifest).get_meta("embedder") == e5.model_id
    _consistent(kb)
