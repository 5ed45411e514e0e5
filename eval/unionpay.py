"""The UnionPay 95516 FAQ set (shared public data) as the benchmark and the eval suite both use it.

One loader and one index builder for ``bench/unionpay_faq.py`` and ``eval/suites/external_unionpay.py``:
the 745 standard questions (unique by ``label_id``) with their answers go through the product's own
chunking, store, manifest and BM25 code; the user questions are the queries. The data is read in place
from ``<shared_data_dir>/bank_qa/unionpay_faq`` (no licence stated: never copied).
"""

from __future__ import annotations

import csv
import random
import time
from pathlib import Path

from kb.chunking import faq_chunks
from kb.ingest import embed_chunks, rebuild_lexical
from kb.manifest import IndexPaths, Manifest
from kb.retrieval.embeddings import Embedder
from kb.retrieval.retrieve import Snapshot
from kb.schema import FaqEntry
from kb.store import ChromaStore

CSV_PATH = Path("bank_qa") / "unionpay_faq" / "unionpay_faq_pairs.csv"  # under the shared data dir
TEST_QUERIES = 1000  # the benchmark's test queries: the first 1,000 user questions in benchmark order


def benchmark_order(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The user questions in the order every UnionPay benchmark and suite reads them: shuffled with
    seed 0 (the same order as ``random.seed(0); random.shuffle(rows)``), a new list."""
    out = list(rows)
    random.Random(0).shuffle(out)
    return out


def seeded_split(rows: list[dict[str, str]], limit: int = TEST_QUERIES) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(test, rest) in benchmark order: the first ``limit`` the test queries, everything after the first
    1,000 the non-test questions (tuning, similar questions)."""
    ordered = benchmark_order(rows)
    return ordered[:limit], ordered[TEST_QUERIES:]


def load(path: Path) -> tuple[list[dict[str, str]], dict[str, dict[str, str]]]:
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    labels: dict[str, dict[str, str]] = {}
    for r in rows:
        labels.setdefault(r["label_id"], r)
    return rows, labels


def faq_entries(labels: dict[str, dict[str, str]], similar: dict[str, list[str]]) -> list[FaqEntry]:
    """One FAQ entry per standard question (id ``faq_up_<label_id>``, category = the set's subject).
    Constructed without validation: the set's own texts (a few 2-character questions) are kept as they are."""
    return [FaqEntry.model_construct(id=f"faq_up_{lid}", category=r["subject"], question=r["label_std_question"],
                                     similar=similar.get(lid, []), answer=r["answer"])
            for lid, r in labels.items()]


def build_index(workdir: Path, labels: dict[str, dict[str, str]], similar: dict[str, list[str]],
                answers: bool, embedder: Embedder, collection: str = "bench-unionpay"
                ) -> tuple[ChromaStore, dict[str, Snapshot]]:
    """Index the standard questions (+answers, when ``answers``) with ``embedder`` into ``workdir``."""
    entries = faq_entries(labels, similar)
    source = "unionpay_faq_pairs.csv"
    chunks = [c for e in entries for c in faq_chunks(e, source, with_answer=answers)]
    chunks = list({c.id: c for c in chunks}.values())
    store = ChromaStore(embedder, path=workdir / "chroma", collection=collection)
    t0 = time.perf_counter()
    store.upsert(chunks, embed_chunks(embedder, chunks))
    manifest = Manifest(IndexPaths(workdir, store.name).manifest)
    manifest.commit_file(source, "bench", chunks)
    print(f"indexed {len(entries)} FAQ entries as {len(chunks)} records in {time.perf_counter() - t0:.1f}s "
          f"(answers={'yes' if answers else 'no'})")
    snaps = {tok: Snapshot(rebuild_lexical(manifest, workdir / f"bm25-{tok}", tok), {c.id: c for c in chunks})
             for tok in ("word", "char")}
    return store, snaps
