"""What the comparison page and the 收訖明細 checklist show, from the model alone.

The comparison puts every item a student could send against every department applied
to; the checklist lists, per academic year, what should have reached the central
database, so it can be read line by line against the official 收訖明細.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.checks.departments import check_department, provided_codes
from generator.model import CadreRecord, CourseRecord, Department, Item, Student
from generator.render.site import student_records as records
from generator.render.site.item_views import code_label
from generator.render.site.review_time import ReviewTime, estimate
from generator.rules import Rules
from generator.support.roc_calendar import Term, grade_in


@dataclass(frozen=True)
class Coverage:
    code: str
    label: str
    covered: bool


@dataclass
class DepartmentColumn:
    department: Department
    review: ReviewTime
    wants: list[Coverage]
    errors: int
    warnings: int

    @property
    def covered(self) -> int:
        return sum(1 for w in self.wants if w.covered)


@dataclass
class ItemRow:
    item: Item
    code_label: str
    used: list[bool]          # one per department, in the columns' order

    @property
    def unused(self) -> bool:
        return not any(self.used)


@dataclass
class Comparison:
    columns: list[DepartmentColumn]
    rows: list[ItemRow]
    unused_ticked: list[Item]
    unticked_used: list[str] = field(default_factory=list)


def _item_order(item: Item) -> tuple[int, int, str]:
    return (0 if item.is_course else 1, item.term or 0, item.id)


def comparison(student: Student, rules: Rules, lang: str) -> Comparison:
    deps = student.departments
    columns = []
    for dep in deps:
        found = list(check_department(student, dep, rules))
        provided = provided_codes(student, dep, rules)
        columns.append(DepartmentColumn(
            dep, estimate(student, dep, rules),
            [Coverage(c, code_label(rules, c, lang), c in provided) for c in dep.wants],
            sum(1 for f in found if f.severity == "error"),
            sum(1 for f in found if f.severity == "warning")))
    used_ids = {i for d in deps for i in [*d.courses, *d.performances]}
    shown = [i for i in student.items if i.submitted is not None or i.id in used_ids]
    rows = [ItemRow(i, code_label(rules, i.code, lang),
                    [i.id in d.courses or i.id in d.performances for d in deps])
            for i in sorted(shown, key=_item_order)]
    unused = [r.item for r in rows if r.unused and r.item.submitted is not None]
    unticked = sorted(i for i in used_ids if (it := student.item(i)) is None
                      or it.submitted is None)
    return Comparison(columns, rows, unused, unticked)


# ----------------------------------------------------------------- 收訖明細

@dataclass
class YearChecklist:
    year: int
    grade: int | None
    courses: list[Item]             # course outcomes ticked that year
    performances: list[Item]        # performances ticked that year
    course_terms: list[tuple[str, list[CourseRecord]]]
    cadres: list[CadreRecord]
    course_count: records.Count
    performance_count: records.Count

    @property
    def uncertified(self) -> list[Item]:
        return [i for i in self.courses if not i.certified]


def checklist_years(student: Student) -> list[int]:
    return records.years_of(student)


def year_checklist(student: Student, rules: Rules, year: int, lang: str) -> YearChecklist:
    limits = rules.limits
    courses = sorted((i for i in student.items if i.is_course and i.submitted == year),
                     key=_item_order)
    perfs = sorted((i for i in student.items if not i.is_course and i.submitted == year),
                   key=lambda i: (i.date is None, i.date, i.id))
    terms: list[tuple[str, list[CourseRecord]]] = []
    for semester in (1, 2):
        code = year * 10 + semester
        rows = [r for r in student.courses if r.term == code]
        if rows:
            terms.append((Term(year, semester).label(lang), rows))
    cadres = [c for c in student.cadres if c.term // 10 == year]
    grade = grade_in(year, student.info.enrolled) if student.info else None
    return YearChecklist(year, grade if grade and 10 <= grade <= 12 else None, courses, perfs,
                         terms, cadres,
                         records.Count(len(courses), limits.course_ticked_per_year),
                         records.Count(len(perfs), limits.performance_ticked_per_year))
