"""Browser tests: the built demo in the system Chromium, over HTTP and over file://.

No browser is ever downloaded: the tests use /usr/bin/chromium (CI installs it) and are
skipped only where it is absent. The demo is built once per session and served by a
plain http.server on 127.0.0.1.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline.building import build, default_renderers
from tests.browserkit import CHROMIUM
from tests.site.sitekit import copy_demo


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="no Chromium at /usr/bin/chromium"))


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("browser-demo")
    content = copy_demo(base / "content")
    # Every step but the PDFs (slow, and tested on their own): the crawl then also walks
    # the pages other steps add to the site (dashboard, comparison, checklists).
    result = build(content, base / "output", offline=True, jobs=2,
                   renderers=default_renderers(frozenset({"pdf"})))
    assert not result.failures, result.failures
    return base / "output"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def http_base(demo_output: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 partial(_Quiet, directory=str(demo_output.parent)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # A sub-path, not the server root: the site must not care where it lives.
    yield f"http://127.0.0.1:{server.server_address[1]}/{demo_output.name}/"
    server.shutdown()
    server.server_close()


@dataclass
class Watched:
    """A page with everything it asked for and everything it complained about."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def watched_page(browser: Any, **options: Any) -> Iterator[Watched]:
    context = browser.new_context(**{"viewport": {"width": 1200, "height": 900}, **options})
    page = context.new_page()
    w = Watched(page)
    page.on("request", lambda r: w.requests.append(r.url))
    page.on("console", lambda m: w.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: w.errors.append(str(exc)))
    # A request the browser itself gave up on (net::ERR_ABORTED: the page it was for was
    # left, as the favicon's is when a test goes on to the next page before it arrived)
    # says nothing of the site; a missing or refused file fails otherwise.
    page.on("requestfailed", lambda r: None if r.failure == "net::ERR_ABORTED"
            else w.errors.append(f"failed: {r.url} {r.failure}"))
    try:
        yield w
    finally:
        context.close()
