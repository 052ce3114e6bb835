"""`portfolio edit` as a student starts it: a child process on a temporary content root,
its address read from the line it prints; and a 12 MB video made once per session."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

STARTUP_SECONDS = 30.0


@dataclass
class Editor:
    """A running `portfolio edit`: its address, token and child process."""

    proc: subprocess.Popen[str]
    url: str                  # the printed address, token included
    root: Path
    output: Path
    lines: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.url.split("/?", 1)[0]

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]

    def request(self, path: str, body: Any = None, *, token: bool = True,
                headers: dict[str, str] | None = None, raw: bytes | None = None,
                method: str | None = None) -> tuple[int, Any]:
        """(status, JSON) of one request; POST when there is a body."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None
                                            else None)
        sent = {"Content-Type": "application/json"} if data is not None else {}
        if token:
            sent["X-Portfolio-Token"] = self.token
        sent.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, headers=sent, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as err:
            status, payload = err.code, err.read()
        try:
            return status, json.loads(payload or b"null")
        except ValueError:
            return status, payload.decode("utf-8", "replace")

    def stop(self) -> str:
        """Stop it as Ctrl+C would; what it wrote to stderr (never a traceback)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        err = self.proc.stderr.read() if self.proc.stderr else ""
        assert "Traceback" not in err, err
        return err


def start_editor(root: Path, output: Path, *extra: str) -> Editor:
    env = {**os.environ, "PORTFOLIO_DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "edit", str(root), "-o", str(output),
         "--no-browser", "--port", "0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    deadline = time.monotonic() + STARTUP_SECONDS
    lines: list[str] = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("http://127.0.0.1:"):
                return Editor(proc, line.strip(), root, output, lines)
        elif proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"no address printed: {lines} {proc.stderr.read() if proc.stderr else ''}")


@pytest.fixture
def editor_for() -> Iterator[Any]:
    """Start editors in a test; each is stopped (and checked for tracebacks) at the end."""
    started: list[Editor] = []

    def start(root: Path, output: Path, *extra: str) -> Editor:
        running = start_editor(root, output, *extra)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture(scope="session")
def big_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real MP4 over the 10 MB 影音 limit (12.4 MB) that fits quickly: 3 s of a small
    test picture, padded to 33 Mbit/s by the encoder's filler (constant bitrate)."""
    path = tmp_path_factory.mktemp("editor-media") / "big.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "3",
         "-c:v", "libx264", "-preset", "ultrafast", "-x264-params", "nal-hrd=cbr",
         "-b:v", "33M", "-minrate", "33M", "-maxrate", "33M", "-bufsize", "2M",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-shortest", str(path)],
        check=True, capture_output=True)
    assert path.stat().st_size > 12_000_000
    return path
