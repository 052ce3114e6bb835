"""Pillow's process-wide settings, in one place and from the rules.

Pillow keeps two switches as module globals: `Image.MAX_IMAGE_PIXELS`, its guard
against decompression bombs, and `ImageFile.LOAD_TRUNCATED_IMAGES`, which makes a
cut-off picture decode "successfully" with grey where the missing bytes were.
WeasyPrint turns the second on when it is imported, so the same file could be
damaged for `check` and fine for `build` (and the cache would keep whichever verdict
came first). Here the pixel cap is the rules' `image_max_pixels`, and a truncated
picture is always an error: `settle()` is called when the rules are known, by the
inspection before every decode, and wherever WeasyPrint is imported.
"""

from __future__ import annotations

from PIL import Image, ImageFile

_cap: int | None = None


def settle(max_pixels: int | None = None) -> None:
    """Put Pillow's globals back as this tool wants them; `max_pixels` (the rules'
    `image_max_pixels`) becomes the cap, else the last one given stays."""
    global _cap
    if max_pixels is not None:
        _cap = max_pixels
    if _cap is not None:
        Image.MAX_IMAGE_PIXELS = _cap
    ImageFile.LOAD_TRUNCATED_IMAGES = False
