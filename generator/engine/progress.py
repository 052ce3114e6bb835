"""Progress on a terminal; silence in CI, in pipes and in tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def wants_progress(console: Console) -> bool:
    # CI logs and pipes get a clean log, not a redraw of bars.
    return console.is_terminal and not os.environ.get("CI") and not console.is_dumb_terminal


class Reporter:
    """One bar per step of the build when `live`, nothing otherwise."""

    def __init__(self, console: Console | None = None, live: bool | None = None):
        self.console = console or Console(stderr=True, highlight=False)
        self.live = wants_progress(self.console) if live is None else live
        self._progress: Progress | None = None

    @contextmanager
    def running(self) -> Iterator[Reporter]:
        if not self.live:
            yield self
            return
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                  MofNCompleteColumn(), TimeElapsedColumn(),
                                  console=self.console, transient=True)
        with self._progress:
            yield self
        self._progress = None

    def task(self, label: str, total: float) -> TaskProgress:
        if self._progress is None or total == 0:
            return TaskProgress(None, None)
        return TaskProgress(self._progress, self._progress.add_task(label, total=total))


class TaskProgress:
    def __init__(self, progress: Progress | None, task_id: Any):
        self._progress = progress
        self._task = task_id

    def advance(self, n: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, n)

    def update(self, completed: float) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=completed)

    def done(self) -> None:
        if self._progress is not None:
            self._progress.remove_task(self._task)
