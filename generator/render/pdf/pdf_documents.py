"""One PDF from the model: a student's whole portfolio, a department's copy, or one item.

This is the part with no memory: given the same student, rules and settings it
returns the same bytes. Deciding whether to call it (incremental builds) and where
to write lives in `build.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.i18n import text
from generator.model import Department, Item, Student
from generator.render.pdf.pdf_assembly import render_pdf, timestamp
from generator.render.pdf.print_images import ImageCache
from generator.render.pdf.print_item import PrintedItems, Quality
from generator.render.pdf.print_theme import PrintTheme
from generator.render.pdf.print_view import PrintView, build_view
from generator.rules import Rules


@dataclass(frozen=True)
class PdfSettings:
    lang: str
    today: date
    cache_dir: Path                       # print-sized pictures and poster frames
    theme: PrintTheme = field(default_factory=PrintTheme)
    quality: Quality = field(default_factory=Quality)
    tagged: bool = True                   # structure for screen readers (pdf_tags)

    @property
    def images(self) -> ImageCache:
        return ImageCache(self.cache_dir / "images")


def render_portfolio(student: Student, rules: Rules, settings: PdfSettings,
                     department: Department | None = None) -> tuple[bytes, PrintView]:
    """The reviewer's copy: every part in DOMAIN.md's order, documents laid in."""
    views = PrintedItems(rules, settings.lang, settings.images, settings.quality)
    view = build_view(student, rules, views, settings.today.isoformat(), department)
    title = text("pdf-cover-title", settings.lang)
    title = f"{student.name} {title}" + (f" · {department.name}" if department else "")
    html = settings.theme.render("portfolio.html", settings.lang, v=view, title=title,
                        created=timestamp(settings.today))
    attachments = [v.attachment for v in view.items if v.attachment]
    data = render_pdf(html, [settings.images.folder], attachments, view.unattached,
                      tagged=settings.tagged)
    return data, view


def render_item_page(item: Item, student: Student, rules: Rules, settings: PdfSettings,
                     quality: Quality) -> bytes:
    """The item's own page alone, as the 文件 to upload for an item that has none."""
    views = PrintedItems(rules, settings.lang, settings.images, quality, attach_documents=False)
    view = views.view(item)
    html = settings.theme.render("upload.html", settings.lang, v=view,
                        name=student.name, created=timestamp(settings.today))
    return render_pdf(html, [settings.images.folder], tagged=settings.tagged)
