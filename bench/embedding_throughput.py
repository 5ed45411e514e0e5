"""e5 embedding throughput: single vs batched, queries vs passages, idle vs beside a CPU hog, and
N threads embedding at once (concurrent API requests).

    .venv/bin/python -m bench.embedding_throughput [--threads 1,2] [--quick] [--wait-policy PASSIVE|ACTIVE]

Texts come from the corpus (FAQ questions as queries, document chunks as passages), no cache.
``--wait-policy`` sets OMP_WAIT_POLICY before the engine loads (the embedder defaults to PASSIVE;
ACTIVE is libgomp's spinning behaviour, shown for comparison).
"""

from __future__ import annotations

import argparse
import os
import threading
import time

from bench._kb_common import ROOT, cpu_hog, summary_ms
from kb.chunking import markdown_chunks
from kb.corpus import load_corpus
from kb.retrieval.embeddings import E5Embedder


def corpus_texts(n_queries: int, n_passages: int) -> tuple[list[str], list[str]]:

    corpus = load_corpus(ROOT / "kb" / "corpus")
    queries = [q for f in corpus.faqs for q in [f.question, *f.similar]][:n_queries]
    passages = [c.search_text for d in list(corpus.industries.values())[:20] for c in markdown_chunks(d)][:n_passages]
    if not queries or not passages:
        raise SystemExit("the corpus has no FAQ or industry documents yet")
    return queries, passages


def rate(fn, texts: list[str]) -> float:
    t0 = time.perf_counter()
    fn(texts)
    return len(texts) / (time.perf_counter() - t0)


def measure(emb, queries: list[str], passages: list[str]) -> str:
    single_q = rate(lambda ts: [emb.embed([t], "query", cache=False) for t in ts], queries[:len(queries) // 2])
    batch_q = rate(lambda ts: emb.embed(ts, "query", cache=False), queries)
    single_p = rate(lambda ts: [emb.embed([t], "passage", cache=False) for t in ts], passages[:len(passages) // 2])
    batch_p = rate(lambda ts: emb.embed(ts, "passage", cache=False), passages)
    return (f"queries single {single_q:6.1f}/s batched {batch_q:6.1f}/s | "
            f"passages single {single_p:6.1f}/s batched {batch_p:6.1f}/s")


def concurrent(emb, queries: list[str], workers: int) -> str:
    latencies: list[float] = []
    lock = threading.Lock()

    def run(part: list[str]) -> None:
        for q in part:
            t0 = time.perf_counter()
            emb.embed([q], "query", cache=False)
            with lock:
                latencies.append(time.perf_counter() - t0)

    parts = [queries[i::workers] for i in range(workers)]
    threads = [threading.Thread(target=run, args=(p,)) for p in parts]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = time.perf_counter() - t0
    return f"{workers} concurrent callers: {len(queries) / total:6.1f} queries/s; per call {summary_ms(latencies)}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", default="1,2", help="comma-separated e5 thread counts")
    ap.add_argument("--quick", action="store_true", help="fewer texts")
    ap.add_argument("--wait-policy", choices=["PASSIVE", "ACTIVE"], default="PASSIVE")
    args = ap.parse_args()
    os.environ["OMP_WAIT_POLICY"] = args.wait_policy

    nq, np_ = (32, 16) if args.quick else (128, 64)
    queries, passages = corpus_texts(nq, np_)
    avg_p = sum(len(p) for p in passages) / len(passages)
    print(f"{len(queries)} queries (avg {sum(map(len, queries)) / len(queries):.0f} chars), {len(passages)} passages "
          f"(avg {avg_p:.0f} chars); OMP_WAIT_POLICY={args.wait_policy}; cores={os.cpu_count()}; "
          f"load avg {os.getloadavg()[0]:.1f}")
    E5Embedder(threads=1).embed(["warm up"], cache=False)
    for threads in (int(t) for t in args.threads.split(",")):
        emb = E5Embedder(threads=threads, batch_size=32)
        print(f"\n== threads={threads}")
        print(f"idle        : {measure(emb, queries, passages)}")
        with cpu_hog(600):
            print(f"beside a hog: {measure(emb, queries, passages)}")
        for workers in (1, 2, 4):
            print(f"idle        : {concurrent(emb, queries, workers)}")
        with cpu_hog(600):
            print(f"beside a hog: {concurrent(emb, queries, 4)}")


if __name__ == "__main__":
    main()
