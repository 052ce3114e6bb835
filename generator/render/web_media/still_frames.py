"""Pictures of things that are not pictures: a video's poster frame, a PDF's first page."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from generator.support.ffmpeg import FFMPEG, run_tool

PDF_THUMB_WIDTH = 960
TIMEOUT = 120


def video_frame(source: Path, duration: float | None, target: Path) -> bool:
    """A PNG of a frame a little way in (the first is often black); False when none."""
    at = min(1.0, (duration or 0) / 3)
    for seek in (at, 0.0):
        args = ["-nostdin", "-v", "error", "-y", "-ss", f"{seek:.3f}", "-i", str(source),
                "-frames:v", "1", "-f", "image2", "-c:v", "png", str(target)]
        try:
            done = run_tool(FFMPEG, args, TIMEOUT, target)
        except OSError:
            return False
        if done.timed_out:
            return False
        if done.made(target):
            return True
    return False


def pdf_first_page(source: Path) -> Image.Image | None:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(source))
    except (pdfium.PdfiumError, OSError):
        return None
    try:
        if len(pdf) == 0:
            return None
        page = pdf[0]
        width = page.get_width() or 1
        bitmap = page.render(scale=PDF_THUMB_WIDTH / width)
        return bitmap.to_pil().convert("RGB")
    except pdfium.PdfiumError:
        return None
    finally:
        pdf.close()


def clean_copy(source: Path, target: Path) -> bool:
    """Audio or video without its metadata (recording place, device, names), stream-copied,
    with the index up front so a browser can start playing before the whole file is in."""
    video = target.suffix.lower() in (".mp4", ".mov", ".m4v", ".webm")
    # Only sound and picture: cover art, timecode and data tracks carry nothing a reader needs.
    streams = ["-map", "0:v:0?", "-map", "0:a?"] if video else ["-map", "0:a"]
    args = ["-nostdin", "-v", "error", "-y", "-i", str(source), *streams,
            "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy"]
    if video or target.suffix.lower() == ".m4a":
        args += ["-movflags", "+faststart"]
    args.append(str(target))
    try:
        return run_tool(FFMPEG, args, TIMEOUT, target).made(target)
    except OSError:
        return False
