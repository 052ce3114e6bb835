"""The upload list, `<student>/upload/index.html`: the page kept open beside the school's
system on upload day.

Items come in the order of the school's form: term by term, the 課程學習成果 by course,
then the 多元表現 by category in the rules table's order. Per item: the title and the 簡述
as text to copy (a copy button puts the exact text on the clipboard), the upload-ready
files under their descriptive names (`upload/<item>/1132-物理-光的折射實驗報告.pdf`,
generator/engine/output_paths.py `upload_stem`) with their size against the limit, or
why there is none, and a 「已上傳」 tick. At the top, what is still to do.

The copy buttons and the ticks are the theme's `upload.js`, an enhancement: without it
the text stays selectable and the files downloadable. A tick is kept in the browser's
localStorage under the student, the item and a digest of its files, so a file that
changes is unticked.

It runs after the PDF step, which makes the 文件 PDFs, and lists what is on disk, so it
never links to a file that is not there. Its fingerprint is what it shows (names, sizes,
digests, limits, titles, findings), so an unchanged build writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from generator.content.file_inspection import file_sha256
from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.engine.steps import Output
from generator.findings import sort_key
from generator.i18n import text
from generator.model import Item, Student
from generator.render.site import page_links as urls
from generator.render.site.site_pages import PageTask, base_context
from generator.render.site.site_step import site_environment
from generator.render.upload.fitting import SizeLimits, Slot
from generator.render.upload.upload_copies import made_copies
from generator.rules import Rules
from generator.support.atomic import write_bytes
from generator.support.roc_calendar import Term, term_of

NAME = "uploads"
TEMPLATE = "uploads.html"
SLOTS: tuple[Slot, ...] = ("document", "media")
# The localStorage keys of the ticks: one namespace for the tool in a shared origin
# (every file:// page shares one).
TICK_PREFIX = "portfolio:uploaded"


uploads_page = paths.uploads_page


@dataclass(frozen=True)
class UploadFile:
    slot: str
    href: str
    name: str       # on disk and in the `download` attribute
    size: int
    limit: int
    digest: str

    @property
    def fits(self) -> bool:
        return self.size <= self.limit


@dataclass(frozen=True)
class UploadRow:
    item: Item
    href: str
    files: dict[str, UploadFile]
    given: dict[str, str | None]          # slot → the file the student named, if any
    problems: list[str]                   # the item's errors and warnings, said
    errors: int                           # how many of them are errors
    tick: str                             # the localStorage key of its 「已上傳」
    n: int                                # its place on the page (element ids)

    def key(self) -> list[Any]:
        return [self.item.id, self.item.title, self.item.summary, self.item.type,
                self.item.subject, self.item.category, self.href, self.given,
                sorted((f.slot, f.name, f.size, f.limit, f.digest)
                       for f in self.files.values()), self.problems, self.errors, self.tick]


@dataclass(frozen=True)
class UploadGroup:
    label: str                            # 課程學習成果, or a 多元表現 category's name
    rows: list[UploadRow]


@dataclass(frozen=True)
class UploadSection:
    label: str                            # the term (or the year) of the school's form
    groups: list[UploadGroup]


def upload_rows(ctx: BuildContext, student: Student, limits: SizeLimits) -> list[UploadRow]:
    """One row per item, in the order of the school's form (see `form_order`)."""
    linker = urls.Linker(uploads_page(student.slug))
    found = ctx.findings_for(student)
    rules = ctx.portfolio.rules
    rows = []
    for n, item in enumerate(sorted(student.items, key=lambda i: form_order(i, rules))):
        files: dict[str, UploadFile] = {}
        for slot, path in made_copies(ctx.output, student.slug, student.items,
                                      item.id).items():
            rel = paths.upload_file(student.slug, item.id, path.name)
            files[slot] = UploadFile(slot, linker.to(rel), path.name, path.stat().st_size,
                                     limits.limit(slot), file_sha256(path))
        mine = [f for f in sorted(found, key=sort_key)
                if f.item == item.id and f.severity != "info"]
        files_id = hashlib.sha256("\n".join(
            f"{f.slot}:{f.digest}" for f in files.values()).encode()).hexdigest()[:16]
        rows.append(UploadRow(item, linker.item(student.slug, item.id), files,
                              {"document": item.document, "media": item.media},
                              [f.message for f in mine],
                              sum(1 for f in mine if f.severity == "error"),
                              f"{TICK_PREFIX}:{student.slug}:{item.id}:{files_id}", n))
    return rows


