"""Ingest speed: a cold ingest of the corpus (chunks/s) and a re-run with nothing changed.

    .venv/bin/python -m bench.ingest_speed [--corpus kb/corpus] [--threads 2] [--files N] [--warm-cache]

Cold = empty index *and* empty embedding cache (every vector computed); ``--warm-cache`` reuses the
bench cache (measures the pipeline without the model). ``--files N`` ingests only the first N
corpus files (quick mode). Then: the unchanged re-run (target ≤ 5 s), and one edited file.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench._kb_common import CACHE_DIR, ROOT
from kb.corpus import iter_source_files
from kb.retrieval.embeddings import E5Embedder
from kb.service import KnowledgeBase


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "kb" / "corpus")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--files", type=int, default=0, help="only the first N files (0 = all)")
    ap.add_argument("--warm-cache", action="store_true", help="reuse the bench embedding cache")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        files = iter_source_files(args.corpus)
        if args.files:
            files = files[:args.files]
        for f in files:
            dst = corpus / f.relative_to(args.corpus)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dst)
        cache = CACHE_DIR if args.warm_cache else work / "cache"
        kb = KnowledgeBase(index_dir=work / "index", corpus_dir=corpus, collection="bench-ingest",
                           embedder=E5Embedder(threads=args.threads, cache_dir=cache))
        print(f"corpus: {len(files)} files from {args.corpus}; e5 threads={args.threads}; "
              f"embedding cache {'warm (bench cache)' if args.warm_cache else 'cold'}")
        t0 = time.perf_counter()
        cold = kb.ingest(progress=True)
        cold_s = time.perf_counter() - t0
        print(f"cold ingest : {cold.chunks_total} chunks from {len(cold.added)} files in {cold_s:.1f}s "
              f"= {cold.chunks_total / cold_s:.1f} chunks/s; errors={len(cold.errors)}")
        t0 = time.perf_counter()
        again = kb.ingest()
        print(f"unchanged re-run: {time.perf_counter() - t0:.2f}s (report {again.seconds:.2f}s; "
              f"{again.unchanged} files unchanged, +{again.chunks_added}/-{again.chunks_deleted} chunks)")
        fresh = KnowledgeBase(index_dir=work / "index", corpus_dir=corpus, collection="bench-ingest",
                              embedder=E5Embedder(threads=args.threads, cache_dir=cache))
        t0 = time.perf_counter()
        fresh.ingest()
        print(f"unchanged re-run in a new process-like instance: {time.perf_counter() - t0:.2f}s")
        target = next((p for p in sorted(corpus.rglob("*.md"))), None)
        if target is not None:
            target.write_text(target.read_text(encoding="utf-8") + "\n## 备注\n本段为基准测试追加的一句话。\n",
                              encoding="utf-8")
            t0 = time.perf_counter()
            edit = kb.ingest()
            print(f"one edited file: {time.perf_counter() - t0:.2f}s (+{edit.chunks_added}/-{edit.chunks_deleted} chunks)")
        t0 = time.perf_counter()
        kb.search("丹阳眼镜 应收账款")
        print(f"first search after ingest (loads the snapshot): {(time.perf_counter() - t0) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
