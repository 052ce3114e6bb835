"""Small pieces of the PDF renderer, each on its own."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
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


def test_fonts_are_cut_in_one_pass_to_weasyprint_s_glyphs() -> None:
    """font_subsetting.py: one HarfBuzz pass gives each font WeasyPrint's own subset (the
    same bytes), or, where HarfBuzz keeps a little more (the variation forms of a
    character drawn past the highest glyph drawn, which WeasyPrint's second pass cuts
    off; a table it does not know), the same glyphs drawn, same outlines and advances.
    A CID-keyed CFF font (Noto Sans CJK) is cut to the glyphs drawn alone, its ids closed
    up, as a bare CFF table: each CID drawn keeps its outline, and nothing else is kept."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont
    from weasyprint.pdf.fonts import Font

    from generator.render.pdf import font_subsetting
    from generator.render.pdf.pdf_assembly import load_weasyprint, shared_fonts

    weasyprint = load_weasyprint()
    assert Font._harfbuzz_subset is font_subsetting.subset_once
    own = font_subsetting.weasyprints_own()
    same: dict[str, bool] = {}
    compact: dict[str, int] = {}

    def drawn(data: bytes, gids: list[int]) -> list[tuple[object, int]]:
        font = TTFont(io.BytesIO(data))
        order, glyphs, metrics = font.getGlyphOrder(), font.getGlyphSet(), font["hmtx"]
        out = []
        for gid in gids:
            pen = RecordingPen()
            glyphs[order[gid]].draw(pen)
            out.append((pen.value, metrics[order[gid]][0]))
        return out

    def by_cid(data: bytes, cids: list[int]) -> list[object]:
        """Outlines by CID: in an OpenType font (WeasyPrint's subset, each glyph at its
        id) or in a bare CFF table (ours)."""
        if data[:4] == b"OTTO":
            cff = TTFont(io.BytesIO(data))["CFF "].cff
        else:
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(data), None)
        top = cff[cff.fontNames[0]]
        out = []
        for cid in cids:
            pen = RecordingPen()
            top.CharStrings[f"cid{cid:05d}"].draw(pen)
            out.append(pen.value)
        return out

    def both(font: Font, to_unicode: dict[int, object], hinting: bool) -> None:
        whole = font.file_content
        own(font, to_unicode, hinting)
        theirs, font.file_content = font.file_content, whole
        font_subsetting.subset_once(font, to_unicode, hinting)
        mine = font.file_content
        assert len(mine) < len(whole)
        name = f"{font.family} {font.weight} {len(to_unicode)}"
        same[name] = mine == theirs
        gids = sorted(to_unicode)
        if mine[:1] == b"\x01":        # a bare CFF table: a CIDFont, its ids closed up
            assert font_subsetting.cid_keyed(mine) and font.type == "otf"
            assert by_cid(mine, gids) == by_cid(theirs, gids), name
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(mine), None)
            kept = cff[cff.fontNames[0]].charset
            # The CIDs drawn, and at most a few HarfBuzz keeps with them (a character's
            # variation-sequence forms); not the 65,000 slots of the retained ids.
            assert {f"cid{g:05d}" for g in gids if g} <= set(kept), name
            assert len(kept) <= 2 * len(gids) + 1, (name, len(kept))
            compact[name] = len(mine) * 100 // len(theirs)
        elif mine != theirs:
            assert drawn(mine, gids) == drawn(theirs, gids), name
            kept = TTFont(io.BytesIO(mine)).getGlyphOrder()
            assert len(kept) >= len(TTFont(io.BytesIO(theirs)).getGlyphOrder()) > max(gids)

    fonts = shared_fonts()
    try:
        Font._harfbuzz_subset = both
        for body in ["<p>家庭中的化學 👨‍👩‍👧 <b>幹部經歷</b> 班長、社長 \ue000</p>"
                     "<p class=latin>Résumé, page 12 / 83 — ok?</p>",
                     "<p>學習歷程自述：高一到高三的修課紀錄與多元表現，共 30 項。</p>"]:
            weasyprint.HTML(string=f"""<html lang="zh-Hant"><style>
              body {{ font-family: "Noto Sans CJK TC", "Noto Color Emoji", "DejaVu Sans"; }}
              .latin {{ font-family: "DejaVu Sans"; }}</style>{body}""").write_pdf(
                font_config=fonts)
    finally:
        Font._harfbuzz_subset = font_subsetting.subset_once
    names = " | ".join(sorted(same))
    for family in ("Noto Sans CJK TC 400", "Noto Sans CJK TC 700", "DejaVu Sans",
                   "Noto Color Emoji"):
        assert family in names, names
    # The CJK faces closed up, a small part of WeasyPrint's subset (the others compared
    # glyph for glyph above).
    assert {n.rsplit(" ", 1)[0] for n in compact} == {"Noto Sans CJK TC 400",
                                                      "Noto Sans CJK TC 700"}, compact
    assert all(percent < 40 for percent in compact.values()), compact


