"""Dates and terms: nothing before entering school, nothing after today, nothing impossible."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from generator.findings import Finding, make
from generator.i18n import said
from generator.model import Item, Portfolio, Student
from generator.rules import Limits
from generator.support.roc_calendar import Term, academic_year, term_of


def check(portfolio: Portfolio) -> Iterator[Finding]:
    today = portfolio.today
    limits = portfolio.rules.limits
    for student in portfolio.students:
        enrolled = student.info.enrolled if student.info else None
        for item in student.items:
            yield from _item_dates(student, item, today, enrolled, limits)


def _item_dates(student: Student, item: Item, today: dt.date, enrolled: int | None,
                limits: Limits) -> Iterator[Finding]:
    key = student.key
    if item.term is not None:
        term = Term.parse(item.term)
        if item.term > term_of(today):
            yield make("date-in-future", key, item.id, None, field="term",
                       value=term.label("zh-TW"), today=today.isoformat())
        if enrolled is not None:
            last = enrolled + limits.school_years - 1
            if not enrolled <= term.year <= last:
                yield make("field-invalid", key, item.id, "index.md", field="term",
                           value=item.term,
                           reason=said("term-outside-school-years", enrolled=enrolled, last=last))
    dated = [("date", item.date), ("end", item.end)]
    dated += [(f"details.{k}", v) for k, v in item.details.items() if isinstance(v, dt.date)]
    for field, day in dated:
        if day is None:
            continue
        if day > today:
            yield make("date-in-future", key, item.id, None, field=field,
                       value=day.isoformat(), today=today.isoformat())
    if item.type == "performance" and item.date is not None and enrolled is not None:
        first = dt.date(enrolled + 1911, limits.performance_start_month,
                        limits.performance_start_day)
        if item.date < first:
            yield make("date-before-enrollment", key, item.id, None, value=item.date.isoformat(),
                       first=first.isoformat(), enrolled=enrolled)
    if item.submitted is not None:
        yield from _submitted_year(key, item, today, enrolled, limits)


def _submitted_year(key: str, item: Item, today: dt.date, enrolled: int | None,
                    limits: Limits) -> Iterator[Finding]:
    """勾選 happens once a year: not before the item exists, not after this year."""
    year = item.submitted
    assert year is not None
    current = academic_year(today)
    why: dict[str, str] | None = None
    if year > current:
        why = said("tick-year-future", current=current, year=year)
    elif enrolled is not None and not enrolled <= year <= enrolled + limits.school_years - 1:
        why = said("tick-year-outside", first=enrolled, last=enrolled + 2)
    elif item.type == "course" and item.term is not None and year != item.term // 10:
        why = said("tick-year-course", year=item.term // 10)
    elif item.type == "performance" and item.year is not None and year < item.year:
        why = said("tick-year-performance", happened=item.year, year=year)
    if why:
        yield make("field-invalid", key, item.id, "index.md", field="submitted", value=year,
                   reason=why)
