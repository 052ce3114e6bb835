"""The kit's files, from the model: no memory, the same inputs give the same bytes.

- 學習歷程自述.pdf: the `statement` as the department takes it (the parts O/P/Q it asks
  for, or the one text as written);
- 多元表現綜整心得.pdf: the `reflection` (N), its pictures included;
- 其他.pdf: the `other` text (R), then the pages of every PDF it links to inside the
  student's folder (a 作品集, say);
- 勾選清單.html / .pdf: the central-database items to tick for the department, with
  their 審查資料 codes, terms and titles, in the order the platform lists them;
- "B-1 專題實作….pdf" …: a copy of each PDF the department takes in place of items for a
  code (its `uploads`), as the student gave it.

A text PDF steps its pictures (and an attached PDF's) down until it fits the kit limit
(`[files] kit_max_mb`); what still does not fit is kept at its smallest, and the kit
step says so (`kit-file-too-large`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.content.image_refs import is_local_path, markdown_images, markdown_links
from generator.content.item_paths import resolve_inside
from generator.engine.output_paths import KIT_FILES
from generator.i18n import text
from generator.model import Department, Item, Student
from generator.render import column_shares
from generator.render.kit.kit_uploads import uploaded_pdfs
from generator.render.markdown import render_markdown
from generator.render.pdf.pdf_assembly import render_pdf, timestamp
from generator.render.pdf.pdf_documents import PdfSettings
from generator.render.pdf.print_item import SCHEMES, PrintedItems, spell_out_links
from generator.render.pdf.upload_document import PAGE_LADDER, PDF_LADDER, recompress_pdf
from generator.rules import Rules
from generator.support.roc_calendar import Term, term_of

TEXT_KINDS = ("statement", "reflection", "other")


@dataclass(frozen=True)
class Attached:
    """A PDF the `other` text links to, inside the student's folder."""

    name: str
    path: Path
    pages: int


def kit_kinds(dep: Department, rules: Rules) -> list[str]:
    """The kit files a department gets: the texts it takes that are written (in the codes
    of the student's track, `rules`), and the list of what to tick."""
    return [k for k in TEXT_KINDS if dep.wants_text(k, rules.track)] + ["ticks", "ticks-pdf"]


def attached_pdfs(student: Student, dep: Department) -> list[Attached]:
    """The PDFs `other` links to that are inside the student's folder and can be read."""
    out = []
    for target in markdown_links(dep.other):
        name = target[2:] if target.startswith("./") else target
        if not is_local_path(name) or not name.lower().endswith(".pdf"):
            continue
        real, _ = resolve_inside(student.path, name)
        if real is None:
            continue  # path-outside / attachment-missing, from check, say why
        from pypdf import PdfReader  # loaded to make the kit, not to plan it

        try:
            pages = len(PdfReader(real).pages)
        except Exception:  # pypdf on a file it cannot take apart: not attached
            continue
        out.append(Attached(name, real, pages))
    return out


def text_inputs(student: Student, dep: Department) -> list[tuple[str, str]]:
    """The files the texts name (pictures, attached PDFs) by name and content hash: what
    besides the model a kit file is made from (its fingerprint)."""
    from generator.content.file_inspection import file_sha256

    out = []
    for name in dict.fromkeys([*(n for t in dep.texts() for n in markdown_images(t)),
                               *markdown_links(dep.other)]):
        real, _ = resolve_inside(student.path, name[2:] if name.startswith("./") else name)
        if real is not None and real.is_file():
            out.append((name, file_sha256(real)))
    return out


def _parts(kind: str, dep: Department, rules: Rules, lang: str) -> list[tuple[str | None, str]]:
    if kind == "statement":
        return [(rules.codes[c].name(lang) if c and c in rules.codes else None, body)
                for c, body in dep.statement_for()]
    return [(None, getattr(dep, kind) or "")]


def render_text(kind: str, student: Student, dep: Department, rules: Rules,
                settings: PdfSettings, limit: int) -> bytes:
    """One text file of the kit, stepped down until it fits `limit` (else its smallest)."""
    attached = attached_pdfs(student, dep) if kind == "other" else []
    smallest = b""
    for step, quality in enumerate(PAGE_LADDER):
        views = PrintedItems(rules, settings.lang, settings.images, quality)
        hook = views.text_hook(student.path)
        parts = [(heading, spell_out_links(render_markdown(body, hook, heading_offset=1,
                                                           schemes=SCHEMES)))
                 for heading, body in _parts(kind, dep, rules, settings.lang)]
        html = settings.theme.render(
            "kit.html", settings.lang, kind=kind, parts=parts, student=student.name,
            department=dep, attached=[(a.name, a.pages) for a in attached],
            created=timestamp(settings.today))
        data = render_pdf(html, [settings.images.folder])
        if attached:
            shrink = PDF_LADDER[min(step, len(PDF_LADDER)) - 1] if step else None
            data = _append(data, attached, shrink)
        if not smallest or len(data) < len(smallest):
            smallest = data
        if len(data) <= limit:
            return data
    return smallest


