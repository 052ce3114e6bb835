"""The reviewer's PDF: outline, searchable CJK text, appended documents, fonts, links."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.i18n import text
from tests.builder import ContentBuilder
from tests.mediafactory import MediaFactory
from tests.pdf.conftest import (
    CAMP_SITE,
    LINK,
    SLUG,
    Made,
    image_xobjects,
    outline_titles,
    pdffonts,
    run_build,
)

PARTS = ("cover", "statement", "records", "courses", "reflection", "performances", "other")


def part_names(lang: str = "zh-TW") -> list[str]:
    return [text(f"pdf-part-{p}", lang) for p in PARTS]


@pytest.fixture(scope="module")
def whole(built: Path) -> PdfReader:
    return PdfReader(built / SLUG / "portfolio.pdf")


@pytest.fixture(scope="module")
def pages_text(whole: PdfReader) -> list[str]:
    return [page.extract_text() for page in whole.pages]


def test_outline_names_every_part_in_reviewer_order_and_every_item(whole: PdfReader,
                                                                   made: Made) -> None:
    outline = outline_titles(whole)
    top = [title for depth, title, _ in outline if depth == 0]
    assert top == part_names()
    items = [title for depth, title, _ in outline if depth == 1]
    for title in made.titles.values():
        assert title in items
    # Bookmarks point forward through the document, never back.
    pages = [page for _, _, page in outline]
    assert pages == sorted(pages)


def test_text_holds_every_title_and_summary(pages_text: list[str], made: Made) -> None:
    everything = "".join(pages_text).replace("\n", "")
    for item in made.titles:
        assert made.titles[item] in everything
        assert made.summaries[item] in everything


def test_document_pages_are_appended_after_their_item(whole: PdfReader,
                                                      pages_text: list[str]) -> None:
    outline = outline_titles(whole)
    item_page = next(p for _, t, p in outline if t == "光的折射實驗報告")
    attached = next((d, p) for d, t, p in outline if "report.pdf" in t)
    assert attached[0] == 2 and attached[1] > item_page  # under its item, after its page
    doc_pages = [n for n, t in enumerate(pages_text) if "光的折射實驗報告，量測水的折射率" in t]
    assert doc_pages == [attached[1], attached[1] + 1, attached[1] + 2]
    # The running page numbers count the document's pages: "n / total" on every page.
    total = len(whole.pages)
    assert f"{total} / {total}" in pages_text[-1]
    assert f"{attached[1] + 2} / {total}" in pages_text[attached[1] + 1]


def test_cjk_font_embedded_and_subset(built: Path) -> None:
    fonts = pdffonts(built / SLUG / "portfolio.pdf")
    assert any("CJK" in f["name"] for f in fonts)
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts), fonts


def test_pictures_are_downscaled_to_print_size(whole: PdfReader) -> None:
    widths = [img.image.size[0] for page in whole.pages for img in page.images]
    assert widths, "no pictures in the PDF"
    assert max(widths) <= 1004  # 170 mm at 150 dpi; the originals are 1600 px wide
    assert len(image_xobjects(whole)) >= 2 + 12  # setup + chart + the 12 trip photos


def test_video_shows_poster_length_and_clickable_link(whole: PdfReader,
                                                      pages_text: list[str]) -> None:
    page_no = next(n for n, t in enumerate(pages_text) if "demo.mp4" in t and "0:01" in t)
    flat = "".join(pages_text[page_no:page_no + 2]).replace("\n", "")
    assert LINK in flat
    uris = [a.get_object()["/A"].get("/URI") for page in whole.pages
            for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    assert LINK in uris


def test_links_in_texts_are_printed_in_full(whole: PdfReader, pages_text: list[str]) -> None:
    flat = "".join(pages_text).replace("\n", "")
    assert f"營隊網站 ({CAMP_SITE})" in flat
    uris = [a.get_object()["/A"].get("/URI") for page in whole.pages
            for a in page.get("/Annots") or [] if "/A" in a.get_object()]
    assert CAMP_SITE in uris


def test_department_copy_holds_its_selection_only(built: Path,
                                                  made: Made) -> None:
    reader = PdfReader(built / SLUG / "departments" / "001012" / "portfolio.pdf")
    everything = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    items = [t for d, t, _ in outline_titles(reader) if d == 1]
    for item, title in made.titles.items():
        assert (title in items) == (item in made.department)
        assert (made.summaries[item] in everything) == (item in made.department)
    assert "國立臺灣大學 電機工程學系" in everything
    assert [t for d, t, _ in outline_titles(reader) if d == 0] == part_names()


def test_a_document_that_cannot_be_laid_in_costs_only_its_pages(
        tmp_path: Path, media: MediaFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    c = ContentBuilder(tmp_path / "content", media)
    c.student(SLUG)
    c.course("report", document="report.pdf")
    c.file("report", "report.pdf", media.pdf)

    def broken(*_args: object) -> None:
        raise ValueError("unreadable page tree")

    monkeypatch.setattr("generator.render.pdf.pdf_assembly.place", broken)
    result = run_build(c.root, tmp_path / "out")
    assert not result.failures
    found = [f for f in result.check.findings if f.code == "pdf-document-not-attached"]
    assert [(f.item, f.file) for f in found] == [("report", "report.pdf")]
    reader = PdfReader(tmp_path / "out" / SLUG / "portfolio.pdf")
    assert any("課程成果 report" in t for _, t, _ in outline_titles(reader))
    # Kept on the next build, the PDF still says what is wrong with it.
    again = run_build(c.root, tmp_path / "out")
    assert "pdf-document-not-attached" in [f.code for f in again.check.findings]
