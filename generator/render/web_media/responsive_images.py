"""Responsive copies of one picture: WebP and JPEG (PNG where transparent) per width.

Every copy is re-encoded from pixels after the EXIF orientation is applied, and none
carries EXIF: a phone photo's GPS position never reaches the site. Only the colour
profile is kept, so colours look the same.

A picture is decoded once (`open_upright`, counted in `DECODES`) and reduced step by
step from the largest size to the smallest (`reductions`); the PDF's print copies of a
photo come from the same reductions (print_sizes.py).
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from generator.support import pillow_settings as imaging

# The widths the theme's `sizes` ask for (render/site/item_views.py): a card's 12rem
# and a page's 48rem column, at up to twice the pixel density (480 covers a card, 960 a
# column at 1x, 1600 at 2x). Every one is in some page's srcset.
WIDTHS = (480, 960, 1600)
# A JPEG is decoded straight at 1/2, 1/4 or 1/8 scale (draft mode) while the result is at
# least this share of the largest width: a 3000 px photo decodes at 1500 px, four times
# fewer pixels and no 3000→1600 resize (together ~150 ms of ~450 ms a photo), for a
# largest copy 6 % narrower than 1600 — below what a 48rem column at 2x shows.
DRAFT_SLACK = 0.9
# Pictures decoded in this process, by path: what "one decode per photo" is checked by
# (tests/media/test_one_decode.py).
DECODES: Counter[str] = Counter()
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


def open_upright(path: Path, max_pixels: int | None,
                 max_width: int = WIDTHS[-1]) -> Image.Image:
    """The picture as it should be seen (EXIF rotation applied), decoded at no more than
    about twice `max_width` where the format allows (a JPEG decodes at 1/2, 1/4, 1/8 of
    its size for a fraction of the time: a 12-megapixel phone photo needs no more).
    `max_pixels` None keeps the cap the rules last set (support/pillow_settings.py)."""
    imaging.settle(max_pixels)
    DECODES[str(path)] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as opened:
            opened.seek(0)  # the first frame of an animation
            if opened.format == "JPEG":
                w, h = opened.size
                turned = opened.getexif().get(_ORIENTATION, 1) in (5, 6, 7, 8)
                shown = h if turned else w
                if shown > max_width * DRAFT_SLACK:
                    # The draft keeps at least this size: the smallest DCT scale above it.
                    scale = max_width * DRAFT_SLACK / shown
                    opened.draft("RGB", (max(1, round(w * scale)), max(1, round(h * scale))))
            # Draft first, then turn: the draft sets the decoder's scale, and the turn is
            # done on the smaller pixels (exif_transpose loads them).
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


def reductions(img: Image.Image) -> list[Image.Image]:
    """`img` in the mode the copies are encoded in, then each width of `widths_for` it
    needs below its own, largest first, each made from the one before (a smaller source,
    the same look). The print copies of a photo are made from these too."""
    mode = "RGBA" if _has_alpha(img) else "RGB"
    base = img.convert(mode) if img.mode != mode else img   # keeps `info`: the profile
    chain = [base]
    for width in sorted(widths_for(base.width), reverse=True):
        if width != chain[-1].width:
            height = max(1, round(base.height * width / base.width))
            chain.append(chain[-1].resize((width, height), Image.Resampling.LANCZOS,
                                          reducing_gap=3.0))
    return chain


def write_variants(img: Image.Image | list[Image.Image], folder: Path,
                   stem: str) -> list[Variant]:
    """Encode `img` (or its `reductions`) at every width into `folder`, as
    `<stem>.<width>.<ext>`."""
    chain = img if isinstance(img, list) else reductions(img)
    base = chain[0]
    icc = base.info.get("icc_profile")
    fallback = "png" if base.mode == "RGBA" else "jpg"
    wanted = set(widths_for(base.width))
    variants: list[Variant] = []
    for sized in chain:
        if sized.width not in wanted:
            continue
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
