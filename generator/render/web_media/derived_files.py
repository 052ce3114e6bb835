"""Deriving a file's web copies once per content, in the shared cache.

What is derived depends only on the file's bytes, so the cache is keyed by its
SHA-256 (plus the recipe version): the same photo in two items, two students or two
builds is processed once. A cache entry is a folder with generic names (`480.webp`,
`copy.mp4`) and a `meta.json`, written to a temporary folder and renamed into place,
so an interrupted build never leaves half an entry.

A picture is decoded once: its web copies and, for a photo the PDFs print, its print
copies (`Job.print_boxes`, into the PDF step's picture cache) come from the same decode
and reductions (print_sizes.py). The print copies are not part of the entry: the PDF
step makes any that are missing the same way.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generator.render.web_media import still_frames as frames
from generator.render.web_media.print_sizes import photo_chain
from generator.render.web_media.responsive_images import (
    Variant,
    open_upright,
    reductions,
    write_variants,
)
from generator.support.atomic import replacing_dir
from generator.support.records import read_record

# Bump when what is derived changes: every entry is made again. 3: a large JPEG is
# decoded at 1/2 scale when that leaves 90 % of the largest width (responsive_images).
RECIPE_VERSION = 3
# Bump one kind's recipe alone: the PDF copy is now cleaned (support/pdf_cleaning.py), which
# is no reason to re-encode every video.
KIND_RECIPE = {"pdf": 2}
IMAGE_KINDS = frozenset({"jpg", "png", "gif", "webp", "tiff", "bmp"})
VIDEO_CODECS_IGNORED = frozenset({"mjpeg", "png"})  # an mp3's cover art is not a video


@dataclass(frozen=True)
class Job:
    key: str
    source: str          # the file in the content
    kind: str            # image | pdf | video | audio
    ext: str             # the copy's extension for pdf, video and audio
    duration: float | None
    max_pixels: int
    # The PDF's print copies of this picture (mm boxes at `print_dpi`), made from the same
    # decode into `print_dir` (render/pdf/print_images.py's cache); not part of the key.
    sha256: str = ""
    print_dir: str = ""
    print_boxes: tuple[tuple[float, float], ...] = ()
    print_dpi: int = 150
    print_quality: int = 80

    def __str__(self) -> str:
        return self.source

    @property
    def cluster_scope(self) -> str:  # needs no student, only the cache (engine/cluster.py)
        return ""


@dataclass
class Derived:
    """One cache entry: generic file names, to be prefixed with the source's name."""

    kind: str
    variants: list[Variant] = field(default_factory=list)   # the picture, poster or page 1
    copy: str | None = None                                 # pdf, audio or video copy
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Derived:
        variants = [Variant(**v) for v in data.get("variants", [])]
        return cls(data["kind"], variants, data.get("copy"), data.get("problem"))


def media_kind(info_kind: str | None, video_codec: str | None) -> str | None:
    """How the site shows a file: image, pdf, video, audio, or None (offered as is)."""
    if info_kind in IMAGE_KINDS:
        return "image"
    if info_kind == "pdf":
        return "pdf"
    if video_codec and video_codec not in VIDEO_CODECS_IGNORED:
        return "video"
    if info_kind in ("mp3", "m4a", "aac", "wav", "ogg", "flac") or (info_kind is not None and (
            info_kind.startswith("mp4"))):
        return "audio"
    return None


def cache_key(sha256: str, kind: str, ext: str, max_pixels: int) -> str:
    version = f"{RECIPE_VERSION}.{KIND_RECIPE[kind]}" if kind in KIND_RECIPE else RECIPE_VERSION
    raw = f"{version}:{kind}:{ext}:{max_pixels}:{sha256}"
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def entry_dir(cache: Path, key: str) -> Path:
    return cache / "site" / key[:2] / key


def load_entry(cache: Path, key: str) -> Derived | None:
    try:
        data = json.loads(read_record(entry_dir(cache, key) / "meta.json"))
        return Derived.from_json(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def derive(cache: Path, job: Job) -> Derived:
    """Make the entry for `job` in `cache` (a worker task: touches only its own folder)."""
    with replacing_dir(entry_dir(cache, job.key)) as work:
        derived = _make(job, Path(job.source), work)
        (work / "meta.json").write_text(json.dumps(derived.to_json()), "utf-8")
    return derived


def _make(job: Job, source: Path, work: Path) -> Derived:
    if job.kind == "image":
        try:
            # One decode, then every size from the largest to the smallest.
            chain = photo_chain(source, job.max_pixels)
            photo = chain is not None
            if chain is None:
                chain = reductions(open_upright(source, job.max_pixels))
        except Exception:
            return Derived("image", problem="unreadable")
        pictures = write_variants(chain, work, "w")
        if photo and job.print_boxes:
            _print_copies(job, source, chain)
        return Derived("image", pictures)
    if job.kind == "pdf":
        from generator.support.pdf_cleaning import clean_pdf

        copy = f"copy.{job.ext}"
        try:
            # The copy reviewers download (and department zips carry) has no scripts,
            # launch actions or attachments; a file without any is copied byte for byte.
            (work / copy).write_bytes(clean_pdf(source)[0])
        except Exception:  # pypdf cannot take it apart: no copy rather than an unchecked one
            return Derived("pdf", problem="unreadable")
        page = frames.pdf_first_page(source)
        return Derived("pdf", write_variants(page, work, "p") if page else [], copy)
    copy = f"copy.{job.ext}"
    if not frames.clean_copy(source, work / copy):
        return Derived(job.kind, problem="unplayable")
    variants: list[Variant] = []
    if job.kind == "video":
        still = work / "still.png"
        if frames.video_frame(source, job.duration, still):
            try:
                variants = write_variants(open_upright(still, job.max_pixels), work, "poster")
            finally:
                still.unlink(missing_ok=True)
    return Derived(job.kind, variants, copy)


def _print_copies(job: Job, source: Path, chain: list[Any]) -> None:
    """The PDF's print copies of a photo, from the reductions its web copies came from."""
    from generator.render.pdf.print_images import ImageCache, PrintBox

    images = ImageCache(Path(job.print_dir))
    for width_mm, height_mm in job.print_boxes:
        images.prepare(source, PrintBox(width_mm, height_mm), job.print_dpi, job.print_quality,
                       digest=job.sha256, chain=chain)
