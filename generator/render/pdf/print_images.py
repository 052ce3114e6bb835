"""Pictures at the size the page prints them, not the size the camera took them.

A phone photo is 12 megapixels; printed 17 cm wide at 150 dpi it needs one. Each
image is downscaled to fit its print box at the chosen dpi, turned upright, stripped
of metadata (EXIF location must not travel into the PDF), and stored in a cache by
the hash of its bytes and the target, so an unchanged picture is resized only once.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from generator.content.file_inspection import file_sha256
from generator.render.web_media.print_sizes import photo_chain, print_parent
from generator.support.atomic import write_bytes

MM_PER_INCH = 25.4
# 2: a photo's copy comes from the media step's decode and reductions (print_sizes.py).
CACHE_VERSION = 2


@dataclass(frozen=True)
class PrintBox:
    """Where a picture goes on the page: the largest size it may print at, in mm."""

    width_mm: float
    height_mm: float

    def pixels(self, dpi: int) -> tuple[int, int]:
        return (max(1, round(self.width_mm / MM_PER_INCH * dpi)),
                max(1, round(self.height_mm / MM_PER_INCH * dpi)))


# The print theme's CSS caps images at these boxes (print.css: .inline-image, .gallery).
INLINE = PrintBox(170, 120)
GALLERY = PrintBox(82, 62)
POSTER = PrintBox(80, 60)
# A picture given as 文件, on a page of its own (A4 inside the margins, under the header).
PAGE = PrintBox(170, 235)


SCHEME = "print-image"


@dataclass(frozen=True)
class PrintImage:
    path: Path
    width: int
    height: int

    @property
    def url(self) -> str:
        """Where the print theme finds the picture. Not a file:// URL: WeasyPrint names
        each image in the PDF after its URL, and the PDF must not depend on where the
        cache happens to be."""
        return f"{SCHEME}:{self.path.name}"


class ImageCache:
    """Print-ready copies of pictures, keyed by content hash, box, dpi and quality."""

    def __init__(self, folder: Path):
        self.folder = folder.resolve()  # pictures are handed to WeasyPrint as file:// URLs

    def prepare(self, source: Path, box: PrintBox, dpi: int, quality: int,
                digest: str | None = None,
                chain: list[Image.Image] | None = None) -> PrintImage | None:
        """The print copy of `source`, made if needed (from `chain`, the photo's
        reductions, when the media step has them); None when it is not a picture."""
        digest = digest or file_sha256(source)
        max_w, max_h = box.pixels(dpi)
        key = f"{digest[:32]}-{max_w}x{max_h}-q{quality}-v{CACHE_VERSION}"
        for ext in (".jpg", ".png"):
            done = self.folder / f"{key}{ext}"
            if done.is_file():
                with Image.open(done) as img:
                    return PrintImage(done, img.width, img.height)
        try:
            data, ext, size = downscale(source, max_w, max_h, quality, chain)
        except (OSError, ValueError, Image.DecompressionBombError):
            return None
        target = self.folder / f"{key}{ext}"
        write_bytes(target, data)  # atomic: a parallel build never reads half a file
        return PrintImage(target, *size)


def downscale(source: Path, max_w: int, max_h: int, quality: int,
              chain: list[Image.Image] | None = None) -> tuple[bytes, str, tuple[int, int]]:
    """Encoded bytes, extension and pixel size of `source` fitted inside max_w × max_h."""
    chain = chain or photo_chain(source)
    if chain is not None:  # a photo: from the site's decode (web_media/print_sizes.py)
        return _encode(print_parent(chain, max_w, max_h).copy(), max_w, max_h, quality)
    with Image.open(source) as opened:
        if opened.format == "JPEG":
            # Decode at 1/2, 1/4 or 1/8 scale straight from the DCT, never below the box:
            # a 12 MP photo bound for 1 MP is never decoded whole (several times faster,
            # a fraction of the memory), and the DCT's own scaling averages like a box
            # filter, so the final resize has nothing left to alias.
            turned = opened.getexif().get(0x0112, 1) in (5, 6, 7, 8)
            opened.draft("RGB", (max_h, max_w) if turned else (max_w, max_h))
        img = ImageOps.exif_transpose(opened)
        img.load()
    return _encode(img, max_w, max_h, quality)


def _encode(img: Image.Image, max_w: int, max_h: int,
            quality: int) -> tuple[bytes, str, tuple[int, int]]:
    if img.width > max_w or img.height > max_h:
        img.thumbnail((max_w, max_h), Image.Resampling.LANCZOS, reducing_gap=3.0)
    if _is_graphic(img):
        # Screenshots and diagrams: PNG keeps text sharp and is smaller than JPEG here.
        out = io.BytesIO()
        _flatten(img, keep_palette=True).save(out, "PNG", optimize=True)
        return out.getvalue(), ".png", img.size
    out = io.BytesIO()
    _flatten(img).save(out, "JPEG", quality=quality, optimize=True, progressive=False,
                       subsampling="4:2:0")
    return out.getvalue(), ".jpg", img.size


def _is_graphic(img: Image.Image) -> bool:
    """Few colours: a screenshot, chart or scan of text rather than a photograph."""
    if img.mode in ("1", "P"):
        return True
    probe = img.convert("RGB")
    if probe.width * probe.height > 4_000_000:
        probe = probe.resize((probe.width // 4 or 1, probe.height // 4 or 1))
    return probe.getcolors(256) is not None


def _flatten(img: Image.Image, keep_palette: bool = False) -> Image.Image:
    """RGB on white: transparency would print as black in some viewers."""
    if keep_palette and img.mode in ("1", "L", "P") and "transparency" not in img.info:
        return img
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        base = Image.new("RGB", rgba.size, "white")
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    return img.convert("RGB") if img.mode != "RGB" else img


