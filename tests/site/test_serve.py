"""`portfolio serve` end to end: a real process, a real port, a real edit."""

from __future__ import annotations

import threading
import time
import urllib.request
from pathlib import Path

import pytest

from generator.pipeline.preview_server import EVENTS_PATH, inject
from tests.builder import ContentBuilder
from tests.servekit import serving


def test_inject_puts_the_script_before_body_end() -> None:
    html = inject(b"<html><body><p>x</p></body></html>")
    assert html.index(b"<script>") < html.index(b"</body>")
    assert EVENTS_PATH.encode() in html


@pytest.fixture
def served(content: ContentBuilder, tmp_path: Path):  # type: ignore[no-untyped-def]
    content.student()
    content.course("a", title="第一版標題")
    with serving(str(content.root), "-o", str(tmp_path / "out"), "--skip", "pdf",
                 "-j", "1") as url:
        yield content, url


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.headers["Cache-Control"] == "no-store"
        return resp.read().decode("utf-8")


def test_serve_reloads_after_an_edit(served) -> None:  # type: ignore[no-untyped-def]
    content, url = served
    page = _get(url + "ming/items/a/index.html")
    assert "第一版標題" in page and EVENTS_PATH in page
    assert EVENTS_PATH in _get(url)            # the folder address serves index.html too
    events: list[str] = []

    def listen() -> None:
        with urllib.request.urlopen(url + EVENTS_PATH.lstrip("/"), timeout=60) as stream:
            for raw in stream:
                events.append(raw.decode())
                if raw.startswith(b"data: reload"):
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    time.sleep(0.5)
    content.course("a", title="第二版標題")
    listener.join(60)
    assert any(e.startswith("data: reload") for e in events)
    assert "第二版標題" in _get(url + "ming/items/a/index.html")
