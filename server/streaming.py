"""Live replies for the two streaming endpoints (the bot's SSE route and the OpenAI-compatible one).

A customer-service turn runs in a worker thread; ``LiveTurn`` hands its pieces to the event loop as
they are written, and ``relay`` turns them into what both endpoints send: the checked sentences as
they are released, then the rest of the final reply. The routers only shape events for their protocol.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi.concurrency import run_in_threadpool

from agents.customer_service.service import TurnResult

log = logging.getLogger("puhui.cs")


def server_timing(timings: dict[str, float]) -> str:
    """A ``Server-Timing`` header value from a turn's stage timings (milliseconds)."""
    return ", ".join(f"{k.replace('_', '-')};dur={v:.2f}" for k, v in timings.items())


def chunks(text: str, size: int = 16) -> list[str]:
    """A finished text cut into stream-sized pieces (at least one, possibly empty)."""
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


#: live turns still running after their client left (a reference keeps the task alive until it ends)
_RUNNING: set[asyncio.Future] = set()
LiveRun = Callable[[Callable[[str], None], Callable[[TurnResult], None]], TurnResult]


class LiveTurn:
    """A turn running in a worker thread whose reply is read as it is written.

    ``get()`` returns, in order: ("start", TurnResult with the draft reply) when a live answer
    begins, ("delta", text)…, then ("end", TurnResult) or ("error", exception). A turn without a
    live answer gives just ("end", …). The worker is not tied to the HTTP response: when the client
    disconnects, the turn still finishes and is saved, and what it would have sent is dropped.
    """

    def __init__(self, run: LiveRun):
        self._run = run
        self._loop = asyncio.get_running_loop()
        self._items: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    def _put(self, item: tuple[str, Any]) -> None:
        try:
            self._loop.call_soon_threadsafe(self._items.put_nowait, item)
        except RuntimeError:  # the event loop is closed (server shutting down): nobody is listening
            pass

    def _work(self) -> None:
        try:
            result = self._run(lambda text: self._put(("delta", text)), lambda draft: self._put(("start", draft)))
        except Exception as exc:
            self._put(("error", exc))
        else:
            self._put(("end", result))

    def start(self) -> "LiveTurn":
        task = asyncio.ensure_future(run_in_threadpool(self._work))
        _RUNNING.add(task)
        task.add_done_callback(_RUNNING.discard)
        return self

    async def get(self) -> tuple[str, Any]:
        return await self._items.get()


async def relay(live: LiveTurn) -> AsyncIterator[tuple[str, Any]]:
    """A live turn as both streaming endpoints send it: ("delta", text) for each checked sentence as it
    is released and then for the rest of the final reply (disclosures, notices) in chunks; ("replace",
    final text) if the final text does not continue what was sent (the check node is built never to do
    that to a live reply); then ("end", TurnResult) or ("error", exception)."""
    sent = ""
    while True:
        kind, value = await live.get()
        if kind == "delta":
            sent += value
            yield kind, value
        elif kind == "end":
            final = value.reply.text
            if final.startswith(sent):
                for piece in chunks(final[len(sent):]) if len(final) > len(sent) else []:
                    yield "delta", piece
            else:
                log.error("final reply does not continue the streamed text (session %s)", value.session_id)
                yield "replace", final
            yield kind, value
            return
        elif kind == "error":
            log.error("customer-service turn failed while streaming", exc_info=value)
            yield kind, value
            return
