"""The 文件 to upload for each item, as a PDF the official system accepts (≤ 4 MB).

What the 文件 is, is generator/model/upload_record.py's to say:

- the item's page (an item without a document): rendered, pictures stepped down from
  150 dpi until the file fits; every picture stays in it;
- the item's page followed by its document: the page as above, then the PDF's pages
  (recompressed step by step along with the page when the whole is over the limit),
  or the picture given as 文件 on a page of its own;
- the document as given: a PDF within the limit is copied as it is, byte for byte,
  unless it carries active content (scripts, launch actions, attachments): then it is
  copied without it; a PDF over the limit gets its pictures recompressed, step by step,
  until it fits.

What cannot be made to fit gets a finding that says what the student can do. Pictures
uploaded as given (jpg/png) are generator.render.upload's: it fits them as
<name>.jpg/.png. Originals are only ever read.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from generator.content.item_paths import resolve_inside
from generator.engine.output_paths import upload_copy
from generator.findings import Finding, make
from generator.model import Item, Student
from generator.model.upload_record import upload_record
from generator.render.pdf.pdf_assembly import RenderError
from generator.render.pdf.pdf_documents import PdfSettings, render_item_page
from generator.render.pdf.print_item import Quality
from generator.rules import FileRules, Rules
from generator.support.atomic import remove, write_bytes

# The rendered page steps down until it fits: 150 dpi is what print needs, 72 dpi
# is still a legible photo on a screen, which is where reviewers read.
PAGE_LADDER = (Quality(150, 80), Quality(120, 72), Quality(96, 65), Quality(72, 55))
# Long side in pixels for pictures inside a given PDF: A4 at 150, 110 and 75 dpi.
PDF_LADDER = ((1754, 75), (1290, 65), (877, 55))
A4_LONG_INCHES = 11.69
# The 文件 PDF is `<stem>.pdf`, the item's upload name (output_paths.upload_stem).
OUTPUT_EXT = ".pdf"


@dataclass
class UploadResult:
    action: str                 # copy | rendered | shrunk | failed
    size: int | None = None
    findings: list[Finding] = field(default_factory=list)


def needs_upload_pdf(item: Item) -> bool:
    """Whether this module makes the item's upload PDF (pictures uploaded as given:
    render.upload's)."""
    if upload_record(item).page:
        return True
    info = item.files.get(item.document or "")
    return info is not None and info.kind == "pdf" and not info.problem


def make_upload_pdf(item: Item, student: Student, rules: Rules, settings: PdfSettings,
                    target: Path) -> UploadResult:
    """Write `target` (upload/<item>/<name>.pdf) or say why it could not be made."""
    limit = rules.files.document_max_bytes
    where = (student.key, item.id)
    if upload_record(item).page:
        return _render_page(item, student, rules, settings, limit, target, where)
    if item.document:
        real, _ = resolve_inside(item.path, item.document)
        if real is None:
            return UploadResult("failed")  # attachment-missing already says so
        size = real.stat().st_size
        if size <= limit:
            from generator.support.pdf_cleaning import clean_pdf

            try:
                data, _removed = clean_pdf(real)  # pdf-active-content, from check, says so
            except Exception as exc:  # pypdf on a PDF it cannot take apart, or too vast a one
                remove(target)  # never an old copy, never an unchecked one
                return UploadResult("failed", None, [make(
                    "pdf-render-failed", *where, item.document, output=_rel(student, item),
                    reason=f"{type(exc).__name__}: {exc}"[:200])])
            if len(data) <= limit:
                write_bytes(target, data)
                return UploadResult("copy", len(data))
            size = len(data)  # rewritten without its scripts, it no longer fits
        return _shrink_given(real, item.document, size, rules.files, target, where)
    return _render_page(item, student, rules, settings, limit, target, where)


