"""The upload list, `<student>/upload/index.html`: what to hand to the school's system.

One row per item: its upload-ready 文件 and 影音 (`upload/<item>/document.*`,
`media.*`), each with its size against the limit, or why there is none. It runs
after the PDF step, which makes the 文件 PDFs, and lists what is on disk, so it never
links to a file that is not there. Its fingerprint is what it shows (names, sizes,
limits, titles, findings), so an unchanged build writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.engine.steps import Output
from generator.findings import sort_key
from generator.i18n import text
from generator.model import Item, Student
from generator.render.site import page_links as urls
from generator.render.site.site_pages import PageTask, base_context
from generator.render.site.site_step import environment
from generator.render.upload.fitting import SizeLimits, Slot
from generator.render.upload.upload_copies import upload_copy
from generator.support.atomic import write_bytes

NAME = "uploads"
TEMPLATE = "uploads.html"
SLOTS: tuple[Slot, ...] = ("document", "media")


uploads_page = paths.uploads_page


@dataclass(frozen=True)
class UploadFile:
    slot: str
    href: str
    name: str
    size: int
    limit: int

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

    def key(self) -> list[Any]:
        return [self.item.id, self.item.title, self.item.type, self.href, self.given,
                sorted((f.slot, f.name, f.size, f.limit) for f in self.files.values()),
                self.problems]


def upload_rows(ctx: BuildContext, student: Student, limits: SizeLimits) -> list[UploadRow]:
    linker = urls.Linker(uploads_page(student.slug))
    found = ctx.findings_for(student)
    rows = []
    for item in sorted(student.items, key=lambda i: (not i.is_course, i.id)):
        files: dict[str, UploadFile] = {}
        for slot in SLOTS:
            path = upload_copy(ctx.output, student.slug, item.id, slot)
            if path is not None:
                rel = paths.upload_file(student.slug, item.id, path.name)
                files[slot] = UploadFile(slot, linker.to(rel), path.name,
                                         path.stat().st_size, limits.limit(slot))
        problems = [f.message for f in sorted(found, key=sort_key)
                    if f.item == item.id and f.severity != "info"]
        rows.append(UploadRow(item, linker.item(student.slug, item.id), files,
                              {"document": item.document, "media": item.media}, problems))
    return rows


class UploadListStep:
    name = NAME

    def plan(self, ctx: BuildContext) -> list[Output]:
        # Fingerprinted when made: the list shows what the upload and PDF steps made.
        return [Output(uploads_page(s.slug), "") for s in ctx.students()]

    def run(self, ctx: BuildContext) -> None:
        # Each page is a listing of a few files, a millisecond's work: not worth a fork.
        common = [ctx.theme.digest("templates"), ctx.portfolio.settings.school]
        limits = SizeLimits.from_rules(ctx.portfolio.rules.files)
        env = environment(ctx.theme.search_path("templates"))
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
                    "limits": limits}
            write_bytes(ctx.path(rel), env.get_template(TEMPLATE).render(data).encode("utf-8"))
            ctx.record(rel, fp, NAME)
