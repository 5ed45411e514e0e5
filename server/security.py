"""API keys, the caller they identify (a customer or bank staff), and the FastAPI dependencies that
enforce them.

``PUHUI_API_KEYS`` lists ``key:customer_id`` (a customer: the bot binds each session to it, never
to anything written in a message) and ``key:staff:name`` (bank staff: loan review, chain map, KB,
QA over every dialog, the copilot). Routers that serve staff only declare ``require_staff``; a
customer's key gets 403 there, and a customer never reaches another customer's sessions (404, as
for a session that does not exist). Keys are compared in constant time and never logged: the
``key_id`` of a caller is a fingerprint of the *whole* key, which is also what rate limits count by.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fastapi import HTTPException, Request, status

KEY_HEADER = "X-API-Key"
_CUSTOMER_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


@dataclass(frozen=True)
class Caller:
    key_id: str  # sha256 fingerprint of the full key: unique per key, safe to log
    customer_id: str  # a customer's id; for staff "staff:<name>" (their own test conversations)
    role: Literal["customer", "staff"] = "customer"
    name: str = ""

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"


def key_fingerprint(key: str) -> str:
    return "k_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class ApiKeys:
    """Parsed ``PUHUI_API_KEYS``: ``key:customer_id``, ``key:staff:name`` or a bare key (a customer),
    separated by commas or new lines."""

    def __init__(self, spec: str):
        self._keys: dict[str, Caller] = {}
        for item in (s.strip() for s in re.split(r"[,\n]", spec)):
            if not item:
                continue
            key, _, rest = item.partition(":")
            if len(key) < 8:
                raise ValueError("each API key must have at least 8 characters")
            kid = key_fingerprint(key)
            if rest.startswith("staff:") or rest == "staff":
                name = rest.partition(":")[2] or "staff"
                if not _CUSTOMER_ID.match(name):
                    raise ValueError(f"staff name {name!r}: use 1-64 characters of [A-Za-z0-9_.@-]")
                self._keys[key] = Caller(key_id=kid, customer_id=f"staff:{name}", role="staff", name=name)
            else:
                customer = rest or f"cust_{key[:6]}"
                if not _CUSTOMER_ID.match(customer):
                    raise ValueError(f"customer id {customer!r}: use 1-64 characters of [A-Za-z0-9_.@-]")
                self._keys[key] = Caller(key_id=kid, customer_id=customer, name=customer)

    def __len__(self) -> int:
        return len(self._keys)

    def lookup(self, presented: str) -> Caller | None:
        found = None
        for key, caller in self._keys.items():  # every key compared: the time does not tell which matched
            if hmac.compare_digest(key.encode(), presented.encode()):
                found = caller
        return found

    def has_staff(self) -> bool:
        return any(c.is_staff for c in self._keys.values())


def ensure_dev_key(spec: str, data_dir: Path) -> str:
    """With no keys configured, create (once) a local dev staff key and a dev customer key in
    data_dir/api_keys.txt. The server is never open without a key; the file is readable only by its
    owner and created atomically (several workers may start at once). A dev file from before roles
    existed (one customer key) gets a staff key added, so the workbench login keeps working."""
    if spec.strip():
        return spec
    path = data_dir / "api_keys.txt"
    data_dir.mkdir(parents=True, exist_ok=True)
    staff = f"pk-{secrets.token_urlsafe(24)}:staff:dev"
    fresh = f"{staff}\npk-{secrets.token_urlsafe(24)}:demo_customer\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        text = path.read_text(encoding="utf-8").strip()
        if text and not ApiKeys(text).has_staff():
            tmp = path.with_name(f".api_keys.{os.getpid()}.tmp")
            tmp.write_text(f"{staff}\n{text}\n", encoding="utf-8")
            tmp.chmod(0o600)
            os.replace(tmp, path)
            text = path.read_text(encoding="utf-8").strip()
        return text
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(fresh)
    return fresh.strip()


def presented_key(request: Request) -> str:
    key = request.headers.get("x-api-key", "")
    if not key:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            key = auth[7:].strip()
    return key


def _key_error(code: int, message: str, headers: dict[str, str] | None = None) -> HTTPException:
    return HTTPException(code, detail={"error": message, "fields": [{"field": f"header.{KEY_HEADER}", "message": message}]},
                         headers=headers)


def require_caller(request: Request) -> Caller:
    """FastAPI dependency: a valid API key (X-API-Key or Bearer) within its rate limit."""
    keys: ApiKeys = request.app.state.api_keys
    presented = presented_key(request)
    caller = keys.lookup(presented) if presented else None
    if caller is None:
        raise _key_error(status.HTTP_401_UNAUTHORIZED, "missing or invalid API key (send X-API-Key or Authorization: Bearer)",
                         {"WWW-Authenticate": "Bearer"})
    allowed, retry_after = request.app.state.rate_limiter.allow(caller.key_id)
    if not allowed:
        raise _key_error(status.HTTP_429_TOO_MANY_REQUESTS, "rate limit exceeded for this API key",
                         {"Retry-After": str(max(1, int(retry_after + 0.999)))})
    request.state.caller = caller
    return caller


def caller_of(request: Request) -> Caller:
    """The caller app.py's require_caller dependency already authenticated (never re-charged)."""
    caller = getattr(request.state, "caller", None)
    return caller if caller is not None else require_caller(request)


def require_staff(request: Request) -> Caller:
    """Router dependency for staff-only routes: a customer's key is refused with 403."""
    caller = caller_of(request)
    if not caller.is_staff:
        raise _key_error(status.HTTP_403_FORBIDDEN, "this route is for bank staff: use a staff API key")
    return caller