def form_order(item: Item, rules: Rules) -> tuple[Any, ...]:
    """Where `item` comes in the school's form: its term, courses (by subject) before
    performances (by category, in the rules table's order), then by date and title."""
    categories = list(rules.categories)
    kind = 0 if item.is_course else 1 + (categories.index(item.category)
                                          if item.category in categories else len(categories))
    return (*_when(item), kind, item.subject or "",
            item.date.isoformat() if item.date else "", item.title, item.id)


def sections(rows: list[UploadRow], rules: Rules, lang: str) -> list[UploadSection]:
    """The rows (already in form order) by term, then by course / category."""
    out: list[UploadSection] = []
    last: tuple[int, int] | None = None
    for row in rows:
        when = _when(row.item)
        if last != when or not out:
            out.append(UploadSection(_when_label(when, lang), []))
            last = when
        groups = out[-1].groups
        label = _group_label(row.item, rules, lang)
        if not groups or groups[-1].label != label:
            groups.append(UploadGroup(label, []))
        groups[-1].rows.append(row)
    return out


def _when(item: Item) -> tuple[int, int]:
    """(year, semester) of the form the item goes in: a course's term, a performance's
    date's term, else the year it was ticked (semester 3: after that year's terms)."""
    if item.is_course and item.term is not None:
        return divmod(item.term, 10)
    if not item.is_course and item.date is not None:
        return divmod(term_of(item.date), 10)
    if item.submitted is not None:
        return item.submitted, 3
    return 10_000, 0     # no term given: last


def _when_label(when: tuple[int, int], lang: str) -> str:
    year, semester = when
    if year == 10_000:
        return text("up-no-term", lang)
    if semester == 3:
        return text("up-year", lang, year=year)
    return Term(year, semester).label(lang)


def _group_label(item: Item, rules: Rules, lang: str) -> str:
    if item.is_course:
        return text("site-courses", lang)
    category = rules.categories.get(item.category or "")
    name = category.name(lang) if category else text("site-performances", lang)
    return text("up-group-performance", lang, category=name)


class UploadListStep:
    name = NAME

    def plan(self, ctx: BuildContext) -> list[Output]:
        # Fingerprinted when made: the list shows what the upload and PDF steps made.
        return [Output(uploads_page(s.slug), "") for s in ctx.students()]

    def run(self, ctx: BuildContext) -> None:
        # Each page is a listing of a few files, a millisecond's work: not worth a fork.
        common = [ctx.theme.digest("templates"), ctx.portfolio.settings.school]
        limits = SizeLimits.from_rules(ctx.portfolio.rules.files)
        for student in ctx.students():
            rel = uploads_page(student.slug)
            rows = upload_rows(ctx, student, limits)
            fp = ctx.fingerprint(NAME, rel, common, student.name, [r.key() for r in rows])
            if ctx.fresh(rel, fp):
                continue
            linker = urls.Linker(rel)
            title = text("up-title", ctx.lang, name=student.name)
            data = {**base_context(ctx, PageTask("uploads", rel, TEMPLATE, student.slug), title,
                                   [(text("site-class-title", ctx.lang), linker.index()),
                                    (student.name, linker.student(student.slug))]),
                    "student": student, "rows": rows,
                    "sections": sections(rows, ctx.portfolio.rules, ctx.lang),
                    "with_errors": [r for r in rows if r.errors],
                    "limits": limits}
            page = site_environment(ctx).get_template(TEMPLATE).render(data)
            write_bytes(ctx.path(rel), page.encode("utf-8"))
            ctx.record(rel, fp, NAME)
