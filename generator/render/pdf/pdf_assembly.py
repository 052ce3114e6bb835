"""HTML → PDF with WeasyPrint, then each item's own PDF laid into the pages kept for it.

WeasyPrint cannot place another PDF's pages, so the print theme reserves one empty
`attachment` page per document page. Because those pages are real pages of the
layout, the page numbers, the "page" column of the lists and the outline already
count them; here pypdf lays the document page, scaled to fit between the running
header and the page number, onto its reserved page. Nothing is inserted or moved,
so the outline WeasyPrint wrote stays right. Each document loses its active content
(generator/support/pdf_cleaning.py) before its pages are laid in.

`lay_out` also describes the pages it made (`Laid`: page heights and @page names,
anchors, bookmarks, internal links), which fragments.py needs to assemble a portfolio
from separately laid-out parts.

The PDFs are tagged (WeasyPrint's `pdf_tags`): a screen reader gets the headings,
lists, tables and reading order, in the language of the template's `<html lang>`.
Colour emoji keep a text every reader can find (generator/render/pdf/emoji_text.py).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from generator.render.pdf.emoji_text import emoji_font_names, make_readable
from generator.render.pdf.print_images import SCHEME
from generator.render.pdf.print_item import AttachmentView
from generator.support import pillow_settings as imaging
from generator.support.clock import fixed_moment
from generator.support.pdf_cleaning import strip_active

imaging.settle()  # importing WeasyPrint let Pillow pass truncated pictures

PT_PER_MM = 72 / 25.4
# top, right, bottom, left: the margins of `@page attachment` in print.css.
ATTACHMENT_MARGINS_MM = (12.0, 8.0, 11.0, 8.0)


class RenderError(Exception):
    """The PDF could not be made; the message says why, for a finding."""


@dataclass(frozen=True)
class Rendered:
    pages: int
    size: int


def timestamp(today: date) -> str:
    """The PDF's creation date: SOURCE_DATE_EPOCH when set, else `today` at midnight UTC,
    never the clock, so two builds of the same content are the same bytes."""
    return fixed_moment(today).strftime("%Y-%m-%dT%H:%M:%SZ")


class _PrintFetcher(URLFetcher):
    """Pictures from the print cache (`print-image:<name>`) and inline data, nothing else:
    no network (a build must not depend on it, nor leak a visit) and no local file
    (the student's raw HTML could name one)."""

    def __init__(self, folders: Iterable[Path]):
        super().__init__(allowed_protocols={"data"})
        self.folders = [p.resolve() for p in folders]

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith(f"{SCHEME}:"):
            name = url.removeprefix(f"{SCHEME}:")
            for folder in self.folders:
                path = folder / name
                if "/" not in name and "\\" not in name and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes(),
                                              {"Content-Type": _MIME.get(path.suffix, "")})
            raise ValueError(f"no such print image: {name}")
        return super().fetch(url, headers)


_MIME = {".jpg": "image/jpeg", ".png": "image/png"}


@dataclass
class Laid:
    """One WeasyPrint layout, finished: the PDF, and what assembly needs to know of its
    pages (generator/render/pdf/fragments.py). Points are PDF points from the bottom left."""

    pdf: bytes
    height: list[float] = field(default_factory=list)          # each page's, in points
    named: list[str] = field(default_factory=list)             # each page's @page name
    anchors: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    bookmarks: list[tuple[int, int, str, float, float, str]] = field(default_factory=list)
    links: list[tuple[int, str, tuple[float, float, float, float]]] = field(default_factory=list)
    unattached: list[str] = field(default_factory=list)        # item ids not laid in

    @property
    def pages(self) -> int:
        return len(self.height)


def render_pdf(html: str, image_folders: Iterable[Path],
               attachments: Iterable[AttachmentView] = (),
               unattached: list[AttachmentView] | None = None, tagged: bool = True) -> bytes:
    """The finished PDF: WeasyPrint's layout with every attached document laid in."""
    return lay_out(html, image_folders, attachments, unattached, tagged).pdf


def lay_out(html: str, image_folders: Iterable[Path],
            attachments: Iterable[AttachmentView] = (),
            unattached: list[AttachmentView] | None = None, tagged: bool = True,
            object_streams: bool = True) -> Laid:
    """WeasyPrint's layout with every attached document laid in, and its pages described.

    A document that cannot be laid in leaves its reserved pages with only the header
    and page number, and is added to `unattached`: one broken file must not cost the
    student the whole portfolio.

    `object_streams` False: every object on its own (streams still compressed), for a
    part that pypdf assembles: pypdf reads an object stream again for each object in it.
    """
    try:
        fetcher = _PrintFetcher(image_folders)
        body, sheets = _stylesheets(html, fetcher)
        document = HTML(string=body, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=shared_fonts())
        page_of = {anchor: n for n, page in enumerate(document.pages) for anchor in page.anchors}
        raw = document.write_pdf(pdf_tags=tagged,
                                 finisher=None if object_streams else _no_object_streams)
    except Exception as exc:  # WeasyPrint raises many kinds; all mean "no PDF"
        raise RenderError(f"{type(exc).__name__}: {exc}") from exc
    laid = _describe(document)
    attachments = [a for a in attachments if a.anchors]
    emoji = emoji_font_names(document.fonts.values())
    if (not attachments and not emoji) or raw is None:
        laid.pdf = raw or b""
        return laid
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
    make_readable(writer, emoji)
    for att in attachments:
        try:
            # A writer's own pages, since turning a rotated page upright edits its contents;
            # and no script, launch action or attachment rides along with them.
            source = PdfWriter(clone_from=PdfReader(att.path))
            strip_active(source)
            for n, anchor in enumerate(att.anchors):
                if anchor in page_of and n < len(source.pages):
                    place(writer.pages[page_of[anchor]], source.pages[n])
        except Exception:  # pypdf on a PDF it cannot take apart: say so, go on
            laid.unattached.append(att.item)
            if unattached is not None:
                unattached.append(att)
    out = io.BytesIO()
    writer.write(out)
    laid.pdf = out.getvalue()
    return laid


