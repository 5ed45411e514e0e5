"""Scale-out and faults on a real deployment: ``puhui serve --workers 2`` on Postgres and a ``chroma run``
server (tests/integration/cluster.py), all on 127.0.0.1.

- any worker continues any session, and ``kill -9`` of the worker that just answered loses no turn
  that was acknowledged (120 sessions, 3 turns each, two kills while the load runs);
- rate limits are one bucket per key across the workers (429 + Retry-After);
- Postgres restarted under load: requests fail fast with 503 + Retry-After, then succeed again
  without restarting Puhui; the same for the Chroma server (KB search 503; the bot's FAQ answers go on);
- ``kill -9`` of everything while loan reviews are running and one is pending: after a restart the
  pending review resumes and the audit chain verifies.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.integration.cluster import CUSTOMER_KEYS, STAFF_KEY, STAFF_KEYS, make_cluster

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ["银行卡丢了怎么挂失", "理财产品保本吗", "手机银行怎么开通", "跨行转账要手续费吗", "信用卡逾期了怎么办",
             "怎么开对公账户"]
SESSIONS, ROUNDS = 120, 3


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, pg_server):
    c = make_cluster(tmp_path_factory.mktemp("cluster"), pg_server.create_database("scaleout"))
    c.start_chroma()
    c.start()
    yield c
    c.kill()
    c.stop_chroma()


def _warm(cluster) -> None:
    """Each worker builds its bot on its first request: touch both before timing anything."""
    seen: set[str] = set()
    deadline = time.monotonic() + 180
    with cluster.client(next(iter(CUSTOMER_KEYS))) as c:
        while len(seen) < cluster.workers and time.monotonic() < deadline:
            with httpx.Client(base_url=cluster.url, headers=c.headers, timeout=120) as fresh:  # a new connection
                r = fresh.post("/v1/cs/sessions", json={})
                assert r.status_code == 201, r.text
                seen.add(r.headers["x-puhui-worker"])


def test_any_worker_continues_any_session_and_kill9_loses_no_turn(cluster):
    _warm(cluster)
    keys = list(CUSTOMER_KEYS)[:10]
    acked: dict[str, list[str]] = {}
    served: dict[str, set[str]] = {}
    owner: dict[str, str] = {}
    last_worker: list[str] = []
    lock = threading.Lock()

    def post(key: str, path: str, body: dict) -> httpx.Response:
        for attempt in range(20):  # a connection to a killed worker fails: retry, as a client would
            try:
                with httpx.Client(base_url=cluster.url, headers={"X-API-Key": key}, timeout=60) as c:
                    r = c.post(path, json=body)
                if r.status_code < 500:
                    return r
            except httpx.TransportError:
                pass
            time.sleep(0.2 * (attempt + 1))
        raise AssertionError(f"{path}: no answer after retries")

    def open_session(i: int) -> None:
        key = keys[i % len(keys)]
        r = post(key, "/v1/cs/sessions", {"channel": "web"})
        assert r.status_code == 201, r.text
        with lock:
            acked[r.json()["session_id"]], owner[r.json()["session_id"]] = [], key

    def turn(sid: str, n: int) -> None:
        text = f"{QUESTIONS[(hash(sid) + n) % len(QUESTIONS)]}（第{n + 1}问）"
        r = post(owner[sid], f"/v1/cs/sessions/{sid}/messages", {"text": text})
        assert r.status_code == 200, r.text
        with lock:
            acked[sid].append(text)
            served.setdefault(sid, set()).add(r.headers["x-puhui-worker"])
            last_worker.append(r.headers["x-puhui-worker"])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(open_session, range(SESSIONS)))
        kills = []
        for n in range(ROUNDS):
            futures = [pool.submit(turn, sid, n) for sid in list(acked)]
            if n > 0:  # mid-round, while turns are in flight: kill -9 the worker that answered last
                while sum(f.done() for f in futures) < len(futures) // 3:
                    time.sleep(0.05)
                victim = int(last_worker[-1])
                os.kill(victim, signal.SIGKILL)
                kills.append(victim)
            for f in futures:
                f.result()

    lost, extra = 0, 0
    with ThreadPoolExecutor(8) as pool:
        views = dict(zip(acked, pool.map(lambda s: post_view(cluster, owner[s], s), acked)))
    for sid, texts in acked.items():
        said = [t["text"] for t in views[sid]["transcript"] if t["role"] == "customer"]
        it = iter(said)
        lost += sum(1 for t in texts if t not in it)  # in order: each acknowledged turn, after the one before
        extra += len(said) - len(texts)  # a turn applied whose reply the killed worker never sent, then retried
    both = sum(1 for s in served.values() if len(s) > 1)
    print(f"\n{len(acked)} sessions x {ROUNDS} turns, killed workers {kills}: lost {lost}, duplicated {extra}, "
          f"sessions served by >1 worker {both}, workers seen {len(Counter(last_worker))}")
    assert lost == 0
    assert len(kills) == ROUNDS - 1 and both >= len(acked) // 4  # sessions really moved between processes


def post_view(cluster, key: str, sid: str) -> dict:
    for attempt in range(20):
        try:
            with httpx.Client(base_url=cluster.url, headers={"X-API-Key": key}, timeout=60) as c:
                r = c.get(f"/v1/cs/sessions/{sid}")
            if r.status_code == 200:
                return r.json()
        except httpx.TransportError:
            pass
        time.sleep(0.2 * (attempt + 1))
    raise AssertionError(f"no transcript for {sid}")


def test_rate_limit_is_one_bucket_per_key_across_workers(cluster):
    """120/min per key: a burst of 200 gets at most 120 (+ refill) through two workers, then 429."""
    key = list(CUSTOMER_KEYS)[9]  # partly used by the kill test: fewer pass, the bound still holds
    codes, workers, retry = [], set(), None
    t0 = time.monotonic()
    for _ in range(200):
        with httpx.Client(base_url=cluster.url, headers={"X-API-Key": key}, timeout=30) as c:  # new connections
            r = c.get("/v1/cs/sessions/cs_" + "0" * 24)
        codes.append(r.status_code)
        workers.add(r.headers["x-puhui-worker"])
        if r.status_code == 429:
            retry = int(r.headers["retry-after"])
    elapsed = time.monotonic() - t0
    passed = sum(1 for c in codes if c != 429)
    assert set(codes) <= {404, 429} and retry is not None and retry >= 1
    assert len(workers) == 2, "both workers must have answered for this to test the shared bucket"
    assert passed <= 120 + 2 * elapsed + 2, f"{passed} requests passed a 120/min limit in {elapsed:.1f} s"


class Load:
    """Requests back to back from a thread: (seconds since start, kind, status, latency, Retry-After)."""

    def __init__(self, cluster, calls):
        self.cluster, self.calls, self.log, self.t0 = cluster, calls, [], time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for kind, call in self.calls:
                t = time.monotonic()
                try:
                    r = call()
                    status, retry = r.status_code, r.headers.get("retry-after")
                except httpx.TransportError:
                    status, retry = -1, None
                self.log.append((t - self.t0, kind, status, time.monotonic() - t, retry))
            time.sleep(0.1)  # ~4 turns/s per key: 15 s stay within a fresh 120-token bucket

    def __enter__(self) -> "Load":
        self._thread.start()
        deadline = time.monotonic() + 180
        while len([e for e in self.log if e[2] == 200]) < 6:  # both workers warm (bots built) first
            assert time.monotonic() < deadline, self.log[-5:]
            time.sleep(0.2)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def since(self, t: float, kind: str) -> list[tuple]:
        return [e for e in self.log if e[0] >= t and e[1] == kind]


def _cs_calls(cluster, n: int):
    """A bot turn (customer key 10+n) and a KB search (staff key 1+n): keys no other test drains."""
    key = list(CUSTOMER_KEYS)[10 + n]
    with cluster.client(key) as c:
        # set-up, not the measurement: after the Postgres restart a worker's first use of a stale pooled
        # connection is a 503 with Retry-After (as designed); a client waits and asks again
        deadline = time.monotonic() + 30
        r = c.post("/v1/cs/sessions", json={})
        while r.status_code == 503 and time.monotonic() < deadline:
            time.sleep(float(r.headers.get("Retry-After", "1")))
            r = c.post("/v1/cs/sessions", json={})
        assert r.status_code == 201, r.text
        sid = r.json()["session_id"]
    cs = httpx.Client(base_url=cluster.url, headers={"X-API-Key": key}, timeout=30)
    kb = httpx.Client(base_url=cluster.url, headers={"X-API-Key": STAFF_KEYS[1 + n]}, timeout=30)
    return [("cs", lambda: cs.post(f"/v1/cs/sessions/{sid}/messages", json={"text": "银行卡丢了怎么挂失"})),
            ("kb", lambda: kb.post("/v1/kb/search", json={"query": "丹阳眼镜的旺季", "k": 3}))]


def _outage_report(load: Load, kind: str, down: float, up: float) -> tuple[list, list]:
    during = [e for e in load.since(down, kind) if e[0] < up]
    after = load.since(up, kind)
    return during, after


def _recovered_at(after: list, up: float) -> float:
    """Seconds after ``up`` from which every request of the kind succeeded."""
    bad = [e for e in after if e[2] != 200]
    return (max(e[0] for e in bad) - up) if bad else 0.0


def test_postgres_restart_under_load_fails_fast_then_recovers(cluster, pg_server):
    with Load(cluster, _cs_calls(cluster, 0)) as load:
        time.sleep(3)
        down = load.log[-1][0]
        pg_server.stop("fast")
        time.sleep(6)
        up = time.monotonic() - load.t0
        pg_server.start()
        time.sleep(8)
    during, after = _outage_report(load, "cs", down, up)
    failed = [e for e in during if e[2] == 503]
    print(f"\npostgres down {up - down:.1f} s: cs {len(during)} requests, {len(failed)} x 503, "
          f"503 latency max {max(e[3] for e in failed):.2f} s median {sorted(e[3] for e in failed)[len(failed) // 2]:.3f} s; "
          f"recovered {_recovered_at(after, up):.2f} s after the restart")
    assert failed and all(e[4] for e in failed), "503s must carry Retry-After"
    assert all(e[2] in (200, 503) for e in during), {e[2] for e in during}
    assert max(e[3] for e in failed) <= 3.0  # PUHUI_DATABASE_TIMEOUT_S (2 s) + 1 s at worst; most fail at once
    assert sorted(e[3] for e in failed)[len(failed) // 2] < 0.5
    assert after and _recovered_at(after, up) < 5 and after[-1][2] == 200
    assert all(e[2] == 200 for e in load.since(down, "kb"))  # the KB does not need Postgres


def test_chroma_restart_under_load_fails_fast_then_recovers(cluster):
    with Load(cluster, _cs_calls(cluster, 1)) as load:
        time.sleep(3)
        down = load.log[-1][0]
        cluster.stop_chroma()
        time.sleep(4)
        up = time.monotonic() - load.t0
        cluster.start_chroma()
        time.sleep(6)
    during, after = _outage_report(load, "kb", down, up)
    failed = [e for e in during if e[2] == 503]
    print(f"\nchroma down {up - down:.1f} s: kb search {len(during)} requests, {len(failed)} x 503 "
          f"(max {max(e[3] for e in failed):.2f} s); recovered {_recovered_at(after, up):.2f} s after the restart")
    assert failed and all(e[4] for e in failed) and max(e[3] for e in failed) < 3.0  # measured ≤ 1.75 s at load 15
    assert after and _recovered_at(after, up) < 5 and after[-1][2] == 200
    assert all(e[2] == 200 for e in load.since(down, "cs"))  # FAQ answers do not need the vector server


def test_kill9_during_loan_reviews_then_the_pending_one_resumes(cluster):
    cases = {c["id"]: c["input"] for c in map(json.loads, (ROOT / "eval" / "datasets" / "loan_review.jsonl")
                                               .read_text(encoding="utf-8").splitlines())}
    staff = cluster.client(STAFF_KEY, timeout=120)
    r = staff.post("/v1/loan/review", json=cases["refer_rf02_overdue_3"])
    assert r.status_code == 200 and r.json()["status"] == "pending_review", r.text
    thread = r.json()["thread_id"]

    def review(_):  # reviews in flight when everything is killed
        try:
            return cluster.client(STAFF_KEY, timeout=120).post("/v1/loan/review", json=cases["approve_supermarket"]).status_code
        except httpx.TransportError:
            return -1

    with ThreadPoolExecutor(4) as pool:
        running = [pool.submit(review, i) for i in range(8)]
        time.sleep(0.5)
        cluster.kill()  # SIGKILL the supervisor and both workers mid-work
        codes = [f.result() for f in running]
    cluster.start()
    staff = cluster.client(STAFF_KEY, timeout=120)
    pending = [p["thread_id"] for p in staff.get("/v1/loan/reviews/pending").json()]
    assert thread in pending
    r = staff.post(f"/v1/loan/review/{thread}/resume",
                   json={"decision": "approve", "comment": "逾期已结清，同意", "reviewer": "王审查"})
    assert r.status_code == 200 and r.json()["status"] == "completed" and r.json()["decision"] == "approve"

    from tools.credit.audit import AuditLog
    from tools.storage import PostgresDatabase

    db = PostgresDatabase(cluster.database_url)
    log = AuditLog(db)
    verdict = log.verify()
    events = Counter(x["event"] for x in log.records())
    db.close()
    print(f"\nreviews in flight at the kill: {Counter(codes)}; audit {dict(events)}, chain ok={verdict.ok}")
    assert verdict.ok and events["reviewed"] == 1 and events["referred"] >= 1
