"""A student's printed portfolio as the reviewer reads it, part by part.

DOMAIN.md's order: cover; 學習歷程自述; 修課紀錄 (one table per term); 課程學習成果
(a list, then each item); 多元表現綜整心得; 多元表現 (the school's 幹部經歷 first, then
a list by category, then each record); 其他.

The whole portfolio is the student's own copy: every item as written, every
department's texts, a reflection that will not be uploaded marked so. A department's
copy is the reviewer's: its selection as uploaded (each record's fields, 簡述, 影音 and
links, then its upload 文件 as the build made it: generator/model/upload_record.py),
the texts as the department takes them, and the 修課紀錄 its reviewers get.

That is 大學's order; the student's track gives its own (`order`: 技專 reads A, B, C,
then the texts D-1, D-2, D-3) and the codes whose labels head the parts (`headings`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.model import Department, Item, Student
from generator.render.markdown import render_markdown
from generator.render.pdf.media_poster import duration_label
from generator.render.pdf.print_item import (
    SCHEMES,
    AttachmentView,
    PrintedItem,
    PrintedItems,
    spell_out_links,
)
from generator.rules import Rules
from generator.support.roc_calendar import Term


@dataclass
class Text:
    """A text the student wrote (a statement part, a reflection, the profile)."""

    heading: str | None
    html: str
    bookmark: bool = True


@dataclass
class TermTable:
    label: str
    rows: list[dict[str, str]]
    credits: str


@dataclass
class CategorySection:
    key: str
    name: str
    code: str
    items: list[PrintedItem]


@dataclass(frozen=True)
class DraftMark:
    """A copy printed while errors remain: how many, and the items that have them."""

    errors: int
    items: frozenset[str] = frozenset()


@dataclass
class PrintView:
    lang: str
    name: str
    school: str
    student_id: str
    enrolled: str
    department: str | None
    department_code: str | None
    today: str
    statement: list[Text]
    statement_wanted: bool
    terms: list[TermTable]
    courses: list[PrintedItem]
    reflection: list[Text]
    reflection_wanted: bool
    categories: list[CategorySection]
    cadres: list[dict[str, str]]
    other: list[Text]
    media_length: str = "0:00"      # m:ss, as every media length is printed
    order: tuple[str, ...] = ()               # the parts, in the track's reading order
    headings: dict[str, str] = field(default_factory=dict)  # part → its track's label
    counts: dict[str, int] = field(default_factory=dict)
    unattached: list[AttachmentView] = field(default_factory=list)  # could not be laid in
    joins: dict[str, bool] = field(default_factory=dict)  # part → shares the page before
    draft: int = 0                  # errors still in it (0: none, no mark)
    other_wanted: bool = True

    @property
    def empty(self) -> dict[str, bool]:
        """Which parts have nothing of the student's in them (they print 「（無）」)."""
        return {"statement": not self.statement, "records": not self.terms,
                "courses": not self.courses, "reflection": not self.reflection,
                "performances": not self.categories and not self.cadres,
                "other": not self.other}

    @property
    def performances(self) -> list[PrintedItem]:
        return [v for c in self.categories for v in c.items]

    @property
    def items(self) -> list[PrintedItem]:
        return self.courses + self.performances


def selected_items(student: Student, department: Department | None,
                   rules: Rules) -> tuple[list[Item], list[Item]]:
    """(courses, performances) in print order: a department's in its own order."""
    if department is not None:
        courses = [i for n in department.courses if (i := student.item(n)) and i.is_course]
        perfs = [i for n in department.performances
                 if (i := student.item(n)) and not i.is_course]
    else:
        courses = sorted((i for i in student.items if i.is_course),
                         key=lambda i: (i.term or 0, i.subject or "", i.id))
        perfs = sorted((i for i in student.items if not i.is_course),
                       key=lambda i: (i.date.isoformat() if i.date else "", i.id))
    order = {key: n for n, key in enumerate(rules.categories)}
    perfs.sort(key=lambda i: order.get(i.category or "", len(order)))  # stable: keeps order
    if rules.track.performances_by_code:
        codes = {code: n for n, code in enumerate(rules.codes)}
        perfs.sort(key=lambda i: codes.get(i.code or "", len(codes)))
    return courses, perfs


