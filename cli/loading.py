"""The one 「加载模型…」 line every model-loading command prints on stderr (issue #19: a first command
in a fresh data folder sat silent for ~20 s while the embedding model and the index loaded).

``loading_models()`` prints the line before the block that builds the assistants or the knowledge
base; with ``warm`` (a callable that embeds one text) the model is loaded inside the block, so the
time is paid where the line explains it and 「模型已就绪（N 秒）」 follows. Without ``warm`` the model
loads lazily on first use (an unchanged ``puhui ingest`` never needs it) and the line says it may.
stderr only: stdout stays clean for ``--json`` output and pipes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console

LOADING = "加载模型…"
err = Console(stderr=True)


@contextmanager
def loading_models(warm: Callable[[], Any] | None = None, console: Console | None = None) -> Iterator[None]:
    out = console or err
    out.print(f"[dim]{LOADING}[/dim]")
    t0 = time.perf_counter()
    yield
    if warm is None:
        return
    try:
        warm()
    except Exception as exc:  # noqa: BLE001 - the callers answer lexically without the vector model
        out.print(f"[yellow]向量模型不可用（{type(exc).__name__}），按关键词匹配[/yellow]")
    out.print(f"[dim]模型已就绪（{time.perf_counter() - t0:.1f} 秒）[/dim]")
