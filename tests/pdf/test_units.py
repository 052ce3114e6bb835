"""Small pieces of the PDF renderer, without rendering."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2
from PIL import Image

from generator.render.markdown import render_markdown
from generator.render.pdf.media_poster import duration_label
from generator.render.pdf.pdf_assembly import ATTACHMENT_MARGINS_MM, PT_PER_MM, place
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


def _source_pdf() -> pikepdf.Pdf:
    """Two pages: an A4 portrait page with a web link and a script link, and the same
    page turned a quarter (`/Rotate 90`: shown landscape)."""
    pdf = pikepdf.Pdf.new()
    for rotate in (0, 90):
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[-1]
        page.obj.Contents = pdf.make_stream(b"0 0 1 rg 50 50 495 742 re f")
        if rotate:
            page.obj.Rotate = rotate
        page.obj.Annots = pdf.make_indirect(pikepdf.Array([
            pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                               Rect=[100, 100, 200, 120],
                               A=pikepdf.Dictionary(S=pikepdf.Name.URI,
                                                    URI=pikepdf.String("https://example.org/ok"))),
            pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                               Rect=[100, 200, 200, 220],
                               A=pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                    JS=pikepdf.String("app.alert(1)")))]))
    return pdf


def test_a_laid_in_page_fits_the_margins_upright_with_its_web_links_only() -> None:
    source = _source_pdf()
    target = pikepdf.Pdf.new()
    for _ in range(2):
        target.add_blank_page(page_size=(595, 842))
    for n in range(2):
        place(target, target.pages[n], source.pages[n])
    out = io.BytesIO()
    target.save(out)
    data = out.getvalue()
    assert b"app.alert" not in data and b"JavaScript" not in data
    top, right, bottom, left = (m * PT_PER_MM for m in ATTACHMENT_MARGINS_MM)
    reopened = pypdfium2.PdfDocument(data)
    try:
        for n, page in enumerate(pikepdf.open(io.BytesIO(data)).pages):
            (link,) = [a for a in page.obj.Annots]
            assert str(link.A.URI) == "https://example.org/ok"
            x1, y1, x2, y2 = (float(v) for v in link.Rect)
            assert left <= x1 < x2 <= 595 - right and bottom <= y1 < y2 <= 842 - top
            # The blue page as drawn: inside the margins, never scaled up; the turned
            # page drawn landscape (wider than tall), as a reader shows it.
            image = reopened[n].render(scale=1).to_pil().convert("RGB")
            blue = [(x, y) for x in range(0, image.width, 3) for y in range(0, image.height, 3)
                    if image.getpixel((x, y)) == (0, 0, 255)]
            xs, ys = [x for x, _ in blue], [y for _, y in blue]
            width, height = max(xs) - min(xs), max(ys) - min(ys)
            assert min(xs) >= left - 3 and max(xs) <= 595 - right + 3
            assert min(ys) >= top - 3 and max(ys) <= 842 - bottom + 3
            assert (width > height) == (n == 1), (n, width, height)
    finally:
        reopened.close()
