"""What the comparison page and the 收訖明細 checklist show, from the model alone.

The comparison puts every item a student could send against every department applied
to; the checklist shows, per term, each confirmation that term's 收訖明細 asks for
(修課紀錄 and 幹部經歷 of the term; with the second semester 學習成果 and 多元表現 of the
year) with every field the receipt shows, so it can be read line by line against it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.checks.deadlines import RECEIPT_KINDS, Window
from generator.checks.departments import check_department, provided_codes
from generator.checks.receipts import (
    Confirmation,
    concerns,
    receipt_terms,
    round_confirmations,
)
from generator.i18n import text
from generator.model import CourseRecord, Department, Item, Receipt, Student
from generator.render import column_shares
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
            dep, estimate(student, dep, rules=rules),
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

@dataclass(frozen=True)
class ReceiptRows:
    """Records of one part under one heading (多元表現 by the receipt's 類別)."""

    heading: str | None
    rows: list[list[str]]


@dataclass
class PartChecklist:
    """One confirmation as the receipt shows it: its records with every receipt field,
    and what the student recorded for it (receipts.yaml)."""

    confirmation: Confirmation
    name: str                       # 修課紀錄
    period: str                     # 113 學年度第 2 學期 / 113 學年度
    columns: list[str]              # the receipt's field names, in its order
    groups: list[ReceiptRows]
    recorded: Receipt | None
    widths: list[float] = field(default_factory=list)  # each column's printed share, %
    count: records.Count | None = None   # ticked that year against the limit
    uncertified: int = 0            # ticked but never certified: not on the receipt

    @property
    def anchor(self) -> str:
        return f"{self.confirmation.part}-{self.confirmation.period}"

    @property
    def empty(self) -> bool:
        return not any(g.rows for g in self.groups)


@dataclass
class Checklist:
    """One term's 收訖明細: a section per confirmation, and the school's windows."""

    term: int
    label: str
    grade: int | None
    parts: list[PartChecklist]
    windows: list[Window]            # confirm, correct, recheck for this term, as given

    def window(self, kind: str) -> Window | None:
        return next((w for w in self.windows if w.kind == kind), None)


def checklist_terms(student: Student, rules: Rules, today: dt.date,
                    windows: list[Window]) -> list[int]:
    """The terms whose receipt the student has had to confirm (see checks/receipts)."""
    return receipt_terms(student, rules, today, windows)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _flag(value: bool | None, yes: str, no: str, lang: str) -> str:
    if value is None:
        return text("receipt-no-score", lang)
    return text(yes if value else no, lang)


def _course_row(r: CourseRecord, lang: str) -> list[str]:
    no_score = text("receipt-no-score", lang)
    return [r.subject, str(r.grade) if r.grade is not None else "", _number(r.credits),
            _number(r.score), _flag(r.passed, "receipt-passed", "receipt-failed", lang),
            _number(r.makeup_score) or no_score,
            _flag(r.makeup_passed, "receipt-passed", "receipt-failed", lang),
            "" if r.counted is None else text("receipt-counted" if r.counted
                                               else "receipt-not-counted", lang)]


def _files(item: Item) -> str:
    return " · ".join([*(n for n in (item.document, item.media) if n), *item.links])


def _when(item: Item) -> str:
    if item.date is None:
        return ""
    return item.date.isoformat() + (f" – {item.end.isoformat()}" if item.end else "")


def _details(item: Item, rules: Rules, lang: str) -> str:
    spec = rules.categories[item.category].fields if item.category in rules.categories else {}
    return text("list-separator", lang).join(
        text("field-value", lang, field=spec[k].name(lang) if k in spec else k, value=v)
        for k, v in item.details.items())


def _part(student: Student, c: Confirmation, rules: Rules, lang: str) -> PartChecklist:
    spec = rules.receipts.parts[c.part]
    columns = [f.name(lang) for f in spec.fields.values()]
    period = (Term.parse(c.period).label(lang) if not c.per_year
              else text("receipt-year", lang, year=c.period))
    view = PartChecklist(c, spec.name(lang), period, columns, [], student.receipt(c.part, c.period))
    limits = rules.limits
    if c.part == "courses":
        view.groups = [ReceiptRows(None, [_course_row(r, lang) for r in student.courses
                                          if r.term == c.period])]
    elif c.part == "cadres":
        view.groups = [ReceiptRows(None, [[x.unit, x.role, x.level or ""]
                                          for x in student.cadres if x.term == c.period])]
    elif c.part == "outcomes":
        ticked = sorted((i for i in student.items if i.is_course and i.submitted == c.period),
                        key=_item_order)
        view.count = records.Count(len(ticked), limits.course_ticked_per_year)
        view.uncertified = sum(1 for i in ticked if not i.certified)
        view.groups = [ReceiptRows(None, [
            [str(i.term or ""), i.subject or "",
             rules.forms[i.form].name(lang) if i.form in rules.forms else "", i.title,
             i.summary or "", _files(i)] for i in ticked if i.certified])]
    else:
        ticked = [i for i in student.items if not i.is_course and i.submitted == c.period]
        view.count = records.Count(len(ticked), limits.performance_ticked_per_year)
        # As the receipt lists them: by the record's 類別, not by 審查資料 code.
        view.groups = [ReceiptRows(name, [[_when(i), i.title, _details(i, rules, lang),
                                           i.summary or "", _files(i)] for i in group])
                       for name, group in records.performances_by_category(ticked, rules,
                                                                           lang)]
    # The verdict column last, as the page prints it; one set of widths for all the groups.
    view.widths = column_shares.shares([*columns, text("checklist-col-verdict", lang)],
                                       [[*row, "☐"] for g in view.groups for row in g.rows])
    return view


def term_checklist(student: Student, rules: Rules, term: int, lang: str,
                   windows: list[Window], today: dt.date) -> Checklist:
    grade = grade_in(term // 10, student.info.enrolled) if student.info else None
    # The school's windows for this term that concern the student: the corrections and
    # the re-check only for one who reported, or still may (checks/receipts `concerns`).
    return Checklist(
        term, Term.parse(term).label(lang), grade if grade and 10 <= grade <= 12 else None,
        [_part(student, c, rules, lang) for c in round_confirmations(term, rules.receipts)],
        [w for w in windows if w.kind in RECEIPT_KINDS and w.term == term
         and concerns(w, student, rules, today, windows)])
