"""One decode per photo: the site's copies and the PDF's print copies come from one read.

The build runs in this process (`-j 1`: no worker is forked), so the decodes it makes
are the ones `responsive_images.DECODES` counts here.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image

from generator.render.pdf.print_images import GALLERY, INLINE, ImageCache
from generator.render.web_media.responsive_images import DECODES, WIDTHS
from tests.builder import run_cli

RED, BLUE = (220, 30, 30), (30, 30, 220)


def sideways_photo(size: tuple[int, int] = (3000, 2000)) -> bytes:
    """A phone photo stored sideways (EXIF orientation 6: turn it 90° clockwise): its
    stored left half is red, so upright its top is red and its bottom blue."""
    w, h = size
    img = Image.new("RGB", size, BLUE)
    img.paste(Image.new("RGB", (w // 2, h), RED), (0, 0))
    grain = Image.merge("RGB", [Image.effect_noise(size, 60).convert("L") for _ in range(3)])
    img = Image.blend(img, grain, 0.15)   # a photo's many colours, not a flat graphic
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {2: (25.0, 2.0, 0.0)}  # a GPS position, which no copy may carry
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def _decodes(name: str) -> int:
    return sum(n for path, n in DECODES.items() if Path(path).name == name)


def _reddish(rgb: tuple[int, ...]) -> bool:
    return rgb[0] > 120 and rgb[2] < 120


def test_a_photo_is_decoded_once_for_every_size_of_the_site_and_the_pdf(content, tmp_path):
    content.student()
    content.performance("trip", body="旅行的心得。", images=["photo.jpg"])
    content.file("trip", "photo.jpg", sideways_photo())
    out = tmp_path / "out"
    DECODES.clear()

    build = run_cli("build", str(content.root), "-o", str(out), "--offline", "-j", "1")

    assert build.exit_code in (0, 1), build.output
    assert (out / "ming" / "portfolio.pdf").is_file()
    assert _decodes("photo.jpg") == 1   # the site's three widths and the PDF's copy
    # The web copies are the theme's widths, upright (taller than wide, red on top) and
    # without EXIF.
    files = out / "ming" / "items" / "trip" / "files"
    made = sorted(files.glob("photo.jpg.*"))
    widths = {int(m.group(1)) for p in made if (m := re.search(r"\.(\d+)\.", p.name))}
    assert widths == set(WIDTHS)
    assert {p.suffix for p in made} == {".webp", ".jpg"}
    for path in made:
        with Image.open(path) as img:
            assert img.height > img.width
            assert not img.getexif()
            rgb = img.convert("RGB")
            assert _reddish(rgb.getpixel((img.width // 2, 5)))
            assert not _reddish(rgb.getpixel((img.width // 2, img.height - 5)))
    # The PDF printed the gallery copy the media step made from that decode.
    printed = list((out / ".portfolio" / "cache" / "derived" / "pdf" / "images").glob("*.jpg"))
    assert len(printed) == 1
    with Image.open(printed[0]) as img:
        assert img.height > img.width and img.height <= GALLERY.pixels(150)[1]
        assert _reddish(img.convert("RGB").getpixel((img.width // 2, 3)))
        assert not img.getexif()

    # A second build decodes nothing: every copy is in the caches.
    DECODES.clear()
    (out / "ming" / "portfolio.pdf").unlink()
    again = run_cli("build", str(content.root), "-o", str(out), "--offline", "-j", "1")
    assert again.exit_code in (0, 1), again.output
    assert _decodes("photo.jpg") == 0
    assert (out / "ming" / "portfolio.pdf").is_file()


def test_a_print_copy_is_the_same_bytes_whichever_step_makes_it(content, tmp_path):
    """The PDF step, finding a photo's print copy missing, makes it from the same decode
    and reductions as the media step does: a PDF never depends on who filled the cache."""
    src = tmp_path / "photo.jpg"
    src.write_bytes(sideways_photo((2400, 1800)))
    from generator.render.web_media.print_sizes import photo_chain

    chain = photo_chain(src)
    assert chain is not None
    by_media = ImageCache(tmp_path / "a").prepare(src, INLINE, 150, 80, chain=chain)
    alone = ImageCache(tmp_path / "b").prepare(src, INLINE, 150, 80)
    assert by_media is not None and alone is not None
    assert by_media.path.read_bytes() == alone.path.read_bytes()
    assert (alone.width, alone.height) == (by_media.width, by_media.height)