def build_view(student: Student, rules: Rules, views: PrintedItems, today: date,
               department: Department | None = None,
               uploads: dict[str, Path | None] | None = None,
               draft: DraftMark | None = None) -> PrintView:
    """The view of the whole portfolio (`department` None) or of one department's copy,
    whose items are their records with the upload 文件 in `uploads` (item id → the file
    the build made, or None when it could not be made)."""
    lang, t = views.lang, views.t
    courses, perfs = selected_items(student, department, rules)
    md = _markdown(views, student)

    def printed(item: Item) -> PrintedItem:
        if department is None:
            v = views.student_view(item)
        else:
            v = views.record_view(item, (uploads or {}).get(item.id))
        v.errors = draft is not None and item.id in draft.items
        return v

    if department is None:
        views.prefetch(courses + perfs)
    course_views = [printed(i) for i in courses]
    by_cat: dict[str, list[PrintedItem]] = defaultdict(list)
    for item in perfs:
        by_cat[item.category or "other"].append(printed(item))
    categories = []
    for key, items in by_cat.items():
        cat = rules.categories.get(key)
        categories.append(CategorySection(key, cat.name(lang) if cat else key,
                                   cat.code if cat else "", items))
    info = student.info
    track = rules.track
    wants = set(department.wants) if department and department.wants else None
    records = (student.courses_for_reviewers(today, rules.limits.applicant_record_semesters)
               if department is not None else student.courses)
    if department is not None and track.course_semesters:
        enrolled = info.enrolled if info else None
        records = [c for c in records if track.reviewers_see(c.term, enrolled)]
    view = PrintView(
        lang=lang, name=student.name, school=(info.school if info else None) or "",
        student_id=info.student_id if info else "",
        enrolled=str(info.enrolled) if info else "",
        department=department.name if department else None,
        department_code=department.code if department else None, today=today.isoformat(),
        statement=_statements(student, department, rules, lang, md),
        statement_wanted=wants is None or bool(wants & set(track.statement_codes)),
        terms=_terms(records, lang, t), courses=course_views,
        reflection=_reflections(student, department, md),
        reflection_wanted=wants is None or track.reflection in wants,
        categories=categories, cadres=_cadres(student, lang),
        other=_other(student, department, t, md),
        other_wanted=wants is None or (track.other is not None and track.other in wants),
        draft=draft.errors if draft is not None else 0,
        order=track.order,
        headings={part: rules.code_name(code, lang) for part, code in track.headings.items()})
    seconds = sum(v.media_seconds for v in view.items)
    view.media_length = duration_label(seconds)
    view.counts = {"courses": len(course_views), "performances": len(view.performances),
                   "cadres": len(view.cadres),
                   "documents": sum(1 for v in view.items if v.attachment),
                   "document_pages": sum(v.attachment.pages for v in view.items
                                         if v.attachment)}
    view.joins = _joins(view)
    return view


PARTS = ("statement", "records", "courses", "reflection", "performances", "other")


Md = Callable[[str | None], str]


def _markdown(views: PrintedItems, student: Student) -> Md:
    """Markdown of the student's texts as printed, their pictures from the student's folder."""
    hook = views.text_hook(student.path)

    def md(text: str | None) -> str:
        return spell_out_links(render_markdown(text, hook, heading_offset=2, schemes=SCHEMES))

    return md


