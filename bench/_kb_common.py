"""Helpers shared by the benchmark scripts (paths, embedder, metrics, a bounded CPU hog)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from kb.retrieval.embeddings import E5Embedder

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("PUHUI_SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))
CACHE_DIR = ROOT / "var" / "bench-cache"  # embeddings cache reused across runs (git-ignored /var/)


def e5_embedder(threads: int = 1, cache: bool = True):
    return E5Embedder(threads=threads, batch_size=32, cache_dir=CACHE_DIR if cache else None, cache_queries=cache)


def hit_metrics(ranks: list[int | None]) -> dict[str, float]:
    """hit@1, hit@5 and MRR@10 from 1-based ranks of the gold item (None = not in the top 10)."""
    n = max(len(ranks), 1)
    return {"hit@1": sum(1 for r in ranks if r == 1) / n,
            "hit@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
            "mrr@10": sum(1.0 / r for r in ranks if r is not None and r <= 10) / n}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    idx = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[idx]


def summary_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"p50 {percentile(ms, 50):.1f} ms  p95 {percentile(ms, 95):.1f} ms  "
            f"mean {statistics.fmean(ms):.1f} ms  (n={len(ms)})")


@contextmanager
def cpu_hog(seconds: float = 120.0):
    """A separate busy-looping process (bounded: it exits by itself after ``seconds``)."""
    code = f"import time\nend = time.time() + {seconds}\nwhile time.time() < end:\n    pass\n"
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        time.sleep(0.3)
        yield proc
    finally:
        proc.kill()
        proc.wait()
