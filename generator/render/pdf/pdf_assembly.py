"""HTML → PDF with WeasyPrint, then each item's own PDF laid into the pages kept for it.

WeasyPrint cannot place another PDF's pages, so the print theme reserves one empty
`attachment` page per document page. Because those pages are real pages of the
layout, the page numbers, the "page" column of the lists and the outline already
count them; here qpdf (pikepdf) lays the document page, scaled to fit between the
running header and the page number, under its reserved page's content. Nothing is
inserted or moved, so the outline WeasyPrint wrote stays right. Only a page's content
is laid in (as a Form XObject), so none of the document's active content comes along
(scripts, actions, attachments, form fields); its web and mail links are made again.

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
import re
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.render.pdf.print_images import SCHEME
from generator.render.pdf.print_item import AttachmentView
from generator.support import pillow_settings as imaging
from generator.support.clock import fixed_moment

if TYPE_CHECKING:   # qpdf and pypdf are loaded when a PDF is made, not to plan one
    import pikepdf

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


def load_weasyprint() -> Any:
    """WeasyPrint, imported when a PDF is first laid out: a build that makes none (a
    no-op rebuild, `check`, the site alone) does not pay its second of start-up."""
    from generator.support.deferred_font_tools import deferred
    from generator.support.library_lookup import one_listing

    # Its seven libraries found without fifty subprocesses; two fontTools modules it
    # seldom uses imported when first used (0.2 s).
    with one_listing(), deferred():
        import weasyprint

    from generator.render.pdf import font_subsetting

    font_subsetting.install()
    imaging.settle()  # importing WeasyPrint let Pillow pass truncated pictures
    return weasyprint


def preload(css: str | None = None) -> None:
    """Import WeasyPrint now, before a step forks its workers: each would otherwise
    import it again (about 0.7 s of CPU a worker, on the critical path of a rebuild).
    With the print theme's `css`, also load its fonts and parse it by laying out a line
    in it: the workers inherit both (about 0.3 s a worker, each fork of each step)."""
    _fetcher_class()
    shared_fonts()
    if css is not None and css not in _WARMED:
        _WARMED.add(css)
        document = _render(f'<html lang="zh-Hant"><style>{css}</style><p>學習歷程 2026 '
                           f'<b>學習歷程</b></p>', [])
        document.write_pdf()


_WARMED: set[str] = set()


@cache
def _fetcher_class() -> type:
    load_weasyprint()  # first: its import finds the libraries its own way (one listing)
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PrintFetcher(URLFetcher):
        """Pictures from the print cache (`print-image:<name>`) and inline data, nothing
        else: no network (a build must not depend on it, nor leak a visit) and no local
        file (the student's raw HTML could name one)."""

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

    return PrintFetcher


def print_fetcher(folders: Iterable[Path]) -> Any:
    """WeasyPrint's URL fetcher for the print theme (see `_fetcher_class`)."""
    return _fetcher_class()(folders)


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
    part assembled later: pydyf packs object streams in Python, and the assembly writes
    its own.
    """
    try:
        document = _render(html, image_folders)
        page_of = {anchor: n for n, page in enumerate(document.pages) for anchor in page.anchors}
        raw = document.write_pdf(pdf_tags=tagged,
                                 finisher=None if object_streams else _no_object_streams)
    except Exception as exc:  # WeasyPrint raises many kinds; all mean "no PDF"
        raise RenderError(f"{type(exc).__name__}: {exc}") from exc
    from generator.render.pdf.emoji_text import emoji_font_names, make_readable

    laid = _describe(document)
    attachments = [a for a in attachments if a.anchors]
    emoji = emoji_font_names(document.fonts.values())
    if (not attachments and not emoji) or raw is None:
        laid.pdf = raw or b""
        return laid
    if attachments:
        raw = _lay_in(raw, attachments, page_of, laid, unattached)
    if emoji:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
        make_readable(writer, emoji)
        out = io.BytesIO()
        writer.write(out)
        raw = out.getvalue()
    laid.pdf = raw
    return laid


def _lay_in(raw: bytes, attachments: list[AttachmentView], page_of: dict[str, int],
            laid: Laid, unattached: list[AttachmentView] | None) -> bytes:
    """Each attached document's pages onto the pages reserved for them (qpdf: each page
    becomes a Form XObject of its content alone, so no script, action, attachment or
    form field of the document comes along; its web links are made again, see `place`)."""
    import pikepdf

    with ExitStack() as keep, pikepdf.open(io.BytesIO(raw)) as pdf:
        for att in attachments:
            try:
                # Open until saved: qpdf reads a copied page's streams at the save.
                source = keep.enter_context(pikepdf.open(att.path))
                for n, anchor in enumerate(att.anchors):
                    if anchor in page_of and n < len(source.pages):
                        place(pdf, pdf.pages[page_of[anchor]], source.pages[n])
            except Exception:  # qpdf on a PDF it cannot take apart: say so, go on
                laid.unattached.append(att.item)
                if unattached is not None:
                    unattached.append(att)
        out = io.BytesIO()
        pdf.save(out, static_id=True, fix_metadata_version=False)
        return out.getvalue()


# A build lays out dozens of documents per student: the fonts found and loaded (Pango's
# font map, its HarfBuzz faces) and the print theme's stylesheets parsed are kept for
# the next one instead of being made again for each (about 0.08 s of a 0.34 s item
# page). Made in the build's process before its workers fork (`preload`), they are
# inherited by every worker of every step, each with its own copy of the memory.
_FONTS: list[Any] = []           # WeasyPrint's FontConfiguration, once
_SHEETS: dict[str, Any] = {}     # its parsed CSS, by the hash of the text
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


def shared_fonts() -> Any:
    """The fonts, found and loaded once (see above)."""
    if not _FONTS:
        _FONTS.append(_fonts_class()())
    return _FONTS[0]


@cache
def _fonts_class() -> type:
    load_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    class InstalledFonts(FontConfiguration):
        """The print theme draws with the fonts installed here, found by their names:
        what the glyph check (print_fonts.py) reads and the fingerprints name. An
        `@font-face` is not loaded: WeasyPrint would fetch the font file (which the
        print fetcher refuses: no local file) into a temporary folder of its own, made
        for every such rule and never removed from a worker, which ends without
        finalising (thousands of empty `/tmp/weasyprint-*` folders after a test run)."""

        def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> None:
            return None

    return InstalledFonts


def _stylesheets(html: str, fetcher: Any) -> tuple[str, list[Any]]:
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
            _SHEETS[key] = load_weasyprint().CSS(string=text, url_fetcher=fetcher,
                                                 font_config=fonts)
        sheets.append(_SHEETS[key])
    return _STYLE.sub("", html), sheets


def measure(html: str, image_folders: Iterable[Path]) -> Laid:
    """Where the pages of `html` would fall (page heights, names, anchors, bookmarks,
    links), without writing the PDF: about two thirds of what `lay_out` costs."""
    try:
        document = _render(html, image_folders)
    except Exception as exc:  # WeasyPrint raises many kinds; all mean "no PDF"
        raise RenderError(f"{type(exc).__name__}: {exc}") from exc
    return _describe(document)


def _render(html: str, image_folders: Iterable[Path]) -> Any:
    """WeasyPrint's layout of `html` (its Document), with this process's fonts and
    parsed stylesheets and the print theme's fetcher."""
    fetcher = print_fetcher(image_folders)
    body, sheets = _stylesheets(html, fetcher)
    return load_weasyprint().HTML(string=body, url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=shared_fonts())


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


