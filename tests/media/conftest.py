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


# Expensive inputs, made once per session. Each is cheap to encode on purpose: noise
# at 2 fps with a forced bitrate is big on disk but costs x264 almost nothing.

@pytest.fixture(scope="session")
def big_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 s of 1080p noise with a tone: over 10 MB, so it must be transcoded down."""
    path = tmp_path_factory.mktemp("big") / "big.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=1920x1080:r=2,noise=alls=80:allf=t",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "60",
           "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "1600k", "-maxrate", "1600k",
           "-bufsize", "3200k", "-c:a", "aac", "-b:a", "128k", str(path))
    return path


@pytest.fixture(scope="session")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """25 minutes over 10 MB: one tiny minute, stream-copied 25 times end to end."""
    folder = tmp_path_factory.mktemp("long")
    piece = folder / "piece.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=1",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050", "-t", "60",
           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "64k", str(piece))
    listing = folder / "list.txt"
    listing.write_text("".join(f"file '{piece}'\n" for _ in range(25)))
    path = folder / "long.mp4"
    ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(path))
    piece.unlink()
    return path


@pytest.fixture(scope="session")
def wav_named_mp3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 30 MB of CD-quality WAV that calls itself .mp3."""
    path = tmp_path_factory.mktemp("wav") / "song.mp3"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-ac", "2",
           "-t", "175", "-c:a", "pcm_s16le", "-f", "wav", str(path))
    return path


@pytest.fixture(scope="session")
def big_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 6 MB PNG of noise (PNG cannot compress noise, so size tracks pixels)."""
    from PIL import Image

    path = tmp_path_factory.mktemp("png") / "poster.png"
    side = 1420
    Image.frombytes("RGB", (side, side), random_bytes(side * side * 3)).save(
        path, compress_level=1)
    return path


def random_bytes(n: int, seed: int = 8) -> bytes:
    import random

    return random.Random(seed).randbytes(n)


@pytest.fixture(scope="session")
def hevc_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small clip in a codec browsers do not all play: HEVC (MPEG-4 part 2 without x265)."""
    path = tmp_path_factory.mktemp("hevc") / "phone.mp4"
    if HAS_X265:
        return make_clip(path, seconds=2, size="320x240", vcodec="libx265",
                         extra=("-x265-params", "log-level=error", "-tag:v", "hvc1"))
    return make_clip(path, seconds=2, size="320x240", vcodec="mpeg4")


def _has_encoder(name: str) -> bool:
    out = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], capture_output=True,
                         text=True, check=False).stdout
    return any(line.split()[1:2] == [name] for line in out.splitlines() if line.strip())


HAS_X265 = _has_encoder("libx265")
