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

from generator.support import pillow_settings as imaging

WIDTHS = (480, 960, 1600)
# A picture's own width is made too unless it is this close to a standard one below it.
OWN_WIDTH_MARGIN = 1.25
_ORIENTATION = 0x0112
WEBP_QUALITY = 80
# libwebp's method 2 encodes about three times faster than its default 4, for files ~10%
# larger: on a class of 1,200 photos that is minutes of a full build.
WEBP_METHOD = 2
JPEG_QUALITY = 82


@dataclass(frozen=True)
class Variant:
    file: str      # file name in the derived folder
    width: int
    height: int
    format: str    # webp | jpg | png


def _has_alpha(img: Image.Image) -> bool:
    if img.mode in ("RGBA", "LA", "PA"):
        # getextrema() is per band for these modes, (min, max) of alpha last; Pillow's
        # stubs type it for single-band images only.
        return img.getextrema()[-1][0] < 255  # type: ignore[index]
    return img.mode == "P" and "transparency" in img.info


def open_upright(path: Path, max_pixels: int, max_width: int = WIDTHS[-1]) -> Image.Image:
    """The picture as it should be seen (EXIF rotation applied), decoded at no more than
    about twice `max_width` where the format allows (a JPEG decodes at 1/2, 1/4, 1/8 of
    its size for a fraction of the time: a 12-megapixel phone photo needs no more)."""
    imaging.settle(max_pixels)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as opened:
            opened.seek(0)  # the first frame of an animation
            if opened.format == "JPEG":
                w, h = opened.size
                turned = opened.getexif().get(_ORIENTATION, 1) in (5, 6, 7, 8)
                shown = h if turned else w
                if shown > max_width:
                    scale = max_width / shown
                    opened.draft("RGB", (max(1, round(w * scale)), max(1, round(h * scale))))
            img = ImageOps.exif_transpose(opened)
            img.load()
            if img is opened:
                img = img.copy()
    return img


def widths_for(width: int) -> list[int]:
    """The widths to make: the standard ones below the picture's own, and its own if small."""
    out = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1] and (not out or width > out[-1] * OWN_WIDTH_MARGIN):
        out.append(width)
    return out


def write_variants(img: Image.Image, folder: Path, stem: str) -> list[Variant]:
    """Encode `img` at every width into `folder`, as `<stem>.<width>.<ext>`."""
    icc = img.info.get("icc_profile")
    alpha = _has_alpha(img)
    mode = "RGBA" if alpha else "RGB"
    base = img.convert(mode) if img.mode != mode else img
    fallback = "png" if alpha else "jpg"
    variants: list[Variant] = []
    source = base
    # Largest first, each size made from the one before: a smaller source, the same look.
    for width in sorted(widths_for(base.width), reverse=True):
        if width == source.width:
            sized = source
        else:
            height = max(1, round(base.height * width / base.width))
            sized = source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        source = sized
        extra = {"icc_profile": icc} if icc else {}
        name = f"{stem}.{sized.width}.webp"
        sized.save(folder / name, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD, **extra)
        variants.append(Variant(name, sized.width, sized.height, "webp"))
        name = f"{stem}.{sized.width}.{fallback}"
        if fallback == "jpg":
            sized.save(folder / name, "JPEG", quality=JPEG_QUALITY, progressive=True, **extra)
        else:
            sized.save(folder / name, "PNG", optimize=False, **extra)
        variants.append(Variant(name, sized.width, sized.height, fallback))
    return variants
