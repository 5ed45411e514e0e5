"""Server-Sent Events as the integration tests read them: (event, data) pairs from an httpx stream."""

from __future__ import annotations

from collections.abc import Callable

import httpx


def read_sse(response: httpx.Response, on_event: Callable[[str | None, str], bool | None] | None = None
             ) -> list[tuple[str | None, str]]:
    """The (event, data) pairs of a streamed response; ``on_event`` may return True to hang up."""
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events: list[tuple[str | None, str]] = []
    event = None
    for line in response.iter_lines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            events.append((event, line.split(":", 1)[1].strip()))
            if on_event is not None and on_event(event, events[-1][1]):
                break
    return events