def _append(data: bytes, attached: list[Attached], shrink: tuple[int, int] | None) -> bytes:
    from pypdf import PdfReader, PdfWriter

    from generator.support.pdf_cleaning import strip_active

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for att in attached:
        try:
            source: Any = io.BytesIO(recompress_pdf(att.path, *shrink)) if shrink else att.path
            doc = PdfWriter(clone_from=PdfReader(source))
            strip_active(doc)
        except Exception:  # a PDF pypdf cannot take apart: left out, the text says it
            continue
        first = len(writer.pages)
        for page in doc.pages:
            writer.add_page(page)
        writer.add_outline_item(title=att.name, page_number=first)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ----------------------------------------------------------------- 勾選清單

@dataclass(frozen=True)
class TickRow:
    code: str
    code_name: str
    term: str
    kind: str
    title: str
    ticked: str


def _row(item: Item, rules: Rules, lang: str) -> TickRow:
    named = rules.codes.get(item.code or "")
    if item.is_course:
        form = rules.forms.get(item.form or "")
        kind = item.subject or (form.name(lang) if form else "")
        term = item.term
    else:
        cat = rules.categories.get(item.category or "")
        kind = cat.name(lang) if cat else (item.category or "")
        term = term_of(item.date) if item.date else None
    return TickRow(item.code or "", named.name(lang) if named else "",
                   Term.parse(term).label(lang) if term else "", kind, item.title,
                   text("pdf-submitted-in", lang, year=item.submitted)
                   if item.submitted is not None else "")


def tick_rows(student: Student, dep: Department, rules: Rules,
              lang: str) -> tuple[list[TickRow], list[TickRow]]:
    """The department's course outcomes and performances in the platform's order:
    courses by term, then code; performances by category (the official order), then
    date."""
    courses = [i for i in (student.item(x) for x in dep.courses) if i and i.is_course]
    perfs = [i for i in (student.item(x) for x in dep.performances) if i and not i.is_course]
    courses.sort(key=lambda i: (i.term or 0, i.code or "", i.subject or "", i.title))
    order = {key: n for n, key in enumerate(rules.categories)}
    perfs.sort(key=lambda i: (order.get(i.category or "", len(order)),
                              i.date.isoformat() if i.date else "", i.title))
    return [_row(i, rules, lang) for i in courses], [_row(i, rules, lang) for i in perfs]


def render_ticks(student: Student, dep: Department, rules: Rules,
                 settings: PdfSettings) -> str:
    """勾選清單.html: one page that stands alone (its style inside it, no link out), so
    the same file opens in the output, in a bundle and as the PDF."""
    courses, perfs = tick_rows(student, dep, rules, settings.lang)
    uploads = [KIT_FILES[k] for k in TEXT_KINDS if dep.wants_text(k, rules.track)]
    uploads += [u.rel.rsplit("/", 1)[-1] for u in uploaded_pdfs(student, dep, rules)]
    return settings.theme.render(
        "ticklist.html", settings.lang, student=student.name, department=dep,
        courses=courses, performances=perfs, limits=rules.limits, uploads=uploads,
        created=timestamp(settings.today), today=settings.today.isoformat(),
        columns=TICK_COLUMNS, widths=tick_widths(courses + perfs, settings.lang))


TICK_COLUMNS = ("tick", "code", "term", "kind", "title", "ticked")  # the headings' keys


def tick_widths(rows: list[TickRow], lang: str) -> list[float]:
    """Each column's printed share (render/column_shares.py), one set for both tables:
    the list prints in 10.5 pt on an A4 page with 14 mm margins (ticklist.html)."""
    header = [text(f"pdf-ticks-col-{k}", lang) for k in TICK_COLUMNS]
    return column_shares.shares(header, [["☐", f"{r.code} {r.code_name}", r.term, r.kind,
                                          r.title, r.ticked] for r in rows],
                                width=49.0, whole_headings=False)


def ticks_pdf(html: str) -> bytes:
    return render_pdf(html, [])
