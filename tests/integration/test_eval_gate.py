"""The CI gate, end to end: the real corpus indexed with the real embedder, the retrieval suite run
through the eval runner, and the committed baseline (eval/baselines/retrieval.json) enforced.

A gate that cannot fail protects nothing, so the same run is repeated with the retriever broken on
purpose and the gate must then fail: (1) its ranking reversed; (2) query vectors from the wrong space
(what an index built with one embedding model and queried with another gives). Dropping one half of
the hybrid is *not* used as the sabotage: measured on this dataset, BM25 alone (hit@5 0.990) and e5
alone (0.951) are both within the tolerance of the hybrid (0.970), so that would not be a regression.
The index is built once per module (the expensive part: ~2,500 chunks through e5).
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

import numpy as np
import pytest

from core.services import Services
from core.settings import Settings
from eval.compare import BASELINES_DIR, DEFAULT_TOLERANCE, gate
from eval.run import EvalContext, run_all
from eval.suites.retrieval import RetrievalSuite
from tests.conftest import TEST_EMBED_CACHE

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(900)]

BASELINE = BASELINES_DIR / "retrieval.json"


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> Services:
    """Services over a fresh data dir with the real corpus ingested (no PUHUI_* from the shell)."""
    with pytest.MonkeyPatch.context() as mp:  # module scope runs before the per-test env isolation
        for name in list(os.environ):
            if name.startswith("PUHUI_"):
                mp.delenv(name)
        mp.chdir(tmp_path_factory.getbasetemp())
        settings = Settings(data_dir=tmp_path_factory.mktemp("gate-data"), embedding_threads=2,
                            embedding_cache_dir=TEST_EMBED_CACHE)
    svc = Services(settings)
    report = svc.kb.ingest()
    assert not report.errors, report.errors
    assert report.chunks_total > 1000
    return svc


def run_retrieval(services: Services, out: Path) -> dict:
    ctx = EvalContext(services=services, llm_mode="none", shared_data_dir=services.settings.shared_data_dir)
    return run_all([RetrievalSuite()], ctx, out)


@pytest.fixture(scope="module")
def baseline() -> dict:
    assert BASELINE.is_file(), "eval/baselines/retrieval.json is missing: create it with `puhui eval baseline`"
    return json.loads(BASELINE.read_text(encoding="utf-8"))


def test_gate_passes_on_the_product_retriever(services, baseline, tmp_path):
    run = run_retrieval(services, tmp_path / "run")
    entry = run["suites"]["retrieval"]
    assert entry["status"] == "ok" and entry["errors"] == 0
    # retrieval asks no model: every case is deterministic, and the source split adds nothing to the gate
    assert entry["answered_by"] == {"llm": 0, "fallback": 0, "none": entry["cases"]} and not entry["judges"]
    # a dataset edit without a baseline refresh would compare different things
    assert entry["cases"] == baseline["cases"], "retrieval.jsonl changed: refresh the baseline deliberately"
    regressions, notes = gate(run, suites=["retrieval"])
    assert regressions == [], [str(r) for r in regressions]
    assert not notes, notes
    # the floor the baseline promises, independent of the tolerance arithmetic
    assert entry["summary"]["hit@5"] >= baseline["metrics"]["hit@5"] - DEFAULT_TOLERANCE


def _reverse_ranking(monkeypatch):
    from kb.retrieval.retrieve import HybridRetriever

    rank = HybridRetriever.rank
    monkeypatch.setattr(HybridRetriever, "rank", lambda self, *a, **kw: list(reversed(rank(self, *a, **kw))))


def _wrong_query_space(monkeypatch, embedder):
    """Query vectors unrelated to the indexed passages: deterministic random unit vectors."""
    dim = int(embedder.embed_one("维度").shape[0])

    def embed_one(text, role="query", *, cache=None):
        vec = np.random.default_rng(zlib.crc32(text.encode("utf-8"))).standard_normal(dim).astype(np.float32)
        return vec / np.linalg.norm(vec)

    monkeypatch.setattr(embedder, "embed_one", embed_one)


@pytest.mark.parametrize("sabotage", ["reversed", "wrong-query-space"])
def test_gate_fails_when_the_retriever_is_broken(services, baseline, tmp_path, monkeypatch, sabotage):
    if sabotage == "reversed":
        _reverse_ranking(monkeypatch)
    else:
        _wrong_query_space(monkeypatch, services.kb_embedder)
    run = run_retrieval(services, tmp_path / "run")
    entry = run["suites"]["retrieval"]
    assert entry["status"] == "ok" and entry["cases"] == baseline["cases"]
    regressions, _ = gate(run, suites=["retrieval"])
    assert regressions, f"gate passed a broken retriever: {entry['summary']}"
    assert {"hit@1", "mrr@10"} & {r.metric for r in regressions}