def place(pdf: pikepdf.Pdf, target: pikepdf.Page, page: pikepdf.Page) -> None:
    """Lay `page` (of another PDF) under `target`'s content, scaled down (never up) and
    centred inside the margins, turned upright if it was rotated; its https and mailto
    links made again where they now are on `target`."""
    import pikepdf

    box = page.cropbox
    if float(box[2]) - float(box[0]) <= 0 or float(box[3]) - float(box[1]) <= 0:
        return
    form = pdf.copy_foreign(page.as_form_xobject(handle_transformations=True))
    top, right, bottom, left = (m * PT_PER_MM for m in ATTACHMENT_MARGINS_MM)
    media = target.mediabox
    area = pikepdf.Rectangle(float(media[0]) + left, float(media[1]) + bottom,
                             float(media[2]) - right, float(media[3]) - top)
    # Named here: pikepdf's own names for new resources are random (two builds, two files).
    resources: Any = target.obj.get("/Resources")
    taken = list(resources.get("/XObject", {}).keys()) if resources is not None else []
    name = pikepdf.Name(f"/LaidIn{sum(1 for k in taken if str(k).startswith('/LaidIn'))}")
    target.add_resource(form, pikepdf.Name.XObject, name)
    drawn = target.calc_form_xobject_placement(form, name, area, allow_shrink=True,
                                               allow_expand=False)
    target.contents_add(b"q\n" + drawn + b"\nQ\n", prepend=True)
    matrix = target.get_matrix_for_form_xobject_placement(form, area, allow_shrink=True,
                                                          allow_expand=False)
    for annot in page.obj.get("/Annots") or []:
        link = _web_link(annot)
        if link is None:
            continue
        x1, y1, x2, y2 = (float(v) for v in annot.Rect)
        corners = [matrix.transform((x, y)) for x in (x1, x2) for y in (y1, y2)]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        made = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([min(xs), min(ys), max(xs), max(ys)]),
            Border=pikepdf.Array([0, 0, 0]),
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(link))))
        if "/Annots" not in target.obj:
            target.obj.Annots = pikepdf.Array()
        target.obj.Annots.append(made)


def _web_link(annot: Any) -> str | None:
    """The address of a link annotation to the web (or mail): nothing else is kept."""
    import pikepdf

    from generator.support.pdf_cleaning import SAFE_URI_SCHEMES

    if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != pikepdf.Name.Link:
        return None
    action = annot.get("/A")
    if not isinstance(action, pikepdf.Dictionary) or action.get("/S") != pikepdf.Name.URI:
        return None
    try:
        uri = bytes(action.URI).decode("utf-8", "replace").strip()
    except (AttributeError, TypeError, ValueError):
        return None
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    return uri if scheme in SAFE_URI_SCHEMES and "/Rect" in annot else None
