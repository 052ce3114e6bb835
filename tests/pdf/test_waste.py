"""A PDF without waste: no page for an empty part or a note alone, headings kept with
their tables, Latin words not stretched, media length as m:ss on the cover too.

The demo and a fresh `portfolio new` root are built as they are: the demo is what the
acceptance point names, the scaffold is a student with empty parts (no departments yet).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import weasyprint
from pypdf import PdfReader

from generator.i18n import text
from generator.rules import load_rules
from tests.builder import run_cli
from tests.pdf.conftest import outline_titles, run_build
from tests.pdf.test_portfolio import part_names

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "content"
PRINT_CSS = REPO / "themes" / "default" / "print" / "print.css"
DEMO_SLUG = "wang-xiaoming"
SHORT = 40  # characters: a page holding less than this is waste

# The body of an A4 page of the print theme (points): below the 20 mm top margin and
# above the 18 mm bottom one, so the running header and the page number are left out.
TOP, BODY_HEIGHT = 57, 842 - 57 - 51


@dataclass
class Printed:
    reader: PdfReader
    bodies: list[str]            # each page's body text, without white space
    last_lines: list[str]        # each page's last line of body text, as laid out
    headers: list[str]           # each page's running header
    flat: str                    # the whole text as pypdf reads it (spacing kept)

    def attached(self, n: int) -> bool:
        """Whether page n is a page of an appended document (it carries their header)."""
        prefix = text("pdf-attachment", "zh-TW", name="\0").split("\0")[0]
        return prefix in self.headers[n]


def _region(pdf: Path, page: int, y: int, height: int, *flags: str) -> str:
    return subprocess.run(
        ["pdftotext", *flags, "-f", str(page), "-l", str(page), "-x", "0", "-y", str(y),
         "-W", "595", "-H", str(height), str(pdf), "-"],
        check=True, capture_output=True, text=True).stdout


def printed(pdf: Path) -> Printed:
    reader = PdfReader(pdf)
    pages = range(1, len(reader.pages) + 1)
    laid_out = [_region(pdf, n, TOP, BODY_HEIGHT, "-layout").split("\n") for n in pages]
    return Printed(reader,
                   ["".join(_region(pdf, n, TOP, BODY_HEIGHT).split()) for n in pages],
                   ["".join(next((ln for ln in reversed(lines) if ln.strip()), "").split())
                    for lines in laid_out],
                   [_region(pdf, n, 0, TOP) for n in pages],
                   "\n".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    base = tmp_path_factory.mktemp("waste-demo")
    root = shutil.copytree(DEMO, base / "content",
                           ignore=shutil.ignore_patterns(".portfolio", "output"))
    result = run_build(root, base / "out")
    assert not result.failures, result.failures
    return printed(base / "out" / DEMO_SLUG / "portfolio.pdf")


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    base = tmp_path_factory.mktemp("waste-new")
    assert run_cli("new", str(base / "mine"), "--today", "2026-11-20").exit_code == 0
    result = run_build(base / "mine", base / "out")
    assert not result.failures, result.failures
    (pdf,) = (base / "out").glob("*/portfolio.pdf")
    return printed(pdf)


def _short_pages(doc: Printed) -> list[tuple[int, str]]:
    return [(n + 1, body) for n, body in enumerate(doc.bodies)
            if n > 0 and not doc.attached(n) and len(body) < SHORT]


def test_no_page_of_the_demo_holds_almost_nothing(demo: Printed) -> None:
    assert any(demo.attached(n) for n in range(len(demo.bodies)))  # the check sees them
    assert _short_pages(demo) == []


def test_an_empty_part_shares_a_page_and_keeps_its_bookmark(scaffold: Printed) -> None:
    none = text("pdf-none", "zh-TW")
    empty = [n for n, body in enumerate(scaffold.bodies) if none in body]
    assert empty, "the scaffold has no empty part any more: pick another student"
    for n in empty:
        assert len(scaffold.bodies[n].replace(none, "")) >= SHORT, scaffold.bodies[n]
    outline = outline_titles(scaffold.reader)
    assert [t for depth, t, _ in outline if depth == 0] == part_names()
    # Each empty part's bookmark leads to a page another part or an item also starts on.
    starts = [page for _, _, page in outline]
    for title in (text("pdf-part-statement", "zh-TW"), text("pdf-part-reflection", "zh-TW")):
        page = next(p for depth, t, p in outline if depth == 0 and t == title)
        assert starts.count(page) >= 2


def test_the_document_note_is_under_the_items_fields(demo: Printed) -> None:
    outline = outline_titles(demo.reader)
    title = "光的折射實驗報告"
    page = next(p for depth, t, p in outline if depth == 1 and t == title)
    note = "".join(text("pdf-attachment-follows", "zh-TW", name="report.pdf", n=4).split())
    body = demo.bodies[page]
    assert body.startswith("D" + title)
    assert note in body
    assert body.index(note) < body.index(text("pdf-summary", "zh-TW"))


def test_a_heading_is_never_the_last_line_of_a_page(demo: Printed) -> None:
    rules = load_rules()
    headings = {text("pdf-cadres", "zh-TW")} | {
        f"{cat.code}{cat.name('zh-TW')}" for cat in rules.categories.values()}
    assert any(h in body for h in headings for body in demo.bodies)
    for n, last in enumerate(demo.last_lines):
        assert last not in headings, (n + 1, last)


def test_latin_words_in_chinese_text_are_not_stretched(demo: Printed) -> None:
    # Justified mixed text widened the spaces around Latin words (「把  CSV  丟進」).
    assert "Arduino" in demo.flat
    assert not re.findall(r"[\u4e00-\u9fff]  +[A-Za-z0-9]|[A-Za-z0-9]  +[\u4e00-\u9fff]",
                          demo.flat)


def test_the_cover_gives_the_media_length_as_minutes_and_seconds(demo: Printed) -> None:
    label = text("pdf-cover-media", "zh-TW")
    assert re.search(re.escape(label) + r"\d+:\d\d", demo.bodies[0]), demo.bodies[0]
    assert "分鐘" not in demo.bodies[0]


@pytest.mark.parametrize("kind", ["grid", "prose"])
def test_a_table_never_leaves_one_row_alone_on_a_page(kind: str) -> None:
    """The print theme's own rules, laid out by WeasyPrint: a table pushed down a page a
    line at a time breaks with two rows or more on each side, its header repeated."""
    css = PRINT_CSS.read_text("utf-8")
    rows = "".join(f"<tr><td>row{n:02d}</td><td>x</td></tr>" for n in range(8))
    table = (f'<table class="grid"><thead><tr><th>h</th><th>h</th></tr></thead>'
             f"<tbody>{rows}</tbody></table>")
    if kind == "prose":
        plain = table.replace(' class="grid"', "")
        table = f'<div class="prose">{plain}</div>'
    split = []
    for filler in range(19, 26):  # the table's rows cross the foot of page 1 in turn
        html = f"<style>{css}</style>" + "<p>filler</p>" * filler + table
        pdf = weasyprint.HTML(string=html).write_pdf()
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
        counts = [len(re.findall(r"row\d\d", t)) for t in pages]
        assert 1 not in counts, (filler, counts)
        if len([c for c in counts if c]) > 1:
            split.append(filler)
            assert all("h" in t.split() for t in pages if "row" in t)  # header repeats
    assert split, "no filler made the table cross a page"
