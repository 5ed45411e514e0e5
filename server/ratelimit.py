"""Per-key rate limits: a token bucket per API key (its fingerprint), ``per_minute`` requests,
refilled continuously; a refused request is told when a token is back (429 + Retry-After).

One process keeps its buckets in memory (``RateLimiter``). Several workers or hosts share one bucket
per key in the state store (``SharedRateLimiter``: one atomic upsert per request, in a SQLite file
beside the data or in Postgres), because a client's requests land on any worker; otherwise N workers
would grant N times the limit. When the shared store cannot be reached, the limit is kept per
process for that request rather than refusing every caller.
"""

from __future__ import annotations

import logging
import threading
import time

from tools.storage import Database, StoreUnavailable

log = logging.getLogger(__name__)


class RateLimiter:
    """In memory, for one process."""

    def __init__(self, per_minute: int):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key_id: str) -> tuple[bool, float]:
        """(allowed, seconds until the next token when refused)."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key_id] = (tokens - 1, now)
                return True, 0.0
            self._buckets[key_id] = (tokens, now)
            return False, (1 - tokens) / self.rate


_TABLE = ("CREATE TABLE IF NOT EXISTS puhui_rate_buckets (bucket TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, "
          "updated DOUBLE PRECISION NOT NULL, granted INTEGER NOT NULL)",)


class SharedRateLimiter:
    """The same bucket in a table every worker updates atomically (INSERT … ON CONFLICT … RETURNING)."""

    def __init__(self, per_minute: int, db: Database):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.db = db
        self._local = RateLimiter(per_minute)
        self._ready = False
        lo, hi = ("min", "max") if db.dialect == "sqlite" else ("LEAST", "GREATEST")
        level = (f"{lo}({self.capacity!r}, b.tokens + {hi}(0.0, excluded.updated - b.updated) * {self.rate!r})")
        self._sql = (
            "INSERT INTO puhui_rate_buckets AS b (bucket, tokens, updated, granted) VALUES (?, ?, ?, 1) "
            f"ON CONFLICT (bucket) DO UPDATE SET tokens = CASE WHEN {level} >= 1 THEN {level} - 1 ELSE {level} END, "
            f"granted = CASE WHEN {level} >= 1 THEN 1 ELSE 0 END, updated = excluded.updated "
            "RETURNING tokens, granted")

    def allow(self, key_id: str) -> tuple[bool, float]:
        try:
            if not self._ready:
                self.db.script(_TABLE)
                self._ready = True
            row = self.db.fetchone(self._sql, (key_id, self.capacity - 1, time.time()))
        except StoreUnavailable:
            log.warning("rate-limit store unreachable: limiting per process for now")
            return self._local.allow(key_id)
        assert row is not None
        if int(row["granted"]):
            return True, 0.0
        return False, (1 - float(row["tokens"])) / self.rate
