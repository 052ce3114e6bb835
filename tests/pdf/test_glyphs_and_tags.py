"""No tofu, and tagged PDFs: emoji print and stay text, a character no font has is a
warning, every reader finds the title, a screen reader gets the structure."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pypdfium2
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from generator.pipeline.building import BuildResult, make_context
from generator.render.pdf.pdf_documents import render_portfolio
from generator.render.pdf.pdf_step import settings_for
from generator.render.pdf.print_fonts import families, has_glyph
from generator.render.pdf.print_theme import PrintTheme
from tests.builder import ContentBuilder
from tests.mediafactory import MediaFactory
from tests.pdf.conftest import outline_titles, run_build

TITLE = "家庭中的化學 👨‍👩‍👧"
SUMMARY = "從廚房到洗衣間的化學 👨‍👩‍👧：酸鹼、界面活性劑與氧化還原。"
NO_FONT = "\ue000"          # Private Use Area: no font of the print theme has it
SLUG = "hua"


@pytest.fixture(scope="module")
def emoji_build(tmp_path_factory: pytest.TempPathFactory,
                media: MediaFactory) -> tuple[Path, BuildResult]:
    root = tmp_path_factory.mktemp("emoji") / "content"
    c = ContentBuilder(root, media)
    c.student(SLUG, name="林小華")
    c.performance("chemistry", slug=SLUG, title=TITLE, summary=SUMMARY, category="other",
                  date=dt.date(2025, 4, 1), body="在家做了三個實驗 🧪，記錄每一步。")
    c.departments([{"code": "001012", "name": "國立臺灣大學 化學系", "courses": [],
                    "performances": ["chemistry"], "statement": "## 動機\n\n化學。",
                    "reflection": "做實驗。"}], slug=SLUG)
    # Another student, so the box this one's PDF gets cannot spoil the first one's text.
    c.student("yu", name="陳小語")
    c.performance("symbol", slug="yu", title=f"自製符號{NO_FONT}表", category="other",
                  summary="一個自己造的符號。", date=dt.date(2025, 5, 1))
    out = root.parent / "out"
    result = run_build(root, out)
    assert not result.failures, result.failures
    return out, result


def _pypdf(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _pdfium(path: Path) -> str:
    doc = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def _poppler(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_the_theme_stack_has_an_emoji_font_after_the_cjk_one() -> None:
    stack = families(PrintTheme().css())
    assert stack[:2] == ("Noto Sans CJK TC", "Noto Color Emoji")
    for char in "👨👩👧🧪家":
        assert has_glyph(stack, ord(char)), char
    assert not has_glyph(stack, ord(NO_FONT))


def test_what_the_fonts_cover_is_kept_and_read_back_alike(tmp_path: Path) -> None:
    """A build keeps each font's coverage in its cache (reading a CJK cmap costs every
    build that prints a portfolio); read back, it answers as the font itself does."""
    from generator.render.pdf.print_fonts import _cmap, resolved

    stack = families(PrintTheme().css())
    (file, index), *_ = resolved(stack)
    fresh = _cmap(file, index, tmp_path)
    (kept,) = (tmp_path / "cmaps").iterdir()
    _cmap.cache_clear()
    again = _cmap(file, index, tmp_path)
    assert again is not fresh and again.ranges == fresh.ranges
    from fontTools.ttLib import TTFont
    with TTFont(file, fontNumber=index, lazy=True) as font:
        cmap = font.getBestCmap()
    for cp in [*list(cmap)[::997], 0x5BB6, 0x20, 0xE000, 0x10FFFF, 0]:
        assert (cp in again) == (cp in cmap), hex(cp)
    assert kept.stat().st_size < 100_000


@pytest.mark.parametrize("reader", [_pypdf, _pdfium, _poppler],
                         ids=["pypdf", "pypdfium2", "pdftotext"])
@pytest.mark.parametrize("pdf", [f"{SLUG}/portfolio.pdf",
                                 f"{SLUG}/departments/001012/portfolio.pdf"])
def test_every_reader_finds_the_title_with_its_emoji(emoji_build: tuple[Path, BuildResult],
                                                    reader: object, pdf: str) -> None:
    out, _ = emoji_build
    said = reader(out / pdf)  # type: ignore[operator]
    assert TITLE in said
    assert "家庭中的化學" in said and "界面活性劑" in said   # the CJK text is whole too


def test_no_font_of_the_pdf_lacks_a_glyph_the_title_uses(
        emoji_build: tuple[Path, BuildResult]) -> None:
    out, _ = emoji_build
    path = out / SLUG / "portfolio.pdf"
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    # name type… encoding emb sub uni object ID: embedded, subset, with a Unicode map.
    rows = [line.split() for line in lines]
    assert rows and all(r[-5:-2] == ["yes", "yes", "yes"] for r in rows), lines
    assert any("Emoji" in r[0] for r in rows)
    # Each emoji of the title maps from a real glyph of the font it is drawn in (not
    # .notdef, glyph 0, which is what a box is).
    reader = PdfReader(path)
    emoji_glyphs = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "Emoji" not in str(font["/BaseFont"]):
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            mapped = re.findall(r"^<([0-9a-f]+)> <([0-9a-f]+)>$",
                                "".join(re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S)),
                                re.M)
            emoji_glyphs |= {(int(g, 16), bytes.fromhex(t).decode("utf-16-be")) for g, t in mapped}
            program = font["/DescendantFonts"][0].get_object()["/FontDescriptor"][
                "/FontFile2"].get_object().get_data()
            embedded = TTFont(io.BytesIO(program))
            order = embedded.getGlyphOrder()
            for gid, _ in mapped:
                gid = int(gid, 16)
                # A real glyph (not .notdef), with an extent every reader can place.
                assert 0 < gid < len(order)
                assert embedded["glyf"][order[gid]].numberOfContours > 0
    assert "👨\u200d👩\u200d👧" in {t for _, t in emoji_glyphs}


def test_a_character_no_font_has_is_a_warning_naming_item_and_character(
        emoji_build: tuple[Path, BuildResult]) -> None:
    _, result = emoji_build
    missing = [f for f in result.check.findings if f.code == "glyph-missing"]
    assert [(f.severity, f.item, f.params["char"], f.params["codepoint"]) for f in missing] \
        == [("warning", "symbol", NO_FONT, "U+E000")]
    said = missing[0].localized("en").message
    assert "U+E000" in said and "empty box" in said
    assert "U+E000" in missing[0].localized("zh-TW").message


def test_the_pdfs_are_tagged_with_their_language(emoji_build: tuple[Path, BuildResult]) -> None:
    out, _ = emoji_build
    for pdf in (out / SLUG / "portfolio.pdf", out / SLUG / "departments/001012/portfolio.pdf"):
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                              text=True).stdout
        assert "Tagged:          yes" in info, info
        reader = PdfReader(pdf)
        assert reader.trailer["/Root"]["/Lang"] == "zh-Hant-TW"
        assert "/StructTreeRoot" in reader.trailer["/Root"]
        meta = reader.metadata
        assert meta is not None and meta.title and "林小華" in meta.title
        assert meta.author == "林小華"


def test_tagging_keeps_the_outline(emoji_build: tuple[Path, BuildResult],
                                   tmp_path: Path) -> None:
    out, result = emoji_build
    student = result.check.portfolio.students[0]
    settings = replace(settings_for(make_context(result.check, tmp_path / "o")), tagged=False)
    plain, _ = render_portfolio(student, result.check.portfolio.rules, settings)
    tagged = outline_titles(PdfReader(out / SLUG / "portfolio.pdf"))
    untagged = outline_titles(PdfReader(io.BytesIO(plain)))
    assert tagged == untagged
    assert TITLE in [title for _, title, _ in tagged]
    assert "Tagged:          no" in subprocess.run(
        ["pdfinfo", "-"], input=plain, check=True, capture_output=True).stdout.decode()


def test_tagged_emoji_pdfs_are_the_same_bytes_every_build(
        emoji_build: tuple[Path, BuildResult], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, result = emoji_build
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        assert not run_build(result.check.portfolio.root, out).failures
    made = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*.pdf"))
    assert len(made) >= 4
    for rel in made:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel
    assert PdfReader(outs[0] / SLUG / "portfolio.pdf").metadata["/CreationDate"] \
        == "D:20260921141320Z"
