"""Warm hybrid-search latency on an index of ≥ 10,000 chunks (target p50 ≤ 30 ms on 2 cores).

    .venv/bin/python -m bench.query_latency [--variants 5] [--queries 200] [--threads 2] [--quick]

The index is synthesised from the real corpus: every chunk and FAQ record, plus ``variants - 1``
rewordings of each (sentences rotated, another document's title), so near-duplicates compete as in
a grown knowledge base. It is built once into var/bench-cache/latency-<n> (vectors also land in the
bench embedding cache), and reused by later runs. Queries: FAQ similar questions and industry
phrasings, timed through ``KnowledgeBase.search`` — the same call the API makes — with and without
filters, after a warm-up (the first filtered search loads the chunk vectors once per index version). ``--quick``: 2 variants, 100 queries.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace
from pathlib import Path

from bench._kb_common import CACHE_DIR, ROOT, e5_embedder, summary_ms
from kb.chunking import Chunk, faq_file_chunks, markdown_chunks, split_sentences
from kb.corpus import load_corpus
from kb.ingest import embed_chunks, rebuild_lexical
from kb.manifest import IndexPaths, Manifest
from kb.progress import RichProgress
from kb.service import KnowledgeBase
from kb.store import ChromaStore

COLLECTION = "bench-latency"


def synthesise(variants: int) -> list[Chunk]:
    corpus = load_corpus(ROOT / "kb" / "corpus")
    docs = [*corpus.industries.values(), *corpus.products.values(), *corpus.policies.values()]
    base = [c for d in docs for c in markdown_chunks(d)]
    base += [c for f in corpus.faq_files for c in faq_file_chunks(f.entries, f.path)]
    titles = sorted({c.title for c in base if c.doc_type == "industry"}) or ["行业"]
    rng = random.Random(0)
    out = list(base)
    for v in range(1, variants):
        for c in base:
            sents = split_sentences(c.text) or [c.text]
            text = "".join(sents[v % len(sents):] + sents[:v % len(sents)])
            title = rng.choice(titles) if c.doc_type == "industry" else c.title
            search = f"{title}｜{c.section}\n{text}" if c.role == "passage" else text + "？" * v
            out.append(replace(c, id=f"{c.id}~{v}", text=text, search_text=search, title=title,
                               source=f"synthetic/{v}/{c.source}"))
    return out


def build(index_dir: Path, variants: int, threads: int) -> None:
    embedder = e5_embedder(threads=threads)
    store = ChromaStore(embedder, path=index_dir / "chroma", collection=COLLECTION)
    manifest = Manifest(IndexPaths(index_dir, store.name).manifest)
    if manifest.count():
        print(f"reusing the index in {index_dir} ({manifest.count()} chunks)")
        return
    chunks = synthesise(variants)
    print(f"building {len(chunks)} chunks into {index_dir} (vectors cached in {CACHE_DIR})")
    t0 = time.perf_counter()
    with RichProgress() as bars:
        for start in range(0, len(chunks), 500):
            part = chunks[start:start + 500]
            store.upsert(part, embed_chunks(embedder, part))
            bars("Embedding + upsert", start + len(part), len(chunks))
    by_source: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_source.setdefault(c.source, []).append(c)
    for source, part in by_source.items():
        manifest.commit_file(source, "synthetic", part)
    manifest.set_meta("embedder", embedder.model_id)
    rebuild_lexical(manifest, IndexPaths(index_dir, store.name).lexical("char"))
    print(f"built in {time.perf_counter() - t0:.0f}s")


def queries(n: int) -> list[str]:
    corpus = load_corpus(ROOT / "kb" / "corpus")
    qs = [s for f in corpus.faqs for s in f.similar]
    qs += [f"{d.meta.name}{suffix}" for d in corpus.industries.values()  # type: ignore[attr-defined]
           for suffix in ("的主要风险", "贷款需求", "上游原材料")]
    random.Random(1).shuffle(qs)
    return qs[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variants", type=int, default=5)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.variants, args.queries = 2, 100
    index_dir = CACHE_DIR / f"latency-{args.variants}"
    build(index_dir, args.variants, args.threads)
    kb = KnowledgeBase(index_dir=index_dir, embedder=e5_embedder(threads=args.threads, cache=False),
                       collection=COLLECTION)
    t0 = time.perf_counter()
    stats = kb.stats()
    print(f"index: {stats.chunks} chunks ({stats.by_doc_type}); loaded in {time.perf_counter() - t0:.2f}s; "
          f"e5 threads={args.threads}")
    qs = queries(args.queries)
    for q in qs[:20]:
        kb.search(q)  # warm-up: model pages, Chroma segments, BM25 arrays
    t0 = time.perf_counter()
    kb.search(qs[0], doc_type="faq")
    print(f"first filtered search (fetches the vectors for in-memory filtered scoring): "
          f"{(time.perf_counter() - t0) * 1000:.0f} ms")
    for q in qs[:10]:
        kb.search(q, doc_type="industry", k=10)
    for label, kwargs in (("k=5, no filter", {}), ("k=5, type=faq", {"doc_type": "faq"}),
                          ("k=10, type=industry", {"doc_type": "industry", "k": 10})):
        times, embed_times = [], []
        for q in qs:
            t0 = time.perf_counter()
            kb.search(q, **kwargs)
            times.append(time.perf_counter() - t0)
        for q in qs[:50]:
            t0 = time.perf_counter()
            kb.embedder.embed([q], "query", cache=False)
            embed_times.append(time.perf_counter() - t0)
        print(f"{label:22s} search {summary_ms(times)}  | of which query embedding ≈ {summary_ms(embed_times)}")


if __name__ == "__main__":
    main()