def test_laying_out_leaves_no_temporary_folder(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint makes a temporary folder for each @font-face of a stylesheet, which a
    build worker never removes: the print theme's own alias made one a worker a step."""
    import tempfile

    from generator.render.pdf.pdf_assembly import lay_out
    from generator.render.pdf.print_theme import PrintTheme

    css = PrintTheme().css()
    assert "@font-face" in css   # what made the folders
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    laid = lay_out(f'<html lang="zh-Hant"><style>{css}</style><style>@font-face {{ '
                   f'font-family: "Mine"; src: url("data:font/ttf;base64,AAAA"); }}</style>'
                   f'<p>家庭中的化學 👨‍👩‍👧</p>', [], tagged=False)
    assert laid.pages == 1 and list(tmp_path.iterdir()) == []


def test_closed_up_cjk_subsets_draw_the_same_pages(tmp_path: Path) -> None:
    """A CID-keyed CFF subset with its ids closed up, embedded as a bare CFF table, draws
    the pages WeasyPrint's own subset draws (poppler pixel for pixel, pdfium within its
    anti-aliasing), reads as the same text, and is a fraction of the size."""
    import subprocess

    import pypdfium2 as pdfium
    from PIL import Image, ImageChops

    from generator.render.pdf import font_subsetting
    from generator.render.pdf.pdf_assembly import load_weasyprint, shared_fonts

    weasyprint = load_weasyprint()
    html = """<html lang="zh-Hant"><style>body { font-family: "Noto Sans CJK TC"; }
      .latin { font-family: "DejaVu Sans"; }</style>
      <h1>學習歷程自述</h1><p>高一到高三的修課紀錄與多元表現，共 30 項；頁 12 / 83。</p>
      <p><b>幹部經歷：班長、社長</b>　「資訊科技」課程學習成果</p>
      <p class=latin>Résumé, page 12 / 83</p>"""
    fonts = shared_fonts()
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(weasyprint.HTML(string=html).write_pdf(font_config=fonts))
    theirs = tmp_path / "theirs.pdf"
    with font_subsetting.weasyprints_way():
        theirs.write_bytes(weasyprint.HTML(string=html).write_pdf(font_config=fonts))
    listed = subprocess.run(["pdffonts", str(ours)], capture_output=True, text=True,
                            check=True).stdout
    assert listed.count("CID Type 0C  ") == 2 and "(OT)" not in listed, listed  # 400, 700
    assert ours.stat().st_size * 3 < theirs.stat().st_size

    def text(path: Path) -> str:
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout

    assert text(ours) == text(theirs) and "幹部經歷" in text(ours)
    for path in (ours, theirs):
        subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(path),
                        str(path.with_suffix(""))], check=True)
    poppler = [Image.open(p.with_suffix(".png")).convert("RGB") for p in (ours, theirs)]
    assert ImageChops.difference(*poppler).getbbox() is None
    drawn = [pdfium.PdfDocument(p)[0].render(scale=1.4).to_pil().convert("L")
             for p in (ours, theirs)]
    difference = ImageChops.difference(*drawn)
    assert max(difference.getextrema()) <= 64
    assert ImageChops.invert(drawn[0]).getbbox() is not None   # it drew something


def test_a_font_file_is_read_once_a_process() -> None:
    """font_subsetting._face_file: each document's fonts used to copy their whole file
    (a CJK .ttc is 20 MB); the second document reads none, and writes the same bytes."""
    from generator.render.pdf import font_subsetting
    from generator.render.pdf.pdf_assembly import load_weasyprint, shared_fonts

    weasyprint = load_weasyprint()
    html = '<html lang="zh-Hant"><p style="font-family: Noto Sans CJK TC">學習歷程 <b>自述</b></p>'
    first = weasyprint.HTML(string=html).write_pdf(font_config=shared_fonts())
    kept = dict(font_subsetting._FACES)
    assert any(len(data) > 1_000_000 for data in kept.values())  # whole files (CJK)
    second = weasyprint.HTML(string=html).write_pdf(font_config=shared_fonts())
    assert kept == font_subsetting._FACES and all(
        font_subsetting._FACES[k] is kept[k] for k in kept)
    assert first == second


