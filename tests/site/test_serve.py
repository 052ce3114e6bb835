"""`portfolio serve` end to end: a real process, a real port, a real edit."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from generator.pipeline.preview_server import EVENTS_PATH, inject
from tests.builder import ContentBuilder


def test_inject_puts_the_script_before_body_end() -> None:
    html = inject(b"<html><body><p>x</p></body></html>")
    assert html.index(b"<script>") < html.index(b"</body>")
    assert EVENTS_PATH.encode() in html


@pytest.fixture
def served(content: ContentBuilder, tmp_path: Path):  # type: ignore[no-untyped-def]
    content.student()
    content.course("a", title="第一版標題")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(content.root), "-o",
         str(tmp_path / "out"), "--port", "0", "--skip", "pdf", "-j", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        url = None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            m = re.search(r"http://127\.0\.0\.1:\d+/", line)
            url = m.group(0) if m else None
        assert url, proc.stderr.read() if proc.stderr else ""
        yield content, url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


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
