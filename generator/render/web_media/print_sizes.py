"""A photo's print copies from the same decode as its web copies.

The media step decodes each picture once for the site (`responsive_images.open_upright`,
straight at 1/2 or 1/4 scale for a large JPEG) and reduces it step by step. A photo's
print copies (render/pdf/print_images.py: the gallery, inline and page boxes at the
print dpi) are then made from the smallest of those reductions that still covers the
print box, in the same task: the PDF step finds them in its cache and decodes nothing.

A print copy is defined by this chain whichever step makes it: the PDF step, finding
one missing (`build --skip media`, `portfolio fit`, a picture used in a new place),
runs the same decode and reductions, so the bytes are the same either way and a PDF
never depends on which step filled the cache. Only photos take this path (a JPEG in
colour, `photo_chain`); other pictures (screenshots in PNG, greyscale scans) keep
print_images' own decode, which keeps their palette.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from generator.render.web_media.responsive_images import open_upright, reductions


def is_photo(path: Path) -> bool:
    """A colour JPEG: what a phone or camera makes (the header only is read)."""
    try:
        with Image.open(path) as opened:
            return opened.format == "JPEG" and opened.mode == "RGB"
    except (OSError, ValueError, Image.DecompressionBombError):
        return False


def photo_chain(path: Path, max_pixels: int | None = None) -> list[Image.Image] | None:
    """The photo decoded once and reduced to every web width (largest first), or None
    when `path` is not a photo. Raises as Pillow does for an unreadable one."""
    if not is_photo(path):
        return None
    return reductions(open_upright(path, max_pixels))


def print_parent(chain: list[Image.Image], max_w: int, max_h: int) -> Image.Image:
    """The smallest reduction that still fills the print box (`max_w` × `max_h` at the
    picture's own shape), else the largest: what the print copy is resized from."""
    base = chain[0]
    scale = min(1.0, max_w / base.width, max_h / base.height)
    need_w, need_h = base.width * scale, base.height * scale
    fits = [img for img in chain if img.width >= need_w and img.height >= need_h]
    return fits[-1] if fits else base
