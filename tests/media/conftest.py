"""Real media made by ffmpeg for the media tests: small unless the point needs size."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


def make_clip(path: Path, seconds: float = 2.0, size: str = "160x120", fps: int = 10,
              vcodec: str = "libx264", acodec: str | None = "aac", extra: tuple[str, ...] = (),
              noise: bool = False) -> Path:
    """A short clip; `noise` keeps it from compressing away when size matters."""
    src = f"nullsrc=s={size}:r={fps},geq=random(1)*255:128:128" if noise \
        else f"testsrc=size={size}:rate={fps}"
    args = ["-f", "lavfi", "-i", src]
    if acodec:
        args += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"]
    args += ["-t", str(seconds), "-c:v", vcodec]
    if vcodec in ("libx264", "libx265"):
        args += ["-preset", "ultrafast"]
    if acodec:
        args += ["-c:a", acodec]
    ffmpeg(*args, *extra, str(path))
    return path


@pytest.fixture(name="make_clip")
def make_clip_fixture() -> Callable[..., Path]:
    return make_clip


@pytest.fixture(name="ffmpeg")
def ffmpeg_fixture() -> Callable[..., None]:
    return ffmpeg


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """Two seconds of H.264/AAC with its index at the front (as phones and `fit` write it)."""
    return make_clip(tmp_path / "clip.mp4", extra=("-movflags", "+faststart"))