def _render_page(item: Item, student: Student, rules: Rules, settings: PdfSettings,
                 limit: int, target: Path, where: tuple[str, str]) -> UploadResult:
    appended = _appended_pdf(item)
    data = b""
    for step, quality in enumerate(PAGE_LADDER):
        try:
            data = render_item_page(item, student, rules, settings, quality)
            if appended is not None:
                # The document as given first; then with its pictures stepped down too.
                shrink = PDF_LADDER[min(step, len(PDF_LADDER)) - 1] if step else None
                data = append_pdf(data, appended, shrink)
        except RenderError as err:
            return UploadResult("failed", None, [make(
                "pdf-render-failed", *where, None, output=_rel(student, item),
                reason=str(err))])
        except Exception as exc:  # pypdf on a document it cannot take apart
            remove(target)
            return UploadResult("failed", None, [make(
                "pdf-render-failed", *where, item.document, output=_rel(student, item),
                reason=f"{type(exc).__name__}: {exc}"[:200])])
        if len(data) <= limit:
            write_bytes(target, data)
            return UploadResult("rendered", len(data))
    remove(target)  # an old copy that fitted would be misleading now
    if appended is not None:
        return UploadResult("failed", len(data), [make(
            "upload-page-document-too-large", *where, item.document, name=item.document,
            dpi=quality.dpi, size=rules.files.format_size(len(data)),
            limit=rules.files.format_size(limit))])
    return UploadResult("failed", len(data), [make(
        "upload-page-too-large", *where, None, images=len(item.images), dpi=quality.dpi,
        size=rules.files.format_size(len(data)), limit=rules.files.format_size(limit))])


def _shrink_given(source: Path, name: str, size: int, files: FileRules, target: Path,
                  where: tuple[str, str]) -> UploadResult:
    limit, mb = files.document_max_bytes, files.format_size
    smallest = size
    dpi = round(PDF_LADDER[-1][0] / A4_LONG_INCHES)
    for long_side, quality in PDF_LADDER:
        try:
            data = recompress_pdf(source, long_side, quality)
        except Exception:  # pypdf or Pillow on a PDF they cannot rewrite: say so below
            break
        smallest = min(smallest, len(data))
        if len(data) <= limit:
            write_bytes(target, data)
            return UploadResult("shrunk", len(data), [make(
                "document-pdf-shrunk", *where, name, name=name, size=mb(size),
                limit=mb(limit), after=mb(len(data)), output="/".join(target.parts[-4:]))])
    remove(target)
    return UploadResult("failed", smallest, [make(
        "document-pdf-too-large", *where, name, name=name, size=mb(size), limit=mb(limit),
        after=mb(smallest), dpi=dpi)])


def _appended_pdf(item: Item) -> Path | None:
    """The PDF given as 文件 that follows the item's page, if it can be read."""
    record = upload_record(item)
    info = item.files.get(item.document or "")
    if record.document_kind != "pdf" or info is None or info.problem or not info.pages:
        return None
    real, _ = resolve_inside(item.path, item.document or "")
    return real


def append_pdf(page: bytes, document: Path, shrink: tuple[int, int] | None) -> bytes:
    """`page` (the rendered item page) followed by every page of `document`, without its
    active content; with `shrink` (long side, JPEG quality) its pictures recompressed."""
    from pypdf import PdfReader, PdfWriter

    from generator.support.pdf_cleaning import strip_active

    source = io.BytesIO(recompress_pdf(document, *shrink)) if shrink else document
    appendix = PdfWriter(clone_from=PdfReader(source))
    strip_active(appendix)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(page)))
    first = len(writer.pages)
    for p in appendix.pages:
        writer.add_page(p)
    writer.add_outline_item(title=document.name, page_number=first)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def recompress_pdf(source: Path, long_side: int, quality: int) -> bytes:
    """The PDF with every raster picture at most `long_side` pixels, as JPEG `quality`."""
    from pypdf import PdfReader, PdfWriter

    from generator.support.pdf_cleaning import strip_active

    writer = PdfWriter(clone_from=PdfReader(source))
    strip_active(writer)
    for page in writer.pages:
        for image in page.images:
            try:
                picture = image.image
            except Exception:  # an exotic filter Pillow cannot decode: leave that one
                continue
            if picture is None:
                continue
            shrunk = picture.convert("RGB") if picture.mode not in ("RGB", "L") else picture
            if max(shrunk.size) > long_side:
                shrunk = shrunk.copy()
                shrunk.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
            image.replace(shrunk, quality=quality)
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _rel(student: Student, item: Item) -> str:
    return upload_copy(student.slug, student.items, item.id, OUTPUT_EXT)
