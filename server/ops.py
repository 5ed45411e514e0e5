"""Operations pieces of the HTTP app: which worker answered, and readiness for a load balancer.

``X-Puhui-Worker`` (the worker's process id) lets an operator — and the fault tests — see which of
``puhui serve --workers N`` served a request; every worker can serve any session, so it carries no
meaning for a client. A pure ASGI middleware: it costs one header, not a request copy.
"""

from __future__ import annotations

import os
from typing import Any

from tools.storage import is_unavailable


class WorkerHeader:
    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        pid = str(os.getpid()).encode()  # after a fork the worker's own id, not the parent's

        async def with_header(message: dict) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-puhui-worker", pid)]
            await send(message)

        await self.app(scope, receive, with_header)


def readiness(services: Any) -> tuple[bool, dict[str, str]]:
    """(ready, per-store status): the Postgres database (when configured) and the vector store."""
    checks: dict[str, str] = {}
    db = services.database
    if db is not None:
        try:
            db.fetchone("SELECT 1 AS ok")
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            checks["database"] = "unavailable" if is_unavailable(exc) else f"error: {type(exc).__name__}"
    else:
        checks["database"] = "sqlite"
    try:
        services.kb.store.count()
        checks["vector_store"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["vector_store"] = "unavailable" if is_unavailable(exc) else f"error: {type(exc).__name__}"
    return all(v in ("ok", "sqlite") for v in checks.values()), checks
