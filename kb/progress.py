"""Progress reporting for long KB work: a plain callback, and a rich progress-bar implementation.

Lower layers only call ``progress(stage, done, total)``; the CLI passes :class:`RichProgress`, the
web UI passes its own callback (e.g. Gradio's ``gr.Progress``), tests pass nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

ProgressFn = Callable[[str, int, int], None]


def noop_progress(stage: str, done: int, total: int) -> None:
    """The default: report nothing."""


class RichProgress:
    """One rich bar per stage, created when the stage first reports. Use as a context manager."""

    def __init__(self, transient: bool = False) -> None:
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), transient=transient)
        self._tasks: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=max(total, 1))
        self._progress.update(self._tasks[stage], completed=done, total=max(total, 1))

    def __enter__(self) -> "RichProgress":
        self._progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._progress.stop()
