"""Fitting a picture given as 文件 into the document budget.

The picture is turned upright (EXIF orientation), stripped of its metadata (a
phone's photo carries where it was taken), and then saved as large as the
budget allows: a JPEG first gives up a little quality at full size, then size;
a PNG is lossless, so it can only give up size.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

GPS_IFD = 0x8825
ORIENTATION = 0x0112
JPEG_QUALITIES = (92, 88, 84, 80)
JPEG_SHRINK_QUALITY = 85
MAX_TRIES = 10


@dataclass(frozen=True)
class PictureInfo:
    format: str  # "JPEG" or "PNG"
    width: int  # as shown, after the EXIF orientation
    height: int
    orientation: int
    has_location: bool

    @property
    def ext(self) -> str:
        return ".png" if self.format == "PNG" else ".jpg"


@dataclass(frozen=True)
class PictureResult:
    width: int
    height: int
    quality: int | None  # JPEG quality; None for PNG
    size: int

    @property
    def label(self) -> str:
        q = f" q{self.quality}" if self.quality else ""
        return f"{self.width}×{self.height}{q}"


def inspect(path: Path) -> PictureInfo | None:
    """The picture's format, shown size and metadata; None when it is no JPEG/PNG."""
    try:
        with Image.open(path) as img:
            if img.format not in ("JPEG", "PNG", "MPO"):
                return None
            exif = img.getexif()
            orientation = int(exif.get(ORIENTATION, 1) or 1)
            has_location = bool(exif.get_ifd(GPS_IFD)) or GPS_IFD in exif
            w, h = img.size
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None
    if orientation in (5, 6, 7, 8):
        w, h = h, w
    # A phone's MPO is a JPEG with a second picture appended; the upload wants the first.
    fmt = "JPEG" if img.format == "MPO" else str(img.format)
    return PictureInfo(fmt, w, h, orientation, has_location)


def estimate_long_side(info: PictureInfo, size: int, budget: int) -> int:
    """The long side one may expect after fitting, assuming bytes grow with pixel count."""
    long_side = max(info.width, info.height)
    if size <= budget:
        return long_side
    return int(long_side * min(1.0, math.sqrt(budget / size) * 0.97))


def fit_picture(src: Path, budget: int) -> tuple[bytes, PictureResult]:
    """The picture upright, without metadata, in at most `budget` bytes (ValueError if hopeless)."""
    with Image.open(src) as opened:
        opened.load()
        fmt = "PNG" if opened.format == "PNG" else "JPEG"
        icc = opened.info.get("icc_profile")
        img = ImageOps.exif_transpose(opened) or opened
        img = _for_format(img, fmt)
    full = img.size
    if fmt == "JPEG":
        data = b""
        for quality in JPEG_QUALITIES:
            data = _encode(img, fmt, quality, icc)
            if len(data) <= budget:
                return data, PictureResult(*full, quality, len(data))
        data = _encode(img, fmt, JPEG_SHRINK_QUALITY, icc)
        return _shrink(img, fmt, JPEG_SHRINK_QUALITY, icc, len(data), budget)
    data = _encode(img, fmt, None, icc)
    if len(data) <= budget:
        return data, PictureResult(*full, None, len(data))
    return _shrink(img, fmt, None, icc, len(data), budget)


def _shrink(img: Image.Image, fmt: str, quality: int | None, icc: bytes | None,
            full_bytes: int, budget: int) -> tuple[bytes, PictureResult]:
    # Bytes grow roughly with the pixel count: aim by the square root, then step down.
    scale = min(0.98, math.sqrt(budget / full_bytes) * 0.98)
    for _ in range(MAX_TRIES):
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        data = _encode(img.resize(size, Image.Resampling.LANCZOS), fmt, quality, icc)
        if len(data) <= budget:
            return data, PictureResult(*size, quality, len(data))
        scale *= min(0.95, math.sqrt(budget / len(data)) * 0.99)
    raise ValueError("the picture does not shrink below the limit")


def _for_format(img: Image.Image, fmt: str) -> Image.Image:
    if fmt == "JPEG" and img.mode not in ("RGB", "L"):
        return img.convert("RGB")  # CMYK and friends show wrong colours in browsers
    if fmt == "PNG" and img.mode not in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16"):
        return img.convert("RGBA")
    return img


def _encode(img: Image.Image, fmt: str, quality: int | None, icc: bytes | None) -> bytes:
    """Save with no EXIF, no text chunks: nothing travels along but the colour profile."""
    buf = io.BytesIO()
    extra: dict[str, object] = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        img.save(buf, "JPEG", quality=quality, optimize=True, progressive=True, **extra)
    else:
        img.save(buf, "PNG", compress_level=9, **extra)
    return buf.getvalue()
