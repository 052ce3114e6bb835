"""Responsive copies of one picture: WebP and JPEG (PNG where transparent) per width.

Every copy is re-encoded from pixels after the EXIF orientation is applied, and none
carries EXIF: a phone photo's GPS position never reaches the site. Only the colour
profile is kept, so colours look the same.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

WIDTHS = (480, 960, 1600)
WEBP_QUALITY = 80
JPEG_QUALITY = 82


@dataclass(frozen=True)
class Variant:
    file: str      # file name in the derived folder
    width: int
    height: int
    format: str    # webp | jpg | png


def _has_alpha(img: Image.Image) -> bool:
    if img.mode in ("RGBA", "LA", "PA"):
        return img.getextrema()[-1][0] < 255  # type: ignore[index]
    return img.mode == "P" and "transparency" in img.info


def open_upright(path: Path, max_pixels: int) -> Image.Image:
    """The picture as it should be seen (EXIF rotation applied), fully decoded."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as opened:
            opened.seek(0)  # the first frame of an animation
            img = ImageOps.exif_transpose(opened)
            img.load()
            if img is opened:
                img = img.copy()
    return img


def widths_for(width: int) -> list[int]:
    """The widths to make: the standard ones below the picture's own, and its own if small."""
    out = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        out.append(width)
    return out or [WIDTHS[-1]]


def write_variants(img: Image.Image, folder: Path, stem: str) -> list[Variant]:
    """Encode `img` at every width into `folder`, as `<stem>.<width>.<ext>`."""
    icc = img.info.get("icc_profile")
    alpha = _has_alpha(img)
    mode = "RGBA" if alpha else "RGB"
    base = img.convert(mode) if img.mode != mode else img
    fallback = "png" if alpha else "jpg"
    variants: list[Variant] = []
    for width in widths_for(base.width):
        if width == base.width:
            sized = base
        else:
            height = max(1, round(base.height * width / base.width))
            sized = base.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        extra = {"icc_profile": icc} if icc else {}
        name = f"{stem}.{sized.width}.webp"
        sized.save(folder / name, "WEBP", quality=WEBP_QUALITY, method=4, **extra)
        variants.append(Variant(name, sized.width, sized.height, "webp"))
        name = f"{stem}.{sized.width}.{fallback}"
        if fallback == "jpg":
            sized.save(folder / name, "JPEG", quality=JPEG_QUALITY, progressive=True,
                       optimize=True, **extra)
        else:
            sized.save(folder / name, "PNG", optimize=False, **extra)
        variants.append(Variant(name, sized.width, sized.height, fallback))
    return variants
