"""support.ffmpeg.run_tool, the one way the tool starts ffmpeg and ffprobe: a run that
fails, hangs or is interrupted leaves no file and no process behind."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.content.media_probe import TOOL_MISSING, probe
from generator.support.ffmpeg import FFMPEG, run_tool

# An encode that never ends by itself: what a hanging ffmpeg looks like.
ENDLESS = ["-nostdin", "-v", "error", "-y", "-re", "-f", "lavfi", "-i",
           "testsrc=size=64x48:rate=10", "-progress", "pipe:1", "-c:v", "mjpeg", "-f", "avi"]


def _running_with(needle: str) -> list[int]:
    """The processes whose command line names `needle`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_a_successful_run_keeps_its_output(tmp_path: Path) -> None:
    out = tmp_path / "frame.png"
    ran = run_tool(FFMPEG, ["-nostdin", "-v", "error", "-f", "lavfi", "-i",
                            "testsrc=size=64x48:rate=1", "-frames:v", "1", str(out)], 60, out)
    assert ran.ok and ran.made(out)


def test_a_failed_run_removes_its_output(tmp_path: Path) -> None:
    out = tmp_path / "frame.png"
    out.write_bytes(b"half a picture")  # what a run that got partway leaves
    ran = run_tool(FFMPEG, ["-nostdin", "-v", "error", "-y", "-i", str(tmp_path / "absent.mp4"),
                            str(out)], 60, out)
    assert not ran.ok and ran.returncode != 0 and ran.stderr
    assert not out.exists()


def test_a_hanging_run_is_killed_and_its_output_removed(tmp_path: Path) -> None:
    out = tmp_path / "endless.avi"
    started = time.monotonic()
    ran = run_tool(FFMPEG, [*ENDLESS, str(out)], 1.5, out)
    assert ran.timed_out and not ran.ok
    assert time.monotonic() - started < 20
    assert not out.exists()
    assert _running_with(str(out)) == []


def test_an_interrupted_run_leaves_no_file_and_no_process(tmp_path: Path) -> None:
    out = tmp_path / "interrupted.avi"
    lines = 0

    def ctrl_c(_line: str) -> None:
        nonlocal lines
        lines += 1
        if lines > 20 and out.is_file() and out.stat().st_size > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_tool(FFMPEG, [*ENDLESS, str(out)], 60, out, ctrl_c)
    assert not out.exists()
    assert _running_with(str(out)) == []


def test_a_missing_program_is_an_os_error(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(OSError):
        run_tool("portfolio-no-such-ffmpeg", ["-version"], 10)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\0" * 64)
    monkeypatch.setattr("generator.content.media_probe.FFPROBE", "portfolio-no-such-ffprobe")
    assert probe(clip).problem == TOOL_MISSING
