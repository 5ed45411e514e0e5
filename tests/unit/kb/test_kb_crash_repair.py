"""An interrupted ingest (exception or SIGKILL at an awkward moment) is repaired by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kb.manifest import Manifest
from kb.service import KnowledgeBase
from kb.store import ChromaStore

ROOT = Path(__file__).resolve().parents[3]


def _kb(tmp_path: Path, corpus: Path, e5) -> KnowledgeBase:
    return KnowledgeBase(index_dir=tmp_path / "index", corpus_dir=corpus, embedder=e5, collection="test-kb")


def _assert_consistent_and_complete(kb: KnowledgeBase, files: int) -> None:
    table = kb.manifest.chunk_ids()
    assert table and table == kb.store.ids()
    assert len(kb.manifest.files()) == files
    assert set(kb.retriever.snapshot.lexical.ids) == table
    assert kb.search("银行卡丢了怎么办", k=1)[0].faq_id == "faq_card_lost"


class _FailingStore(ChromaStore):
    """Raises on the second upsert, after the first file's vectors went in."""

    calls = 0

    def upsert(self, chunks, embeddings):  # type: ignore[override]
        type(self).calls += 1
        if type(self).calls == 2:
            super().upsert(chunks[:1], embeddings[:1])  # a partial write, then the "crash"
            raise RuntimeError("injected failure")
        super().upsert(chunks, embeddings)


def test_exception_mid_ingest_is_repaired(tmp_path, e5, write_corpus, monkeypatch):
    monkeypatch.setattr("kb.ingest.GROUP_CHUNKS", 1)  # one file per upsert, so the failure lands mid-way
    corpus = write_corpus(tmp_path / "corpus")
    kb = _kb(tmp_path, corpus, e5)
    kb.store = _FailingStore(e5, path=tmp_path / "index" / "chroma", collection="test-kb")
    with pytest.raises(RuntimeError, match="injected"):
        kb.ingest()
    assert len(kb.manifest.files()) == 0  # nothing committed: the index is still in its old (empty) state
    assert kb.store.ids() - kb.manifest.chunk_ids()  # orphans from the upserts before the failure

    fresh = _kb(tmp_path, corpus, e5)
    report = fresh.ingest()
    assert report.repaired >= 1 and len(report.added) == 4  # all four: none was committed before
    _assert_consistent_and_complete(fresh, 4)


_CHILD = textwrap.dedent("""\
    import os, signal, sys
    from kb.retrieval.embeddings import E5Embedder
    from kb.manifest import Manifest
    from kb.service import KnowledgeBase
    index, corpus, cache, mode = sys.argv[1:5]
    real_commit = Manifest.commit_files
    def commit(self, *a, **kw):
        if mode == "before-commit":
            os.kill(os.getpid(), signal.SIGKILL)   # every vector is in Chroma, no row is committed
        real_commit(self, *a, **kw)
        if mode == "after-commit":
            os.kill(os.getpid(), signal.SIGKILL)   # rows committed, stale vectors not yet deleted
    Manifest.commit_files = commit
    kb = KnowledgeBase(index_dir=index, corpus_dir=corpus, collection="test-kb",
                       embedder=E5Embedder(threads=1, cache_dir=cache))
    kb.ingest()
    print("finished without being killed")
""")


@pytest.mark.parametrize("mode", ["before-commit", "after-commit"])
def test_sigkill_mid_ingest_is_repaired(tmp_path, e5, write_corpus, mode):
    corpus = write_corpus(tmp_path / "corpus")
    if mode == "after-commit":  # one *changed* file whose stale chunks the killed run never deletes
        _kb(tmp_path, corpus, e5).ingest()
        path = corpus / "industries" / "danyang_eyewear.md"
        path.write_text(path.read_text(encoding="utf-8").replace("价格战激烈", "价格战非常激烈"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path / "index"), str(corpus), str(e5.cache_dir), mode],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr

    kb = _kb(tmp_path, corpus, e5)
    assert kb.store.ids() - kb.manifest.chunk_ids()  # the killed run left orphan vectors
    report = kb.ingest()
    assert report.repaired >= 1
    _assert_consistent_and_complete(kb, 4)
    assert Manifest(kb.paths.manifest).get_meta("embedder") == e5.model_id
    if mode == "after-commit":
        assert any("非常激烈" in p.text for p in kb.search("丹阳 价格战", k=3))
