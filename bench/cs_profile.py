"""Where a customer-service request spends its time: the real app (no UI, no LLM) driven in-process
through its ASGI interface (httpx.ASGITransport, no sockets), profiled with pyinstrument.

The same messages as bench/cs_load.py (eval + calibration questions), the KB index of var/index when
it exists. Prints the per-stage Server-Timing means, the request rate of this single-threaded loop and
pyinstrument's call tree (functions above 2% of the time), so the throughput work starts from a
measurement, not a guess:

    .venv/bin/python -m bench.cs_profile --requests 400
Needs pyinstrument (pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
from pyinstrument import Profiler

from app import create_app
from bench.cs_messages import MESSAGES, parse_server_timing
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-profile-key"


async def drive(app, n: int, seed: int) -> tuple[float, dict[str, list[float]]]:
    rng = random.Random(seed)
    timings: dict[str, list[float]] = defaultdict(list)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers={"X-API-Key": KEY},
                                 timeout=120) as client:
        sid = (await client.post("/v1/cs/sessions", json={})).json()["session_id"]
        for text in ("银行卡丢了怎么办", "保管箱怎么租"):  # build the bot and load the KB before timing
            await client.post(f"/v1/cs/sessions/{sid}/messages", json={"text": text})
        t0 = time.perf_counter()
        for i in range(n):
            if i % 10 == 0:  # a fresh session now and then, like the load test's hand-offs
                sid = (await client.post("/v1/cs/sessions", json={})).json()["session_id"]
            r = await client.post(f"/v1/cs/sessions/{sid}/messages", json={"text": rng.choice(MESSAGES)})
            r.raise_for_status()
            for k, v in parse_server_timing(r.headers.get("server-timing", "")).items():
                timings[k].append(v)
        return time.perf_counter() - t0, timings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-profile", action="store_true", help="only the timings (no profiler overhead)")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="cs-profile-"))
    for name in ("embed_cache", "index"):
        if (ROOT / "var" / name).exists():
            shutil.copytree(ROOT / "var" / name, data / name)
    settings = Settings(data_dir=data, api_keys=f"{KEY}:bench_customer", rate_limit_per_min=100_000,
                        llm_provider="none")
    app = create_app(settings, with_ui=False)
    profiler = None if args.no_profile else Profiler(interval=0.0005, async_mode="enabled")
    try:
        if profiler:
            profiler.start()
        seconds, timings = asyncio.run(drive(app, args.requests, args.seed))
        if profiler:
            profiler.stop()
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(f"{args.requests} requests in {seconds:.2f} s = {args.requests / seconds:.1f} req/s "
          f"(one client, in process{'' if args.no_profile else ', profiler on'}); load average {os.getloadavg()}")
    for k, v in sorted(timings.items(), key=lambda kv: -statistics.fmean(kv[1])):
        print(f"  {k:<14} mean {statistics.fmean(v):7.2f} ms  p99 {sorted(v)[int(0.99 * (len(v) - 1))]:7.2f} ms")
    if profiler:
        print(profiler.output_text(unicode=True, color=False, show_all=False, time="percent_of_total",
                                   flat=False, short_mode=True)[:12000])


if __name__ == "__main__":
    main()
