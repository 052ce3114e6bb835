"""The system Chromium for browser tests: where it is, how it is started, and a driver
thread shared by every suite that opens pages.

No browser is ever downloaded: tests use /usr/bin/chromium (CI installs it).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


class BrowserThread:
    """The system Chromium, driven from a thread of its own.

    One per test process (the `chromium` fixture in tests/conftest.py), shared by every
    suite that opens pages. Playwright's sync API is bound to the thread that started
    it; in a thread of its own it never meets pytest's, however tests are ordered.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name="chromium", daemon=True)
        self._started = threading.Event()
        self._error: BaseException | None = None
        self._thread.start()
        self._started.wait(60)
        if self._error:
            raise self._error

    def _serve(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            pw = sync_playwright().start()
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        except BaseException as exc:
            self._error = exc
            self._started.set()
            return
        self._started.set()
        while True:
            job = self._jobs.get()
            if job is None:
                break
            fn, done = job
            try:
                done.put((True, fn(browser)))
            except BaseException as exc:
                done.put((False, exc))
        browser.close()
        pw.stop()

    def run(self, fn: Callable[[Any], T]) -> T:
        """`fn(browser)` in the browser's thread; its exception is raised here."""
        done: queue.Queue[tuple[bool, Any]] = queue.Queue()
        self._jobs.put((fn, done))
        ok, value = done.get(timeout=300)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(30)
