"""Opening every attached file to learn what it really is, cached by content hash.

A file is judged by its bytes: its type is sniffed, images are decoded by Pillow
(with a pixel cap against decompression bombs), PDFs are parsed by pypdf, and
media files are probed and read packet by packet by ffmpeg.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from generator.content.media_probe import probe, verify_packets
from generator.content.sniff import sniff
from generator.model.file_info import FileInfo
from generator.support import pillow_settings as imaging
from generator.support.atomic import OutputWriteError, guarded, write_text
from generator.support.records import read_record

# Bump when inspection learns something new, so cached results are redone. It is part
# of every cache key too. 4: a truncated picture is damaged whatever Pillow's global
# setting was (earlier builds cached truncated JPEGs as fine); PDFs' active content.
INSPECT_VERSION = 5
# A cache of a whole class is a few MB; one far larger was not written by this tool.
MAX_CACHE_BYTES = 256 * 2**20
PDF_TEXT_PAGES = 30
PDF_TEXT_CHARS = 200_000
MEDIA_KINDS = {"mp4", "mp4-like", "mov", "m4a", "m4v", "mp3", "aac", "wav", "ogg", "flac",
               "webm", "avi"}
_GPS_IFD = 0x8825


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def inspect_file(path: Path, name: str, max_pixels: int) -> FileInfo:
    """Everything we can learn about one file; never raises for bad content."""
    try:
        size = path.stat().st_size
        digest = file_sha256(path)
    except OSError as exc:
        return FileInfo(name, 0, "", None, "unreadable", str(exc))
    if size == 0:
        return FileInfo(name, 0, digest, None, "empty")
    kind = sniff(path)
    base: dict[str, Any] = {"name": name, "size": size, "sha256": digest, "kind": kind}
    if kind in ("jpg", "png", "gif", "webp", "tiff", "bmp"):
        return FileInfo(**{**base, **_inspect_image(path, max_pixels)})
    if kind == "pdf":
        return FileInfo(**{**base, **_inspect_pdf(path)})
    if kind in MEDIA_KINDS:
        return FileInfo(**{**base, **_inspect_media(path)})
    return FileInfo(**base)


def _inspect_image(path: Path, max_pixels: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    # WeasyPrint, once imported, lets Pillow pass truncated pictures: every decode
    # here sees the whole file or fails, whatever was imported before.
    imaging.settle()
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice its limit: make it an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                out["width"], out["height"] = img.size
                if img.width * img.height > max_pixels:
                    return {**out, "problem": "too-many-pixels"}
                exif = img.getexif()
                out["has_location"] = bool(exif.get_ifd(_GPS_IFD))
                img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return {**out, "problem": "too-many-pixels"}
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        return {**out, "problem": "corrupt", "detail": str(exc)[:200]}
    return out


def _inspect_pdf(path: Path) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    from generator.support.pdf_cleaning import find_active

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(path, strict=False)
            if reader.is_encrypted:
                return {"problem": "encrypted"}
            pages = len(reader.pages)
            if pages == 0:
                return {"problem": "corrupt", "detail": "no pages", "pages": 0}
            texts: list[str] = []
            total = 0
            for page in reader.pages[:PDF_TEXT_PAGES]:
                text = page.extract_text() or ""
                texts.append(text)
                total += len(text)
                if total > PDF_TEXT_CHARS:
                    break
            active = find_active(reader)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError,
            RecursionError, IndexError, AssertionError) as exc:
        return {"problem": "corrupt", "detail": f"{type(exc).__name__}: {exc}"[:200]}
    return {"pages": pages, "text": "\n".join(texts)[:PDF_TEXT_CHARS], "active": active}


def _inspect_media(path: Path) -> dict[str, Any]:
    info = probe(path)
    if info.problem:
        return {"problem": info.problem}
    out: dict[str, Any] = {
        "duration": info.duration or None,
        "video_codec": info.video_codec,
        "audio_codec": info.audio_codec,
        "has_location": bool(info.location),
        "kind": info.container or None,
    }
    if info.display_size:
        out["width"], out["height"] = info.display_size
    problem = verify_packets(path)
    if problem:
        out["problem"] = problem
    if out["kind"] is None:
        out.pop("kind")
    return out


def _key(digest: str, max_pixels: int) -> str:
    return f"{digest}:{max_pixels}:v{INSPECT_VERSION}"


class InspectCache:
    """Inspection results by content hash, kept in `folder/files.json` (the output's
    `.portfolio/cache`: the content root is only ever read; None: nothing is kept).

    The cache is keyed by size, mtime and path first (so a warm check hashes nothing),
    and by SHA-256 underneath (so a renamed or touched file is not opened again).
    """

    def __init__(self, folder: Path | None):
        self.path = folder / "files.json" if folder else None
        self.by_hash: dict[str, dict[str, Any]] = {}
        self.by_stat: dict[str, str] = {}
        self.dirty = False
        if self.path and self.path.is_file() and not self.path.is_symlink():
            try:
                data = json.loads(read_record(self.path, MAX_CACHE_BYTES))
                if isinstance(data, dict) and data.get("version") == INSPECT_VERSION:
                    by_hash, by_stat = data.get("by_hash"), data.get("by_stat")
                    if isinstance(by_hash, dict) and isinstance(by_stat, dict):
                        self.by_hash, self.by_stat = by_hash, by_stat
            except (OSError, ValueError):
                pass

    @staticmethod
    def _stat_key(path: Path) -> str | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return f"{path}:{st.st_size}:{st.st_mtime_ns}"

    def get(self, path: Path, name: str, max_pixels: int) -> FileInfo:
        return self._known(path, name, max_pixels) or self._inspect(path, name, max_pixels)

    def _known(self, path: Path, name: str, max_pixels: int) -> FileInfo | None:
        """The kept inspection of a file whose size and time are as they were (nothing
        hashed); None when there is none."""
        key = self._stat_key(path)
        return self._kept(self.by_stat.get(key) if key else None, name, max_pixels)

    def _kept(self, digest: str | None, name: str, max_pixels: int) -> FileInfo | None:
        cached = self.by_hash.get(_key(digest, max_pixels)) if digest else None
        if isinstance(cached, dict):
            try:
                return FileInfo(name=name, **cached)
            except TypeError:
                pass  # an entry this version did not write: inspect again
        return None

    def _inspect(self, path: Path, name: str, max_pixels: int) -> FileInfo:
        key = self._stat_key(path)
        digest = self.by_stat.get(key) if key else None
        if digest is None and key is not None:
            try:
                digest = file_sha256(path)
            except OSError:
                digest = None
        kept = self._kept(digest, name, max_pixels)
        if kept is not None:
            return kept
        info = inspect_file(path, name, max_pixels)
        if info.sha256 and key:
            data = info.to_dict()
            data.pop("name")
            self.by_hash[_key(info.sha256, max_pixels)] = data
            self.by_stat[key] = info.sha256
            self.dirty = True
        return info

    def inspect_many(self, jobs: list[tuple[Path, str]], max_pixels: int) -> list[FileInfo]:
        # What is known already is looked up here; only the rest is hashed and opened.
        # Threads suffice: the heavy parts (ffprobe, ffmpeg, Pillow decoding) release the GIL.
        known = [self._known(path, name, max_pixels) for path, name in jobs]
        rest = [job for job, info in zip(jobs, known, strict=True) if info is None]
        made: Iterator[FileInfo] = iter(())
        if rest:
            workers = min(8, (os.cpu_count() or 2) * 2)
            with ThreadPoolExecutor(max_workers=workers) as pool:
                made = iter(list(pool.map(lambda job: self._inspect(job[0], job[1],
                                                                    max_pixels), rest)))
        return [info if info is not None else next(made) for info in known]

    def save(self) -> None:
        # Only a command holding the output writes in it: `check -o` reads this cache of
        # an earlier output, and writes nothing there.
        if not (self.path and self.dirty and guarded()):
            return
        # An output that takes no writes still gets checked, just not cached.
        with contextlib.suppress(OSError, OutputWriteError):
            write_text(self.path, json.dumps({"version": INSPECT_VERSION, "by_hash": self.by_hash,
                                              "by_stat": self.by_stat}, ensure_ascii=False))
