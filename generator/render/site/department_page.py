"""The reviewer-view page of one department, in the order reviewers read (DOMAIN.md):
cover, 學習歷程自述, 修課紀錄, 課程學習成果, 多元表現綜整心得, 多元表現, 其他 — 大學's order;
the student's track gives its own (技專: 修課紀錄, 課程學習成果, 多元表現, then D-1, D-2,
D-3) and the code labels that head the parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.checks.departments import provided_codes
from generator.engine.build_context import BuildContext
from generator.model import Department, Item, Student
from generator.render.markdown import ImageHook, render_markdown
from generator.render.site import item_views as views
from generator.render.site import page_links as urls
from generator.render.site import student_records as records
from generator.render.site.review_time import estimate, item_media_seconds, item_pages
from generator.render.web_media.web_media_step import ItemFile, department_key, item_files

THUMB_SIZES = "(min-width: 40rem) 14rem, 45vw"
# A part of 學習歷程自述 as written (its key, or 大學's O/P/Q) → the part.
_STATEMENT_KEYS = {"o": "reflection", "p": "motivation", "q": "plan"}


@dataclass
class Section:
    """One selected item as its reviewer sees it."""

    card: views.Card
    fields: list[tuple[str, str]]
    pictures: list[views.Picture] = field(default_factory=list)
    document: ItemFile | None = None
    document_picture: views.Picture | None = None
    media: ItemFile | None = None
    links: list[str] = field(default_factory=list)
    pages: int = 1
    media_seconds: float = 0.0


def _section(ctx: BuildContext, student: Student, item: Item, card: views.Card,
             prefix: str) -> Section:
    files = {n: f.with_prefix(prefix) for n, f in item_files(ctx, student.slug, item.id).items()}
    sec = Section(card, views.fields(item, ctx.portfolio.rules_for(student), ctx.lang),
                  links=views.web_links(item.links), pages=item_pages(item),
                  media_seconds=item_media_seconds(item))
    for name in item.images:
        if name != item.document:
            pic = views.picture(files.get(name), 480, THUMB_SIZES, name)
            if pic:
                sec.pictures.append(pic)
    if item.document:
        sec.document = files.get(item.document)
        sec.document_picture = views.picture(sec.document, 480, THUMB_SIZES, item.document)
    if item.media:
        sec.media = files.get(item.media)
    return sec


def statement_parts(dep: Department, ctx: BuildContext, student: Student,
                    image: ImageHook | None = None) -> list[tuple[str, str]]:
    """(heading, html) of the 學習歷程自述: one part per part of the student's track
    (大學 O/P/Q), in the track's order, or the text as written."""
    if not dep.statement:
        return []
    if isinstance(dep.statement, str):
        return [("", render_markdown(dep.statement, image, heading_offset=1))]
    track = ctx.portfolio.rules_for(student).track
    order = list(track.statement)
    parts = []
    for key, body in dep.statement.items():
        name = _STATEMENT_KEYS.get(str(key).lower(), str(key).lower())
        part = track.statement.get(name)
        heading = f"{part.code} {part.name(ctx.lang)}" if part else str(key)
        rank = order.index(name) if part else len(order)
        parts.append((rank, heading, render_markdown(str(body or ""), image, heading_offset=2)))
    return [(heading, html) for _, heading, html in sorted(parts, key=lambda p: p[0])]


def department_view(ctx: BuildContext, student: Student, dep: Department,
                    cards: dict[str, views.Card]) -> dict[str, Any]:
    rules, lang = ctx.portfolio.rules_for(student), ctx.lang
    linker = urls.Linker(urls.department_page(student.slug, dep.code))

    def sections(ids: list[str]) -> list[Section]:
        out = []
        for item_id in ids:
            item = student.item(item_id)
            if item is not None and item_id in cards:
                out.append(_section(ctx, student, item, cards[item_id],
                                    linker.item_prefix(student.slug, item.id)))
        return out

    courses = sections(dep.courses)
    performances = sections(dep.performances)
    grouped: dict[str, list[Section]] = {}
    order = {name: n for n, name in enumerate(rules.categories)}
    by_code = {code: n for n, code in enumerate(rules.codes)}

    def category(sec: Any) -> tuple[int, int]:
        item = student.item(sec.card.id)
        code = by_code.get(item.code or "", 99) if item and rules.track.performances_by_code \
            else 0
        return code, order.get(item.category or "" if item else "", 99)

    for sec in sorted(performances, key=category):
        grouped.setdefault(sec.card.kind, []).append(sec)
    provided = provided_codes(student, dep, rules)
    # The texts' images were copied next to this page by the media step.
    image = views.image_hook(item_files(ctx, student.slug, department_key(dep.code)))
    wants = [(code, views.code_label(rules, code, lang), code in provided) for code in dep.wants]
    return {
        "review": estimate(student, dep, rules), "wants": wants,
        "statement": statement_parts(dep, ctx, student, image),
        "course_tables": records.course_tables(student, lang, rules),
        "course_sections": courses,
        "reflection": render_markdown(dep.reflection, image, heading_offset=2),
        "performance_groups": list(grouped.items()),
        "performance_count": len(performances),
        "cadres": student.cadres,
        "order": rules.track.order,
        "headings": {part: rules.code_name(code, lang)
                     for part, code in rules.track.headings.items()},
    }
