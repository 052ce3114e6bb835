"""Small pieces of the PDF renderer, without rendering."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from generator.render.markdown import render_markdown
from generator.render.pdf.media_poster import duration_label
from generator.render.pdf.print_images import INLINE, ImageCache
from generator.render.pdf.print_item import SCHEMES, online_copy, spell_out_links


def test_online_copy_prefers_a_media_host() -> None:
    assert online_copy(["https://github.com/me/bot", "https://youtu.be/abc"]) == \
        "https://youtu.be/abc"
    assert online_copy(["https://example.org/work"]) == "https://example.org/work"
    assert online_copy([]) is None


def test_link_addresses_are_spelled_out_once() -> None:
    html = spell_out_links(render_markdown(
        "[作品](https://example.org/a?x=1&y=2) 與 <https://example.org/b>", schemes=SCHEMES))
    assert html.count("(https://example.org/a?x=1&amp;y=2)") == 1
    assert "(https://example.org/b)" not in html


def test_duration_label() -> None:
    assert [duration_label(s) for s in (None, 4.4, 65, 3725)] == ["?", "0:04", "1:05", "1:02:05"]


def test_print_copy_is_upright_small_and_cached(tmp_path: Path) -> None:
    src = tmp_path / "tall.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: the camera says turn it 90°
    Image.new("RGB", (3000, 2000), (90, 140, 200)).save(src, exif=exif, quality=90)
    cache = ImageCache(tmp_path / "cache")
    first = cache.prepare(src, INLINE, dpi=150, quality=80)
    assert first is not None
    assert first.height > first.width  # turned upright
    assert first.width <= 1004 and first.height <= 709
    with Image.open(first.path) as img:
        assert not img.getexif()  # no EXIF (location) travels into the PDF
    stamp = first.path.stat().st_mtime_ns
    assert cache.prepare(src, INLINE, dpi=150, quality=80) == first
    assert first.path.stat().st_mtime_ns == stamp
    assert first.url.startswith("print-image:") and str(tmp_path) not in first.url