def _joins(view: PrintView) -> dict[str, bool]:
    """Which parts go on the page before instead of starting a page.

    Items start a page (they are what a reviewer turns to, and a document's pages follow
    them); parts flow on after a part, so a short list, a short text or a part with
    nothing in it (a heading and 「（無）」) never takes a page of its own. After the
    cover, and after items, a part starts a page, except empty parts with nothing but
    empty parts after them: alone on a page they would be waste, so they join the last
    item's page, unless that item ends with a document (its last page is filled by
    the assembly, and nothing may be laid on it).
    """
    items = {"courses": view.courses, "performances": view.performances}
    empty = view.empty
    joins: dict[str, bool] = {}
    before: str | None = "cover"         # "cover", "part", or None after an item
    last_has_document = False
    # In the track's reading order (its `order` names 修課紀錄 course_records).
    parts = tuple("records" if p == "course_records" else p for p in view.order) or PARTS
    for n, part in enumerate(parts):
        if before == "part":
            joins[part] = True
        elif before is None:
            joins[part] = all(empty[p] for p in parts[n:]) and not last_has_document
        else:
            joins[part] = False
        before = "part"
        if items.get(part):
            before, last_has_document = None, items[part][-1].attachment is not None
    return joins


def _statements(student: Student, department: Department | None, rules: Rules,
                lang: str, md: Md) -> list[Text]:
    """Each department's 學習歷程自述 (the whole copy), or the parts one department
    asks for (its copy: what its 學習歷程自述.pdf holds)."""
    chosen = [department] if department else student.departments
    out: list[Text] = []
    for dep in chosen:
        if not dep.statement:
            continue
        if department is None:
            out.append(Text(dep.name, "", bookmark=True))
            parts: list[tuple[str | None, str]] = (
                [(None, dep.statement)] if isinstance(dep.statement, str)
                else list(dep.statement.items()))
        else:
            parts = dep.statement_for()
        for code, body in parts:
            named = rules.codes.get(code) if code else None
            part = rules.track.statement_part(code)[1] if code else None
            heading = named.name(lang) if named else part.name(lang) if part else None
            out.append(Text(heading, md(body),
                            bookmark=department is not None))
    return out


def _reflections(student: Student, department: Department | None, md: Md) -> list[Text]:
    chosen = [department] if department else student.departments
    whole = department is None
    return [Text(dep.name if whole else None, md(dep.reflection), bookmark=whole)
            for dep in chosen if dep.reflection]


def _terms(courses: list[Any], lang: str, t: Any) -> list[TermTable]:
    by_term: dict[int, list[Any]] = defaultdict(list)
    for rec in courses:
        by_term[rec.term].append(rec)
    tables = []
    for term in sorted(by_term):
        rows = [{"subject": r.subject, "grade": _num(r.grade), "credits": _num(r.credits),
                 "score": _num(r.score), "passed": _yn(r.passed, t),
                 "makeup_score": _num(r.makeup_score), "makeup_passed": _yn(r.makeup_passed, t),
                 "counted": _yn(r.counted, t)} for r in by_term[term]]
        credits = sum(r.credits for r in by_term[term] if r.counted is not False)
        tables.append(TermTable(Term.parse(term).label(lang), rows, _num(credits)))
    return tables


def _cadres(student: Student, lang: str) -> list[dict[str, str]]:
    return [{"term": Term.parse(c.term).label(lang), "unit": c.unit, "role": c.role,
             "level": c.level or ""} for c in sorted(student.cadres, key=lambda c: c.term)]


def _other(student: Student, department: Department | None, t: Any, md: Md) -> list[Text]:
    """其他: the department's R text (its copy); the profile and every department's R
    text (the student's own copy)."""
    if department is not None:
        return [Text(None, md(department.other))] if department.other else []
    out = []
    if student.info and student.info.profile:
        out.append(Text(t("profile"), md(student.info.profile)))
    out += [Text(dep.name, md(dep.other)) for dep in student.departments if dep.other]
    return out


def _num(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _yn(value: bool | None, t: Any) -> str:
    if value is None:
        return ""
    return t("yes") if value else t("no")