# A build lays out dozens of documents per student in each worker: the fonts found and
# loaded (Pango's font map, its HarfBuzz faces) and the print theme's stylesheet parsed
# are kept for the next one instead of being made again for each (about 0.08 s of a
# 0.34 s item page). Per process: a worker forked from the build has its own.
_FONTS: dict[int, FontConfiguration] = {}
_SHEETS: dict[str, CSS] = {}
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


def shared_fonts() -> FontConfiguration:
    """This process's fonts, found and loaded once (see above)."""
    pid = os.getpid()
    if pid not in _FONTS:
        _FONTS.clear()
        _SHEETS.clear()   # parsed against the other process's fonts
        _FONTS[pid] = FontConfiguration()
    return _FONTS[pid]


def _stylesheets(html: str, fetcher: URLFetcher) -> tuple[str, list[CSS]]:
    """The document without its <style> elements, and those, parsed, in their order (so
    the cascade is the same): each text parsed once per process. The templates' styles
    name pictures only through the print fetcher, which every layout uses alike."""
    fonts = shared_fonts()
    sheets = []
    for text in _STYLE.findall(html):
        key = hashlib.sha256(text.encode()).hexdigest()
        if key not in _SHEETS:
            if len(_SHEETS) > 64:   # the page-number and batch rules vary: bounded
                _SHEETS.clear()
            _SHEETS[key] = CSS(string=text, url_fetcher=fetcher, font_config=fonts)
        sheets.append(_SHEETS[key])
    return _STYLE.sub("", html), sheets


def measure(html: str, image_folders: Iterable[Path]) -> Laid:
    """Where the pages of `html` would fall (page heights, names, anchors, bookmarks,
    links), without writing the PDF: about two thirds of what `lay_out` costs."""
    try:
        fetcher = _PrintFetcher(image_folders)
        body, sheets = _stylesheets(html, fetcher)
        document = HTML(string=body, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=shared_fonts())
    except Exception as exc:  # WeasyPrint raises many kinds; all mean "no PDF"
        raise RenderError(f"{type(exc).__name__}: {exc}") from exc
    return _describe(document)


def _no_object_streams(_document: Any, pdf: Any) -> None:
    # pydyf's `compress` at write time only decides object streams: WeasyPrint has
    # already compressed each stream when it made it.
    write = pdf.write
    pdf.write = lambda output, version, identifier, _compress: write(output, version,
                                                                      identifier, False)


PX = 0.75  # CSS pixels to PDF points (WeasyPrint's scale at zoom 1)


def _describe(document: Any) -> Laid:
    """Where WeasyPrint put the anchors, bookmarks and internal links, in PDF points."""
    laid = Laid(b"")
    for n, page in enumerate(document.pages):
        height = page.height * PX
        laid.height.append(height)
        laid.named.append(str(getattr(page._page_box.page_type, "name", "") or ""))
        for name, (x, y, *_rest) in page.anchors.items():
            laid.anchors.setdefault(name, (n, x * PX, height - y * PX))
        for level, label, (x, y), state in page.bookmarks:
            laid.bookmarks.append((n, level, label, x * PX, height - y * PX, state))
        for kind, target, (x1, y1, x2, y2), _box in page.links:
            if kind == "internal":
                laid.links.append((n, target, (x1 * PX, height - y2 * PX,
                                               x2 * PX, height - y1 * PX)))
    return laid


def place(target: PageObject, page: PageObject) -> None:
    """Lay `page` onto `target`, scaled down (never up) to fit inside the margins."""
    if page.rotation:
        page.transfer_rotation_to_content()
    box = page.cropbox
    width, height = float(box.width), float(box.height)
    if width <= 0 or height <= 0:
        return
    top, right, bottom, left = (m * PT_PER_MM for m in ATTACHMENT_MARGINS_MM)
    page_w, page_h = float(target.mediabox.width), float(target.mediabox.height)
    area_w, area_h = page_w - left - right, page_h - top - bottom
    scale = min(area_w / width, area_h / height, 1.0)
    x = left + (area_w - width * scale) / 2
    y = bottom + (area_h - height * scale) / 2
    ctm = (Transformation().translate(-float(box.left), -float(box.bottom))
           .scale(scale, scale).translate(x, y))
    target.merge_transformed_page(page, ctm, over=False)
