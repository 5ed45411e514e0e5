"""API keys, the caller they identify, and a per-key rate limit.

A key maps to a customer id (``key:customer``) so the customer-service bot binds each session to the
authenticated caller, never to anything written in a message. Keys are compared in constant time and
never logged in full.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request, status


@dataclass(frozen=True)
class Caller:
    key_id: str  # first 6 characters of the key: safe to log
    customer_id: str


class ApiKeys:
    """Parsed ``PUHUI_API_KEYS`` (``key[:customer_id],…``)."""

    def __init__(self, spec: str):
        self._keys: dict[str, str] = {}
        for item in (s.strip() for s in spec.split(",")):
            if not item:
                continue
            key, _, customer = item.partition(":")
            if len(key) < 8:
                raise ValueError("each API key must have at least 8 characters")
            self._keys[key] = customer or f"cust_{key[:6]}"

    def __len__(self) -> int:
        return len(self._keys)

    def lookup(self, presented: str) -> Caller | None:
        for key, customer in self._keys.items():
            if hmac.compare_digest(key.encode(), presented.encode()):
                return Caller(key_id=key[:6], customer_id=customer)
        return None


def ensure_dev_key(spec: str, data_dir: Path) -> str:
    """With no keys configured, create (once) a local dev key in data_dir/api_keys.txt.

    The server is never open without a key; the file is readable only by its owner.
    """
    if spec.strip():
        return spec
    path = data_dir / "api_keys.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    spec = f"pk-{secrets.token_urlsafe(24)}:demo_customer"
    path.write_text(spec + "\n", encoding="utf-8")
    path.chmod(0o600)
    return spec


class RateLimiter:
    """Token bucket per key: ``per_minute`` requests, refilled continuously."""

    def __init__(self, per_minute: int):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key_id: str) -> tuple[bool, float]:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key_id] = (tokens - 1, now)
                return True, 0.0
            self._buckets[key_id] = (tokens, now)
            return False, (1 - tokens) / self.rate


def _presented_key(request: Request) -> str:
    key = request.headers.get("x-api-key", "")
    if not key:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            key = auth[7:].strip()
    return key


def require_caller(request: Request) -> Caller:
    """FastAPI dependency: a valid API key (X-API-Key or Bearer) within its rate limit."""
    keys: ApiKeys = request.app.state.api_keys
    presented = _presented_key(request)
    caller = keys.lookup(presented) if presented else None
    if caller is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="missing or invalid API key (send X-API-Key or Authorization: Bearer)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    allowed, retry_after = request.app.state.rate_limiter.allow(caller.key_id)
    if not allowed:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="rate limit exceeded for this API key",
            headers={"Retry-After": str(max(1, int(retry_after + 0.999)))},
        )
    request.state.caller = caller
    return caller


def caller_of(request: Request) -> Caller:
    """The caller app.py's require_caller dependency already authenticated (never re-charged)."""
    caller = getattr(request.state, "caller", None)
    return caller if caller is not None else require_caller(request)
