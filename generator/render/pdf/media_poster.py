"""What stands for a video or a recording on paper: a still frame, its length, a QR code.

Paper cannot play a video, and reviewers will not type a URL, so the page shows a
frame to recognise it by, how long it takes to watch, and a QR code to the online
copy. Frames are cached by the video's hash: ffmpeg runs once per video.
"""

from __future__ import annotations

from pathlib import Path

from generator.render.pdf.print_images import POSTER, ImageCache, PrintImage
from generator.support.atomic import replacing
from generator.support.ffmpeg import FFMPEG, run_tool


class _NoFrame(Exception):
    """ffmpeg failed, hung or wrote nothing: the page goes without a picture."""


def poster_frame(video: Path, digest: str, duration: float | None, cache: ImageCache,
                 dpi: int, quality: int) -> PrintImage | None:
    """A frame from early in the video (past a black first frame), print-sized."""
    folder = cache.folder
    frame = folder / f"{digest[:32]}-frame.png"
    if not frame.is_file():
        at = min(1.0, (duration or 0) / 3)
        try:
            with replacing(frame) as tmp:
                if not run_tool(FFMPEG, ["-nostdin", "-v", "error", "-y", "-ss", f"{at:.2f}",
                                         "-i", str(video), "-frames:v", "1", "-map_metadata",
                                         "-1", "-bitexact", str(tmp)], 60, tmp).made(tmp):
                    raise _NoFrame
        except (OSError, _NoFrame):
            return None
    return cache.prepare(frame, POSTER, dpi, quality, digest=f"{digest[:24]}frame")


def qr_svg(url: str) -> str:
    """An inline SVG QR code: vector, so it stays sharp at any size and weighs little."""
    import segno  # 80 ms to import (its tables): only a build that prints a video pays

    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", lineclass=None)


def duration_label(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    total = round(seconds)
    minutes, secs = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
