"""Running ffmpeg and ffprobe: the one place the tool starts them.

Every run is tied to the tool's life (generator.support.lifeline: a killed build leaves
no encoder behind), bounded in time (killed at its timeout), reads nothing from the
terminal, and keeps only the tail of what it says. A file the run writes is removed when
the run fails, times out or is interrupted (Ctrl+C), so no half file is ever taken for a
finished one; a run killed together with the tool leaves at most a temporary file, which
the next command sweeps (generator.support.atomic).

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.support.atomic import OutputWriteError
from generator.support.lifeline import tied

FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"
Progress = Callable[[float], None]
# The lines of a run's error output that are kept: what explains a failure is at the end,
# and a broken file can make ffmpeg say the same thing millions of times.
STDERR_LINES = 10_000


@dataclass(frozen=True)
class Ran:
    """How a run of ffmpeg or ffprobe ended."""

    returncode: int
    stdout: str          # empty when the caller took the lines as they came
    stderr: list[str]    # the last STDERR_LINES lines
    timed_out: bool

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def made(self, output: Path) -> bool:
        """Whether the run succeeded and left something in `output`."""
        return self.ok and output.is_file() and output.stat().st_size > 0


def run_tool(program: str, args: Sequence[str], timeout: float, output: Path | None = None,
             on_line: Callable[[str], None] | None = None) -> Ran:
    """Run `program args`, killed after `timeout` seconds.

    `output` is the file the run writes (a temporary one: atomic.replacing's, or one in a
    folder that is renamed into place when complete): it is removed unless the run
    succeeds. `on_line` gets each line of standard output as it comes (ffmpeg's
    `-progress`); without it standard output is returned whole (ffprobe's JSON).
    OSError when the program cannot be started.
    """
    proc = subprocess.Popen([program, *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            encoding="utf-8", errors="replace", **tied())
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        proc.kill()

    timer = threading.Timer(timeout, expire)
    timer.start()
    stderr: list[str] = []
    reader = threading.Thread(target=_drain, args=(proc.stderr, stderr), daemon=True)
    reader.start()
    stdout: list[str] = []
    ok = False
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if on_line is not None:
                on_line(line)
            else:
                stdout.append(line)
        proc.wait()
        ok = proc.returncode == 0 and not expired.is_set()
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        if not ok and output is not None:
            with contextlib.suppress(OSError):
                Path(output).unlink(missing_ok=True)
    return Ran(proc.returncode, "".join(stdout), stderr[-STDERR_LINES:], expired.is_set())


class FitError(Exception):
    """An encode that failed; the message is ffmpeg's last words, for the finding.

    `key` names a known cause (probe's problem keys) that can be told in every language.
    """

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class EncodeSettings:
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


def run_ffmpeg(args: list[str], settings: EncodeSettings, duration: float = 0.0,
               progress: Progress | None = None) -> None:
    """Encode with `ffmpeg <args>` (output path last); FitError when it fails or hangs."""
    args = ["-nostdin", "-hide_banner", "-v", "error", "-y",
            "-progress", "pipe:1", "-nostats", *args[:-1],
            "-threads", str(settings.threads), "-filter_threads", str(settings.threads),
            args[-1]]
    timeout = settings.timeout or 120.0 + 6.0 * max(duration, 0.0)

    def advance(line: str) -> None:
        if progress and duration > 0 and line.startswith("out_time_us="):
            with contextlib.suppress(ValueError):
                done = int(line.partition("=")[2]) / 1_000_000
                progress(min(1.0, max(0.0, done / duration)))

    try:
        ran = run_tool(FFMPEG, args, timeout, Path(args[-1]), advance)
    except OSError as exc:
        raise FitError(f"ffmpeg not available: {exc}") from exc
    if ran.returncode != 0:
        _disk_refused(ran.returncode, ran.stderr, args[-1])
        last = ran.stderr[-1].strip() if ran.stderr else f"exit code {ran.returncode}"
        if ran.returncode < 0 and not ran.stderr:
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
        if len(into) > 2 * STDERR_LINES:
            del into[:-STDERR_LINES]
