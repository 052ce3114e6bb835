"""The reviewer view of one department, in the order reviewers read (DOMAIN.md):
cover, 學習歷程自述, 修課紀錄, 課程學習成果, 多元表現綜整心得, 多元表現 (the school's
幹部經歷 first), 其他.

It is built from what is uploaded and nothing else: each selected item is its record
(generator/model/upload_record.py) — fields, 簡述, the upload 文件 (its page with the
reflection and photos only where they are uploaded, the document's pages), the upload
影音 and its links; the texts are the parts the department takes (its kit); the 修課紀錄
are those its reviewers get. The same view makes the site's department page and the
bundle's `index.html`: a `Where` says where each thing is linked from the page, and
whether the student's own tools (findings, coverage, links into the site) are shown.

That is 大學's order; the student's track gives its own (技專: 修課紀錄, 課程學習成果,
多元表現, then D-1, D-2, D-3) and the code labels that head the parts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.checks.departments import provided_codes
from generator.content.image_refs import markdown_images
from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.i18n import text
from generator.model import Department, Item, Student
from generator.model.upload_record import photos, upload_record
from generator.render.kit.kit_uploads import uploaded_pdfs
from generator.render.markdown import ImageHook, render_markdown
from generator.render.site import item_views as views
from generator.render.site import page_links as urls
from generator.render.site import student_records as records
from generator.render.site.review_time import estimate, item_media_seconds, item_pages
from generator.render.web_media.web_media_step import ItemFile, department_key, item_files

THUMB_SIZES = "(min-width: 40rem) 14rem, 45vw"
_HREF = re.compile(r'(<a\b[^>]*?)\shref="([^"]*)"')
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.I)


def contained(html: str, local: str | None = None) -> str:
    """A text's HTML whose links to files (`[作品集](works.pdf)`) lead nowhere outside the
    view: to `local` (the kit file that carries them) where given, else to nothing (the
    words stay, the link goes). Web addresses and anchors on the page stay as they are."""
    def fix(m: re.Match[str]) -> str:
        href = m.group(2)
        if not href or href.startswith("#") or _SCHEME.match(href) or href.startswith("//"):
            return m.group(0)
        return f'{m.group(1)} href="{local}"' if local else m.group(1)

    return _HREF.sub(fix, html)


@dataclass
class Where:
    """Where the things a department view shows are, seen from the page that shows them."""

    page: str                                       # the page (for the Linker)
    item_prefix: Callable[[str], str]               # item id → prefix of its `files/…`
    text_prefix: str                                # prefix of the texts' `files/…`
    upload: Callable[[str, str], str | None]        # (item id, slot) → the upload file
    pdf: str | None = None                          # the department's PDF
    kit: list[tuple[str, str]] = field(default_factory=list)   # (kind, url)
    item_page: Callable[[str], str | None] = lambda item_id: None
    reviewer_only: bool = False                     # a bundle: nothing but the view
    # (code, url) of each PDF the department takes in place of items (its `uploads`)
    uploads: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Section:
    """One selected item as its reviewers get it."""

    card: views.Card
    fields: list[tuple[str, str]]
    mode: str                                       # page | page+document | document
    upload_label: str
    reflection: str = ""                            # HTML, only where it is uploaded
    pictures: list[views.Picture] = field(default_factory=list)
    document: ItemFile | None = None
    document_picture: views.Picture | None = None
    upload: str | None = None                       # the upload 文件
    media: ItemFile | None = None
    media_upload: str | None = None                 # the upload 影音
    links: list[str] = field(default_factory=list)
    pages: int = 1
    media_seconds: float = 0.0
    item_page: str | None = None                    # the student's own page of the item


def _section(ctx: BuildContext, student: Student, item: Item, where: Where) -> Section:
    rules, lang = ctx.portfolio.rules, ctx.lang
    prefix = where.item_prefix(item.id)
    files = {n: f.with_prefix(prefix) for n, f in item_files(ctx, student.slug, item.id).items()}
    record = upload_record(item)
    own = where.item_page(item.id)
    card = views.card(item, own or urls.anchor(f"item-{item.id}"), files, prefix, rules, lang,
                      [])
    sec = Section(card, views.fields(item, rules, lang), record.mode,
                  _upload_label(record.mode, item, lang),
                  links=views.web_links(record.links), pages=item_pages(item),
                  media_seconds=item_media_seconds(item), item_page=own,
                  upload=where.upload(item.id, "document"),
                  media_upload=where.upload(item.id, "media"))
    if record.reflection:
        inline = views.image_hook(files)
        sec.reflection = contained(render_markdown(item.body, inline, heading_offset=3,
                                                   cache=views.texts_cache(ctx.cache_dir)))
        shown = {s[2:] if s.startswith("./") else s for s in markdown_images(item.body)}
        for name in photos(item):
            if name not in shown:
                pic = views.picture(files.get(name), 480, THUMB_SIZES, name)
                if pic:
                    sec.pictures.append(pic)
    if record.document:
        sec.document = files.get(record.document)
        sec.document_picture = views.picture(sec.document, 480, THUMB_SIZES, record.document)
    if record.media:
        sec.media = files.get(record.media)
    return sec


def _upload_label(mode: str, item: Item, lang: str) -> str:
    if mode == "page":
        return text("site-upload-is-page", lang)
    if mode == "page+document":
        return text("site-upload-is-page-document", lang, name=item.document)
    return text("site-upload-is-document", lang, name=item.document)


def statement_parts(dep: Department, ctx: BuildContext, student: Student,
                    image: ImageHook | None = None) -> list[tuple[str, str]]:
    """(heading, html) of the 學習歷程自述 as the department takes it: the parts it asks
    for, or the text as written."""
    if not dep.wants_text("statement", ctx.portfolio.rules_for(student).track):
        return []
    out = []
    rules = ctx.portfolio.rules_for(student)
    for code, body in dep.statement_for():
        part = rules.track.statement_part(code)[1] if code else None
        heading = (views.code_label(rules, code, ctx.lang) if code in rules.codes
                   else f"{part.code} {part.name(ctx.lang)}" if part else "")
        out.append((heading, contained(render_markdown(body, image,
                                                       heading_offset=2 if code else 1))))
    return out


def department_view(ctx: BuildContext, student: Student, dep: Department,
                    where: Where) -> dict[str, Any]:
    rules, lang = ctx.portfolio.rules_for(student), ctx.lang

    def sections(ids: list[str]) -> list[Section]:
        return [_section(ctx, student, item, where)
                for item in (student.item(i) for i in ids) if item is not None]

    courses = sections([i for i in dep.courses if (x := student.item(i)) and x.is_course])
    performances = sections([i for i in dep.performances
                             if (x := student.item(i)) and not x.is_course])
    grouped: dict[str, list[Section]] = {}
    order = {name: n for n, name in enumerate(rules.categories)}
    by_code = {code: n for n, code in enumerate(rules.codes)}

    def category(sec: Section) -> tuple[int, int]:
        item = student.item(sec.card.id)
        code = by_code.get(item.code or "", 99) if item and rules.track.performances_by_code \
            else 0
        return code, order.get(item.category or "" if item else "", 99)

    for sec in sorted(performances, key=category):
        grouped.setdefault(sec.card.kind, []).append(sec)
    provided = provided_codes(student, dep, rules)
    # The texts' images were copied next to the department's page by the media step.
    texts = {n: f.with_prefix(where.text_prefix)
             for n, f in item_files(ctx, student.slug, department_key(dep.code)).items()}
    image = views.image_hook(texts)
    wants = [(code, views.code_label(rules, code, lang), code in provided) for code in dep.wants]
    semesters = rules.limits.applicant_record_semesters
    shown = student.model_copy(update={
        "courses": student.courses_for_reviewers(ctx.today, semesters)})
    return {
        "review": estimate(student, dep, ctx.today, semesters, rules), "wants": wants,
        "statement": statement_parts(dep, ctx, student, image),
        "statement_wanted": any(dep.wants_code(c) for c in rules.track.statement_codes),
        "course_tables": records.course_tables(shown, lang, rules),
        "records_cut": len(shown.courses) < len(student.courses),
        "course_sections": courses,
        "reflection": contained(render_markdown(dep.reflection, image, heading_offset=2))
        if dep.wants_text("reflection", rules.track) else "",
        "reflection_wanted": dep.wants_code(rules.track.reflection),
        # A file the R text links to is attached to the kit's 其他.pdf: the link leads there.
        "other": contained(render_markdown(dep.other, image, heading_offset=2),
                           dict(where.kit).get("other"))
        if dep.wants_text("other", rules.track) else "",
        "other_wanted": rules.track.other is not None and dep.wants_code(rules.track.other),
        "performance_groups": list(grouped.items()),
        "performance_count": len(performances),
        "cadres": student.cadres,
        "kit": where.kit, "pdf": where.pdf, "reviewer_only": where.reviewer_only,
        "kit_uploads": [(rules.code_name(code, lang), url) for code, url in where.uploads],
        "order": rules.track.order,
        "headings": {part: rules.code_name(code, lang)
                     for part, code in rules.track.headings.items()},
    }


def site_where(ctx: BuildContext, student: Student, dep: Department) -> Where:
    """The department's page in the site: linked to the student's own pages and files."""
    rel = paths.department_page(student.slug, dep.code)
    linker = urls.Linker(rel)

    def upload(item_id: str, slot: str) -> str | None:
        made = [r for r in ctx.plan.under(paths.upload_dir(student.slug, item_id))
                if r.rsplit("/", 1)[-1].startswith(f"{slot}.")]
        # The PDF step's document.pdf is the 文件 where it makes one (a page, a PDF).
        made.sort(key=lambda r: not r.endswith(".pdf"))
        return linker.to(made[0]) if made else None

    kit = [(kind, linker.to(paths.kit_file(student.slug, dep.code, kind)))
           for kind in paths.KIT_FILES
           if ctx.plan.has(paths.kit_file(student.slug, dep.code, kind))]
    uploads = [(u.code, linker.to(u.rel)) for u in uploaded_pdfs(
        student, dep, ctx.portfolio.rules_for(student)) if ctx.plan.has(u.rel)]
    pdf = paths.department_pdf(student.slug, dep.code)
    return Where(rel, lambda item_id: linker.item_prefix(student.slug, item_id), "", upload,
                 linker.to(pdf) if ctx.plan.has(pdf) else None, kit,
                 lambda item_id: linker.item(student.slug, item_id), uploads=uploads)
