"""Load benchmark of the customer-service API with a real load tool (locust, headless) against
uvicorn on 127.0.0.1, no LLM. Bounded in time; starts and stops its own server.

(a) open loop: 20 concurrent sessions, each sending a message every 2 s (~10 req/s) for --duration s;
    targets p50 ≤ 50 ms, p99 ≤ 250 ms, 0 errors.
(b) closed loop: users sending back to back, stepping 1, 2, 4, 8 …; reports the highest request rate
    whose p99 ≤ 250 ms (the throughput target: ≥ 100 req/s) and whose p99 ≤ 1 s.
Both run for each worker count (``--workers 1,2``: one uvicorn process, then two behind one socket,
as ``puhui serve --workers 2``) and are printed side by side; locust runs on the same 2 cores. Each
server first gets ``--warmup`` s of unreported traffic (a running server is warm); the messages come
from a fixed pool, so the per-process memos (query vectors, FAQ hits, KB passages) mostly hit —
``--no-memo`` measures every turn computed from scratch.
For both, where the time goes per request: the Server-Timing components the API returns (embedding,
guard, FAQ match, KB retrieval, graph total, serialisation) and the remainder (HTTP, routing, thread
pool, queueing).

    .venv/bin/python -m bench.cs_load                       # both, 60 s open loop, 20 s per closed step, 1 and 2 workers
    .venv/bin/python -m bench.cs_load --only b --workers 2 --step 15
Needs locust (pip install -e '.[bench]'). Results: printed, and var/bench/cs_load.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from fastapi import Depends

from app import create_app
from core.settings import Settings
from server.api import cs, openai_compat, qa
from server.security import require_caller

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-key-0001"


def make_app():
    """uvicorn factory: the real app (no UI), generous rate limit, data dir from CS_BENCH_DATA."""
    settings = Settings(data_dir=Path(os.environ["CS_BENCH_DATA"]), api_keys=f"{KEY}:bench_customer",
                        rate_limit_per_min=100_000, llm_provider="none",
                        embedding_threads=int(os.environ.get("CS_BENCH_EMBED_THREADS", "1")),
                        workers=int(os.environ.get("CS_BENCH_WORKERS", "1")),  # >1: the shared rate limiter
                        embedding_query_memo=int(os.environ.get("CS_BENCH_MEMO", "4096")),
                        cs_turn_memo=int(os.environ.get("CS_BENCH_MEMO", "4096")))
    app = create_app(settings, with_ui=False)
    if "/v1/cs/sessions" not in {getattr(r, "path", "") for r in app.routes}:
        for router in (cs.router, openai_compat.router, qa.router):
            app.include_router(router, dependencies=[Depends(require_caller)])
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int, workers: int = 1) -> subprocess.Popen:
    env = {**os.environ, "CS_BENCH_DATA": str(data), "HF_HUB_OFFLINE": "1", "CS_BENCH_WORKERS": str(workers)}
    log = (data / "server.log").open("w")  # a file, not a pipe: a full pipe would block the server
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bench.cs_load:make_app", "--factory", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning", "--no-access-log", "--workers", str(workers),
                             "--timeout-worker-healthcheck", "60"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((data / "server.log").read_text(encoding="utf-8")[-2000:])
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                seen: set[str] = set()
                for _ in range(40 * workers):  # new connections until every worker built its bot and KB
                    r = httpx.post(f"http://127.0.0.1:{port}/v1/cs/sessions", headers={"X-API-Key": KEY}, timeout=300)
                    sid = r.json()["session_id"]
                    for text in ("银行卡丢了怎么办", "保管箱怎么租"):  # an FAQ hit, and a miss that loads the KB index
                        r = httpx.post(f"http://127.0.0.1:{port}/v1/cs/sessions/{sid}/messages",
                                       headers={"X-API-Key": KEY}, json={"text": text}, timeout=300)
                        seen.add(r.headers.get("x-puhui-worker", ""))
                    if len(seen) >= workers:
                        break
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server did not start in 300 s")


def run_locust(port: int, users: int, pacing: float, seconds: int, out: Path) -> dict:
    prefix = out / f"u{users}_p{pacing:g}"
    timings = out / f"u{users}_p{pacing:g}_timings.json"
    env = {**os.environ, "CS_PACING": str(pacing), "CS_TIMINGS_OUT": str(timings), "CS_BENCH_KEY": KEY}
    rate = max(1.0, users / pacing) if pacing > 0 else users  # the locustfile gives each user a random phase
    cmd = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "cs_locustfile.py"), "--headless",
           "-u", str(users), "-r", f"{rate:g}", "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
           "--csv", str(prefix), "--only-summary", "--stop-timeout", "5", "--exit-code-on-error", "0"]
    subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=seconds + 120, check=False)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["Name"] == "message")
    comp = json.loads(timings.read_text(encoding="utf-8")) if timings.exists() else {}
    breakdown = {k: round(statistics.fmean(v), 2) for k, v in comp.items() if v}
    if "client_total" in breakdown and "graph-total" in breakdown:
        breakdown["http+queue (rest)"] = round(breakdown["client_total"] - breakdown["graph-total"]
                                               - breakdown.get("serialize", 0.0), 2)
    return {"users": users, "pacing_s": pacing, "seconds": seconds, "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]), "rps": round(float(row["Requests/s"]), 2),
            "p50_ms": float(row["50%"]), "p90_ms": float(row["90%"]), "p99_ms": float(row["99%"]),
            "max_ms": float(row["Max Response Time"]), "mean_ms_by_component": breakdown}


def run_config(workers: int, args, data: Path, out: Path) -> dict:
    """Open and closed loop against ``workers`` uvicorn workers (one fresh server)."""
    port = free_port()
    server = start_server(data, port, workers)
    res: dict = {"workers": workers, "memo": os.environ.get("CS_BENCH_MEMO", "4096")}
    try:
        if args.warmup:  # a long-running server is warm: e5 loaded, memos filled by earlier traffic
            run_locust(port, 4, 0.0, args.warmup, out)
        res["load_average_at_start"] = os.getloadavg()
        if args.only in (None, "a"):
            a = run_locust(port, 20, 2.0, args.duration, out)
            a["targets_met"] = a["p50_ms"] <= 50 and a["p99_ms"] <= 250 and a["failures"] == 0
            res["open_loop"] = a
            print(json.dumps({"workers": workers, "open_loop": a}, ensure_ascii=False))
        if args.only in (None, "b"):
            steps = []
            for users in (int(u) for u in args.steps.split(",")):
                s = run_locust(port, users, 0.0, args.step, out)
                steps.append(s)
                print(json.dumps({"workers": workers, **s}, ensure_ascii=False))
                if s["p99_ms"] > 1000 or s["failures"]:
                    break
            ok = [s for s in steps if not s["failures"]]
            res["closed_loop"] = {
                "steps": steps,
                "max_rps_with_p99_under_250ms": max((s["rps"] for s in ok if s["p99_ms"] <= 250), default=0.0),
                "max_rps_with_p99_under_1s": max((s["rps"] for s in ok if s["p99_ms"] <= 1000), default=0.0)}
        res["load_average_at_end"] = os.getloadavg()
    finally:
        server_log = (data / "server.log").read_text(encoding="utf-8", errors="replace")
        if server_log.strip():
            (out / f"server-w{workers}.log").write_text(server_log, encoding="utf-8")
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=["a", "b"])
    ap.add_argument("--duration", type=int, default=60, help="seconds of the open-loop run")
    ap.add_argument("--step", type=int, default=20, help="seconds per closed-loop step")
    ap.add_argument("--steps", default="1,2,4,8,16", help="closed-loop user counts")
    ap.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,2")
    ap.add_argument("--embedding-threads", type=int, default=1, help="PUHUI_EMBEDDING_THREADS of the server")
    ap.add_argument("--warmup", type=int, default=20, help="seconds of unreported closed-loop traffic first")
    ap.add_argument("--no-memo", action="store_true",
                    help="query-vector, FAQ-match and KB-search memos off: every turn computed from scratch")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="cs-load-"))
    warm = ROOT / "var" / "embed_cache"
    if warm.exists():
        shutil.copytree(warm, data / "embed_cache")
    index = ROOT / "var" / "index"
    if index.exists():  # the built KB, so grounded answers run as in production
        shutil.copytree(index, data / "index")
    out = ROOT / "var" / "bench" / "cs_load"
    out.mkdir(parents=True, exist_ok=True)
    os.environ["CS_BENCH_EMBED_THREADS"] = str(args.embedding_threads)
    os.environ["CS_BENCH_MEMO"] = "0" if args.no_memo else "4096"
    results: dict = {"kb_index": index.exists(), "llm": "none", "embedding_threads": args.embedding_threads,
                     "cpus": os.cpu_count(), "configs": []}
    try:
        for workers in (int(w) for w in args.workers.split(",")):
            results["configs"].append(run_config(workers, args, data, out))
    finally:
        shutil.rmtree(data, ignore_errors=True)
    (ROOT / "var" / "bench" / "cs_load.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print("\nworkers | open loop 20 users x 1 msg/2 s: p50 / p99 / errors | closed loop: max req/s with p99 <= 250 ms "
          "(<= 1 s) | load avg start -> end")
    for c in results["configs"]:
        a, b = c.get("open_loop"), c.get("closed_loop")
        open_txt = f"{a['p50_ms']:.0f} / {a['p99_ms']:.0f} ms / {a['failures']}" if a else "-"
        closed_txt = f"{b['max_rps_with_p99_under_250ms']} ({b['max_rps_with_p99_under_1s']})" if b else "-"
        la0, la1 = c["load_average_at_start"], c.get("load_average_at_end", ("?",))
        print(f"{c['workers']:>7} | {open_txt:>46} | {closed_txt:>48} | {la0[0]:.1f} -> {la1[0]:.1f}")


if __name__ == "__main__":
    main()