def test_only_a_cid_font_whose_cids_are_its_glyph_ids_closes_up(tmp_path: Path) -> None:
    """font_subsetting.cid_keyed / cids_are_glyph_ids, read from the CFF tables
    themselves: Noto Sans CJK (Adobe-Identity-0) may close up; a closed-up subset (a CID
    font whose CIDs are no longer its glyph ids), a name-keyed CFF font and cut-off or
    foreign bytes may not, and none raises."""
    import glob

    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.ttLib import TTFont

    from generator.render.pdf import font_subsetting as fs

    (cjk,) = [p for p in glob.glob("/usr/share/fonts/**/NotoSansCJK-Regular.ttc",
                                   recursive=True)][:1]
    noto = TTFont(cjk, fontNumber=0, lazy=True).reader["CFF "]
    assert fs.cid_keyed(noto) and fs.cids_are_glyph_ids(noto)

    closed = pikepdf.open(_closed_up_pdf(tmp_path))
    (program,) = {o.read_bytes() for o in closed.objects
                  if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/CIDFontType0C"}
    assert fs.cid_keyed(program) and not fs.cids_are_glyph_ids(program)

    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({65: "A"})
    pen = T2CharStringPen(500, None)
    pen.moveTo((0, 0)), pen.lineTo((500, 0)), pen.lineTo((250, 700)), pen.closePath()
    builder.setupCFF("Plain", {"FullName": "Plain"}, {".notdef": pen.getCharString(),
                                                     "A": pen.getCharString()}, {})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Plain", "styleName": "Regular"})
    builder.setupOS2(), builder.setupPost()
    builder.save(tmp_path / "plain.otf")
    plain = TTFont(tmp_path / "plain.otf").reader["CFF "]
    assert not fs.cid_keyed(plain) and not fs.cids_are_glyph_ids(plain)

    for foreign in (b"", b"\x01\x00\x04", noto[:40], noto[:3000], b"\xff" * 64, b"OTTO" * 9):
        assert fs.cid_keyed(foreign) in (True, False)
        assert fs.cids_are_glyph_ids(foreign) is False


def _closed_up_pdf(folder: Path) -> Path:
    from generator.render.pdf.pdf_assembly import load_weasyprint, shared_fonts

    path = folder / "closed.pdf"
    path.write_bytes(load_weasyprint().HTML(
        string='<p style="font-family: Noto Sans CJK TC" lang="zh-Hant">學習歷程</p>')
        .write_pdf(font_config=shared_fonts()))
    return path


def test_the_print_theme_s_templates_compile_once_per_machine(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept compiled in the build's cache, as the site's are: a new process (a new build,
    each PDF worker) reads them instead of compiling every template again. Kept only by a
    process that holds the output's claim: the PDF step's helper loads them before it."""
    import jinja2

    from generator.render.pdf import print_theme
    from generator.render.pdf.print_theme import PrintTheme
    from generator.support.ownership import derived_dir, holding

    output = tmp_path / "out"
    cache = derived_dir(output) / "pdf" / "templates"
    PrintTheme(cache=cache).warm()   # no claim on the output (a helper loading early)
    assert not output.exists()
    print_theme._environment.cache_clear()
    with holding(output):            # as a build, which has claimed it
        PrintTheme(cache=cache).warm()
    kept = sorted(cache.glob("*.cache"))
    assert len(kept) >= 3
    print_theme._environment.cache_clear()   # as a new process finds it

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    theme = PrintTheme(cache=cache)
    theme.warm()
    assert theme.env.get_template("portfolio.html") is not None
    print_theme._environment.cache_clear()
    monkeypatch.undo()
    # Without a cache folder (a template shown on its own), nothing is kept anywhere.
    PrintTheme().warm()
    assert sorted(cache.glob("*.cache")) == kept


def test_a_broken_template_no_pdf_uses_does_not_stop_the_warm_up(tmp_path: Path) -> None:
    """A school's theme may hold a template with a mistake that no PDF uses: loading the
    templates ahead (before the workers fork) passes it by."""
    from generator.render.pdf.print_theme import PrintTheme

    root = tmp_path / "content"
    (root / "themes" / "school" / "print").mkdir(parents=True)
    (root / "themes" / "school" / "print" / "unused.html").write_text("{% if %}", "utf-8")
    theme = PrintTheme(name="school", content_root=root, cache=tmp_path / "templates")
    theme.warm()
    assert theme.env.get_template("portfolio.html") is not None
