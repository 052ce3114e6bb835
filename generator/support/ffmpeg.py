"""Running ffmpeg safely: bounded threads, a timeout, progress, and atomic output.

Command lines are built as plain argument lists rather than with ffmpeg-python:
its graph builder cannot express optional maps (`0:a:0?`) and puts global
options after the output, where ffmpeg ignores them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from generator.support.atomic import OutputWriteError
from generator.support.lifeline import tied

FFMPEG = "ffmpeg"
Progress = Callable[[float], None]


class FitError(Exception):
    """An encode that failed; the message is ffmpeg's last words, for the finding.

    `key` names a known cause (probe's problem keys) that can be told in every language.
    """

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Settings:
    """How hard ffmpeg works. Part of the cache key: other settings, other output.

    `threads` bounds ffmpeg's (and x264's) own threads, so that items fitted in
    parallel share the cores instead of each grabbing all of them.
    """

    preset: str = "veryfast"
    crf: int = 23
    threads: int = 1
    timeout: float | None = None  # seconds per encode; None: scaled to the media's length

    def key(self) -> dict[str, object]:
        # Threads and timeouts change how fast, not what comes out.
        return {"preset": self.preset, "crf": self.crf}


def default_threads(jobs: int) -> int:
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


def run_ffmpeg(args: list[str], settings: Settings, duration: float = 0.0,
               progress: Progress | None = None) -> None:
    """Run `ffmpeg <args>` (output path last); FitError when it fails or hangs."""
    cmd = [FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-y",
           "-progress", "pipe:1", "-nostats", *args[:-1],
           "-threads", str(settings.threads), "-filter_threads", str(settings.threads),
           args[-1]]
    timeout = settings.timeout or 120.0 + 6.0 * max(duration, 0.0)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, errors="replace", **tied())
    except OSError as exc:
        raise FitError(f"ffmpeg not available: {exc}") from exc
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    stderr_lines: list[str] = []
    reader = threading.Thread(target=_drain, args=(proc.stderr, stderr_lines), daemon=True)
    reader.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if progress and duration > 0 and line.startswith("out_time_us="):
                with contextlib.suppress(ValueError):
                    done = int(line.partition("=")[2]) / 1_000_000
                    progress(min(1.0, max(0.0, done / duration)))
        proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
    if proc.returncode != 0:
        _disk_refused(proc.returncode, stderr_lines, args[-1])
        last = stderr_lines[-1].strip() if stderr_lines else f"exit code {proc.returncode}"
        if proc.returncode < 0 and not stderr_lines:
            last = f"timed out after {timeout:.0f} s"
        raise FitError(last)
    if progress:
        progress(1.0)


def _disk_refused(code: int, stderr: list[str], target: str) -> None:
    """ffmpeg stopped because the disk takes nothing more: that is no fault of the file."""
    said = "".join(stderr)
    if code == -signal.SIGXFSZ or "File too large" in said:
        raise OutputWriteError(target, OSError(errno.EFBIG, os.strerror(errno.EFBIG)))
    if "No space left on device" in said:
        raise OutputWriteError(target, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))


def _drain(stream: Iterable[str], into: list[str]) -> None:
    for line in stream:
        into.append(line)
        del into[:-20]  # the tail is what explains a failure
