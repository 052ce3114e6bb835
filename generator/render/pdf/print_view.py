"""A student's printed portfolio as the reviewer reads it, part by part.

DOMAIN.md's order: cover; 學習歷程自述; 修課紀錄 (one table per term); 課程學習成果
(a list, then each item); 多元表現綜整心得; 多元表現 (a list by category, then each
record); 其他. The whole portfolio prints every item and every department's texts;
a department's copy prints its own selection and texts alone.

That is 大學's order; the student's track gives its own (`order`: 技專 reads A, B, C,
then the texts D-1, D-2, D-3) and the codes whose labels head the parts (`headings`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from generator.model import Department, Item, Student
from generator.render.markdown import render_markdown
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
    order: tuple[str, ...] = ()               # the parts, in the track's reading order
    headings: dict[str, str] = field(default_factory=dict)  # part → its track's label
    media_minutes: str = "0"
    counts: dict[str, int] = field(default_factory=dict)
    unattached: list[AttachmentView] = field(default_factory=list)  # could not be laid in

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


def build_view(student: Student, rules: Rules, views: PrintedItems, today: str,
               department: Department | None = None) -> PrintView:
    lang, t = views.lang, views.t
    courses, perfs = selected_items(student, department, rules)
    views.prefetch(courses + perfs)
    course_views = [views.view(i) for i in courses]
    by_cat: dict[str, list[PrintedItem]] = defaultdict(list)
    for item in perfs:
        by_cat[item.category or "other"].append(views.view(item))
    categories = []
    for key, items in by_cat.items():
        cat = rules.categories.get(key)
        categories.append(CategorySection(key, cat.name(lang) if cat else key,
                                   cat.code if cat else "", items))
    info = student.info
    track = rules.track
    wants = set(department.wants) if department and department.wants else None
    view = PrintView(
        lang=lang, name=student.name, school=(info.school if info else None) or "",
        student_id=info.student_id if info else "",
        enrolled=str(info.enrolled) if info else "",
        department=department.name if department else None,
        department_code=department.code if department else None, today=today,
        statement=_statements(student, department, rules, lang),
        statement_wanted=wants is None or bool(wants & set(track.statement_codes)),
        terms=_terms(student, lang, t, rules if department else None), courses=course_views,
        reflection=_reflections(student, department),
        reflection_wanted=wants is None or track.reflection in wants,
        categories=categories, cadres=_cadres(student, lang), other=_other(student, t),
        order=track.order,
        headings={part: rules.code_name(code, lang) for part, code in track.headings.items()})
    seconds = sum(v.media_seconds for v in view.items)
    view.media_minutes = f"{seconds / 60:.1f}"
    view.counts = {"courses": len(course_views), "performances": len(view.performances),
                   "documents": sum(1 for v in view.items if v.attachment),
                   "document_pages": sum(v.attachment.pages for v in view.items
                                         if v.attachment)}
    return view


def _md(text: str | None) -> str:
    return spell_out_links(render_markdown(text, heading_offset=2, schemes=SCHEMES))


def _statements(student: Student, department: Department | None, rules: Rules,
                lang: str) -> list[Text]:
    chosen = [department] if department else student.departments
    out: list[Text] = []
    for dep in chosen:
        if not dep.statement:
            continue
        if department is None:
            out.append(Text(dep.name, "", bookmark=True))
        if isinstance(dep.statement, dict):
            for key, body in dep.statement.items():
                _, part = rules.track.statement_part(key)
                out.append(Text(part.name(lang) if part else key, _md(body),
                                bookmark=department is not None))
        else:
            out.append(Text(None, _md(dep.statement)))
    return out


def _reflections(student: Student, department: Department | None) -> list[Text]:
    chosen = [department] if department else student.departments
    whole = department is None
    return [Text(dep.name if whole else None, _md(dep.reflection), bookmark=whole)
            for dep in chosen if dep.reflection]


def _terms(student: Student, lang: str, t: Any, rules: Rules | None) -> list[TermTable]:
    """The 修課紀錄 by term; with `rules` (a department's copy), only the terms the
    track's reviewers see (技專: semesters 1–4)."""
    enrolled = student.info.enrolled if student.info else None
    by_term: dict[int, list[Any]] = defaultdict(list)
    for rec in student.courses:
        if rules is not None and not rules.track.reviewers_see(rec.term, enrolled):
            continue
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


def _other(student: Student, t: Any) -> list[Text]:
    if student.info and student.info.profile:
        return [Text(t("profile"), _md(student.info.profile))]
    return []


def _num(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _yn(value: bool | None, t: Any) -> str:
    if value is None:
        return ""
    return t("yes") if value else t("no")
