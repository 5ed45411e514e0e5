"""Soak test of the customer-service API: 20 req/s (40 locust users, one message every 2 s each, open
loop) for 30 minutes against two uvicorn workers on 127.0.0.1 (as ``puhui serve --workers 2``), no LLM.

Prints every minute the resident memory (VmRSS) of each worker and the request counts, and at the end
RSS at start (after warm-up) and end, the error count and latency percentiles. Memory is "flat" when
the end RSS is within 10% (+20 MiB) of the start. A benchmark, not a CI test:

    .venv/bin/python -m bench.cs_soak                     # 30 min
    .venv/bin/python -m bench.cs_soak --minutes 2         # a short check of the harness
Results: printed, and var/bench/cs_soak.json. Needs locust (pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench.cs_load import ROOT, free_port, run_locust, start_server


def worker_pids(parent: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{parent}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"multiprocessing" in cmd and b"resource_tracker" not in cmd:
                out.append(int(pid))
    return sorted(out)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--rate", type=float, default=20.0, help="requests per second (users = 2 x rate, 2 s pacing)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="cs-soak-"))
    for name in ("embed_cache", "index"):
        if (ROOT / "var" / name).exists():
            shutil.copytree(ROOT / "var" / name, data / name)
    out = ROOT / "var" / "bench" / "cs_soak"
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = start_server(data, port, args.workers)
    samples: list[dict] = []
    stop = threading.Event()

    def sample() -> None:
        t0 = time.monotonic()
        while not stop.is_set():
            pids = worker_pids(server.pid)
            row = {"t_s": round(time.monotonic() - t0, 1), "rss_mib": {p: round(rss_mib(p), 1) for p in pids},
                   "load_average": os.getloadavg()[0]}
            samples.append(row)
            print(json.dumps(row), flush=True)
            stop.wait(60)

    sampler = threading.Thread(target=sample, daemon=True)
    try:
        sampler.start()
        users = int(round(args.rate * 2))
        result = run_locust(port, users, 2.0, int(args.minutes * 60), out)
    finally:
        stop.set()
        sampler.join(timeout=5)
        final = {p: round(rss_mib(p), 1) for p in worker_pids(server.pid)}
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)
    start = samples[0]["rss_mib"] if samples else {}
    start_total, end_total = sum(start.values()), sum(final.values())
    same_workers = set(start) == set(final)
    flat = same_workers and end_total <= start_total * 1.10 + 20
    report = {"minutes": args.minutes, "target_rps": args.rate, "workers": args.workers, **result,
              "rss_start_mib": start, "rss_end_mib": final, "rss_total_start_mib": round(start_total, 1),
              "rss_total_end_mib": round(end_total, 1), "same_worker_processes": same_workers,
              "memory_flat": flat, "samples": samples, "load_average_at_end": os.getloadavg()}
    (ROOT / "var" / "bench" / "cs_soak.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nsoak {args.minutes:g} min at {args.rate:g} req/s target, {args.workers} workers: {result['requests']} requests "
          f"({result['rps']} req/s), {result['failures']} errors, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms; "
          f"RSS {start_total:.0f} MiB -> {end_total:.0f} MiB ({'flat' if flat else 'NOT flat'}"
          f"{'' if same_workers else ', a worker was replaced'}); load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
