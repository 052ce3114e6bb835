"""One PDF from the model: a student's whole portfolio, a department's copy, or one item.

This is the part with no memory: given the same student, rules, settings and files it
returns the same bytes. Deciding whether to call it (incremental builds) and where
to write lives in `pdf_step.py`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from markupsafe import Markup

from generator.i18n import text
from generator.model import Department, Item, Student
from generator.model.upload_record import upload_record
from generator.render.pdf.fragments import FragmentStore, assemble, code_digest
from generator.render.pdf.pdf_assembly import render_pdf, timestamp
from generator.render.pdf.print_fonts import fonts_digest
from generator.render.pdf.print_images import ImageCache
from generator.render.pdf.print_item import PrintedItems, Quality
from generator.render.pdf.print_theme import PrintTheme
from generator.render.pdf.print_view import DraftMark, PrintView, build_view
from generator.rules import Rules


@dataclass(frozen=True)
class PdfSettings:
    lang: str
    today: date
    cache_dir: Path                       # print-sized pictures and poster frames
    theme: PrintTheme = field(default_factory=PrintTheme)
    quality: Quality = field(default_factory=Quality)
    tagged: bool = True                   # structure for screen readers (pdf_tags)
    fragments: bool = True                # False: one layout of the whole (the reference)

    @property
    def images(self) -> ImageCache:
        return ImageCache(self.cache_dir / "images")


def render_portfolio(student: Student, rules: Rules, settings: PdfSettings,
                     department: Department | None = None,
                     uploads: dict[str, Path | None] | None = None,
                     draft: DraftMark | None = None,
                     laid: list[str] | None = None,
                     used: list[str] | None = None) -> tuple[bytes, PrintView]:
    """The student's own copy (every part in DOMAIN.md's order, documents laid in), or
    with `department` the reviewer's copy for it, each item's upload 文件 (`uploads`)
    laid in. `draft`: the errors still in it, marked on the cover and their items.

    Assembled from the items' fragments (fragments.py), kept in the cache: `laid` gets
    the key of each fragment this call had to lay out, `used` of every cached part it
    was made from."""
    views = PrintedItems(rules, settings.lang, settings.images, settings.quality)
    view = build_view(student, rules, views, settings.today, department, uploads, draft)
    title = text("pdf-cover-title", settings.lang)
    title = f"{student.name} {title}" + (f" · {department.name}" if department else "")
    mark = f"<!--portfolio-item-{secrets.token_hex(8)}-->"  # never in a student's text
    html = settings.theme.render("portfolio.html", settings.lang, v=view, title=title,
                                 created=timestamp(settings.today), cut=Markup(mark))
    attachments = [v.attachment for v in view.items if v.attachment]
    folders = [settings.images.folder]
    store = FragmentStore(settings.cache_dir / "fragments",
                  f"{code_digest()}\0{fonts_digest(settings.theme.css())}", laid, used)
    made = assemble(html, mark, folders, attachments, store, settings.tagged) \
        if settings.fragments else None
    if made is None:   # a template without item marks: laid out whole
        data = render_pdf(html, folders, attachments, view.unattached, tagged=settings.tagged)
        return data, view
    data, unattached = made
    view.unattached += [a for a in attachments if a.item in unattached]
    return data, view


def render_item_page(item: Item, student: Student, rules: Rules, settings: PdfSettings,
                     quality: Quality) -> bytes:
    """The item's own page as its upload 文件 shows it (generator/model/upload_record.py):
    with its reflection and photos unless they stay private, and a picture given as
    文件 on a page of its own. A PDF given as 文件 is appended by the caller."""
    record = upload_record(item)
    views = PrintedItems(rules, settings.lang, settings.images, quality, attach_documents=False)
    view = views.view(item, reflection=record.reflection, document_page=True)
    info = item.files.get(item.document or "")
    appended = (item.document, info.pages) if record.document_kind == "pdf" and info \
        and info.pages else None
    html = settings.theme.render("upload.html", settings.lang, v=view, name=student.name,
                                 created=timestamp(settings.today), appended=appended)
    return render_pdf(html, [settings.images.folder], tagged=settings.tagged)
