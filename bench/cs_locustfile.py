"""Locust users for bench/cs_load.py (run by it; not imported by the project).

Each user is one customer session: it opens a session, then sends a message every ``CS_PACING`` s
on a fixed schedule with a random phase (independent of response times: the open-loop workload),
or back to back when ``CS_PACING`` is 0 (closed loop); after ``CS_SESSION_TURNS`` messages (10) it
opens a new session, as the next customer would.
Messages are drawn from the eval and calibration questions (single-turn, no hand-off requests), so
the FAQ, grounded and not-sure paths all run. A session handed off to a human is replaced.
Per-request Server-Timing components are summed into ``CS_TIMINGS_OUT`` (JSON) at the end.

FastHttpUser (geventhttpclient), not HttpUser (requests): the load generator runs on the same 2 cores
as the server, and requests' client cost per call is several times geventhttpclient's — CPU the
measured server would not have in production, where clients are elsewhere.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import defaultdict
from pathlib import Path

from locust import FastHttpUser, constant, events, task

from bench.cs_messages import MESSAGES, parse_server_timing

ROOT = Path(__file__).resolve().parents[1]
KEY = os.environ.get("CS_BENCH_KEY", "bench-key-0001")
PACING = float(os.environ.get("CS_PACING", "2"))
#: messages per session before the customer leaves and a new one arrives: bank chats are short, and a
#: session of hundreds of turns (one user typing back to back for a minute) would measure the growing
#: checkpoint instead of a customer's turn
SESSION_TURNS = int(os.environ.get("CS_SESSION_TURNS", "10"))
_timings: dict[str, list[float]] = defaultdict(list)


def fixed_schedule(user: "Customer") -> float:
    """Open loop: sends at phase + k·PACING regardless of how long the last answer took (locust's
    constant_pacing re-aligns every user to its spawn batch, which turns 20 users into bursts)."""
    user.next_send += PACING
    return max(0.0, user.next_send - time.time())


class Customer(FastHttpUser):
    wait_time = fixed_schedule if PACING > 0 else constant(0)

    def on_start(self) -> None:
        self.headers = {"X-API-Key": KEY}
        self.rng = random.Random()
        self._new_session()
        # a random phase per customer: real customers do not type in lockstep
        self.next_send = time.time() + (self.rng.uniform(0, PACING) if PACING > 0 else 0.0)
        time.sleep(max(0.0, self.next_send - time.time()))

    def _new_session(self) -> None:
        r = self.client.post("/v1/cs/sessions", json={"channel": "web"}, headers=self.headers, name="create session")
        self.sid = r.json()["session_id"] if r.status_code == 201 else None
        self.turns = 0

    @task
    def ask(self) -> None:
        if self.sid is None:
            self._new_session()
            return
        with self.client.post(f"/v1/cs/sessions/{self.sid}/messages", json={"text": self.rng.choice(MESSAGES)},
                              headers=self.headers, name="message", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
                return
            for k, v in parse_server_timing(r.headers.get("server-timing", "")).items():
                _timings[k].append(v)
            _timings["client_total"].append(r.request_meta["response_time"])
            self.turns += 1
            if r.json()["reply"]["handoff"] is not None or r.json()["reply"]["outcome"] == "handoff_pending" \
                    or self.turns >= SESSION_TURNS:
                self.sid = None  # the human takes over, or the customer is done: the next message opens a new session


@events.test_stop.add_listener
def _dump(**_) -> None:
    out = os.environ.get("CS_TIMINGS_OUT")
    if out:
        Path(out).write_text(json.dumps(_timings), encoding="utf-8")
