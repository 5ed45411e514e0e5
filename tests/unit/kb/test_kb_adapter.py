"""The e5 adapter: a linear map applied to every vector (kb/retrieval/embeddings/adapter.py) and its trainer
(kb/train_adapter.py), on a tiny deterministic fake embedder and synthetic pairs — no model, no data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb.retrieval.embeddings import AdaptedEmbedder, EmbeddingError, LinearAdapter, with_adapter
from kb.train_adapter import pair_accuracy, read_pairs, train
from tests.unit.kb.fakes import HashEmbedder


def save_adapter(path: Path, w: np.ndarray, base_model_id: str = "hash-8") -> Path:
    np.savez(path, W=w.astype(np.float32), base_model_id=np.array(base_model_id))
    return path


def test_adapted_vectors_are_the_normalised_product_and_keep_their_own_identity(tmp_path):
    rng = np.random.default_rng(0)
    w = np.eye(8) + 0.3 * rng.normal(size=(8, 8))
    base = HashEmbedder(cache_dir=tmp_path / "cache")
    emb = with_adapter(base, save_adapter(tmp_path / "a.npz", w))
    assert isinstance(emb, AdaptedEmbedder)
    raw = base.embed(["银行卡丢了", "贷款利率"], "query")
    out = emb.embed(["银行卡丢了", "贷款利率"], "query")
    expected = raw @ w.astype(np.float32)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(out, expected, atol=1e-5)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert np.allclose(emb.embed_one("银行卡丢了"), out[0], atol=1e-6)
    # its own model id / slug: adapted vectors never share a cache key or a collection with raw ones
    assert emb.model_id.startswith("hash-8+adapter-") and emb.slug.startswith("hash-a") and emb.slug != base.slug
    # the raw vectors come from the base cache: no second model call
    before = HashEmbedder.calls
    emb.embed(["银行卡丢了"], "passage")
    base.embed(["银行卡丢了"], "passage")
    assert HashEmbedder.calls == before + 1


def test_missing_or_foreign_adapter_leaves_the_base_alone_and_bad_files_are_named(tmp_path):
    base = HashEmbedder()
    assert with_adapter(base, None) is base
    assert with_adapter(base, tmp_path / "absent.npz") is base
    assert with_adapter(base, save_adapter(tmp_path / "other.npz", np.eye(8), "another-model")) is base
    with pytest.raises(EmbeddingError, match="trained for"):
        AdaptedEmbedder(base, LinearAdapter(np.eye(8), "another-model"))
    with pytest.raises(EmbeddingError, match="square"):
        LinearAdapter(np.ones((8, 4)), "hash-8")
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(EmbeddingError, match="bad.npz"):
        LinearAdapter.load(tmp_path / "bad.npz")
    wrong_dim = AdaptedEmbedder(base, LinearAdapter(np.eye(4), "hash-8"))
    with pytest.raises(EmbeddingError, match="4-d"):
        wrong_dim.embed(["x"], "query")


def test_only_the_kb_gets_the_adapter_and_the_setting_turns_it_off(tmp_path):
    from core.services import Services
    from core.settings import Settings
    from kb.retrieval.embeddings import DEFAULT_ADAPTER

    off = Services(Settings(data_dir=tmp_path, embedding_adapter=False))
    assert off.kb_embedder is off.embedder
    on = Services(Settings(data_dir=tmp_path))
    if not DEFAULT_ADAPTER.is_file():
        pytest.skip("kb/models/e5_bank_adapter.npz absent (python -m kb.train_adapter)")
    assert isinstance(on.kb_embedder, AdaptedEmbedder) and on.kb_embedder.base is on.embedder
    assert not isinstance(on.embedder, AdaptedEmbedder)  # linker/FAQ thresholds stay on raw e5
    assert on.kb_embedder.adapter.matrix.shape == (384, 384)


def test_training_pulls_partners_together_and_is_reproducible():
    """Pairs share a hidden 'intent' direction drowned in a large shared nuisance component; the
    trained map must raise in-set pair accuracy above the identity's and give the same W twice."""
    rng = np.random.default_rng(1)
    n, d = 512, 16
    intent = rng.normal(size=(n, 4))
    mix = rng.normal(size=(4, d))
    nuisance = rng.normal(size=(d, d))
    x1 = intent @ mix + 3.0 * rng.normal(size=(n, d)) @ nuisance * 0.3
    x2 = intent @ mix + 3.0 * rng.normal(size=(n, d)) @ nuisance * 0.3
    x1, x2 = x1.astype(np.float32), x2.astype(np.float32)
    w = train(x1, x2, epochs=30, batch=128, lr=1e-2, penalty=0.0, seed=0)
    assert w.shape == (d, d) and w.dtype == np.float32
    assert pair_accuracy(x1, x2, w) > pair_accuracy(x1, x2) + 0.05
    assert np.array_equal(w, train(x1, x2, epochs=30, batch=128, lr=1e-2, penalty=0.0, seed=0))


def test_read_pairs_keeps_same_intent_pairs_strips_boms_and_normalises(tmp_path):
    (tmp_path / "bank_qa/atec").mkdir(parents=True)
    (tmp_path / "bank_qa/bq_corpus").mkdir(parents=True)
    (tmp_path / "bank_qa/atec/atec_nlp_sim_train.csv").write_text(
        "\ufeff1\t\ufeff怎么更改花呗手机号码\t花唄手機號怎麼改\t1\n2\t也开不了花呗\t花呗付款\t0\n", encoding="utf-8")
    (tmp_path / "bank_qa/bq_corpus/dev.csv").write_text(
        "\ufeffsentence1,sentence2,label\n还款银行怎么更换,怎么更换绑定还款的卡,1\n借不到,能否取消借款,0\n", encoding="utf-8")
    pairs = read_pairs(tmp_path)
    assert pairs == [("怎么更改花呗手机号码", "花呗手机号怎么改"), ("还款银行怎么更换", "怎么更换绑定还款的卡")]
    with pytest.raises(SystemExit, match="not found"):
        read_pairs(tmp_path / "nowhere")
