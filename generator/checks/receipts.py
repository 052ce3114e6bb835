"""收訖明細確認: which confirmations each term's receipt asks for, what the student
recorded (receipts.yaml), and what is still to do while the school's windows run.

A term's receipt asks for one confirmation per part of the rules' `[receipts.parts]`:
修課紀錄 and 幹部經歷 for that term, and with the second semester's receipt 學習成果 and
多元表現 for the whole academic year (generator/rules/official.toml says which, and the
handout it comes from). Each is done when the student records it `confirmed` or
reported (資料有多 / 有少 / 有誤); a report is done again once `rechecked` after the
school's corrections.

Against `[deadlines]` (generator/checks/deadlines.py):

- `receipt-pending` (warning): a confirm window is open and a confirmation of its term
  is not recorded, with the days left;
- `receipt-recheck` (warning): a re-check window is open and a reported confirmation of
  its term is not re-checked;
- `receipt-silence` (info): the window closed with a confirmation not recorded (or a
  report not re-checked): silence counted as agreement (「逾期未確認或回報，視同無異議」).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from generator.checks.deadlines import Window, school_windows
from generator.findings import Finding, make
from generator.i18n import said
from generator.model import Portfolio, Receipt, Student
from generator.rules import ReceiptRules, Rules
from generator.support.roc_calendar import Term, term_of

FILE = "receipts.yaml"


@dataclass(frozen=True)
class Confirmation:
    """One confirmation a receipt asks for: a part, for a term or a year."""

    part: str           # key of rules.receipts.parts
    period: int         # term code (1132) for a per-term part, academic year (113) otherwise
    round: int          # the term whose receipt it is on

    @property
    def per_year(self) -> bool:
        return self.period < 1000

    def label(self, rules: Rules, lang: str) -> str:
        """「1132 修課紀錄」, 「113 學習成果」 (the keys receipts.yaml takes)."""
        return f"{self.period} {rules.receipts.parts[self.part].name(lang)}"

    def names(self, rules: Rules) -> dict[str, str]:
        return {lang: self.label(rules, lang) for lang in ("zh-TW", "en")}


def round_confirmations(term: int, receipts: ReceiptRules) -> list[Confirmation]:
    """What the receipt of `term` asks to confirm, in the rules' order of parts."""
    out = []
    for key, part in receipts.parts.items():
        if part.per == "term":
            out.append(Confirmation(key, term, term))
        elif term % 10 == receipts.yearly_semester:
            out.append(Confirmation(key, term // 10, term))
    return out


def school_terms(student: Student, rules: Rules) -> tuple[int, int] | None:
    """The first and last term of the student's school years (None: not known)."""
    if student.info is None:
        return None
    first = student.info.enrolled
    return first * 10 + 1, (first + rules.limits.school_years - 1) * 10 + 2


def receipt_terms(student: Student, rules: Rules, today: dt.date,
                  windows: list[Window] | None = None) -> list[int]:
    """The terms whose receipt the student has had to confirm by `today`: every term of
    their school years that has ended, and any term a confirm window that has opened
    names (without a year of entry, the terms their records and ticks name)."""
    current = term_of(today)
    span = school_terms(student, rules)
    terms: set[int] = set()
    if span is not None:
        term = Term.parse(span[0])
        while term.code < current and term.code <= span[1]:
            terms.add(term.code)
            term = term.next()
    else:
        terms |= {r.term for r in student.courses} | {c.term for c in student.cadres}
        terms |= {i.submitted * 10 + rules.receipts.yearly_semester
                  for i in student.items if i.submitted is not None}
        terms = {t for t in terms if t < current}
    for w in windows or []:
        if (w.kind == "confirm" and w.term and w.state(today) != "upcoming"
                and (span is None or span[0] <= w.term <= span[1])):
            terms.add(w.term)
    return sorted(terms)


def confirmations(student: Student, rules: Rules, today: dt.date,
                  windows: list[Window] | None = None) -> list[Confirmation]:
    return [c for t in receipt_terms(student, rules, today, windows)
            for c in round_confirmations(t, rules.receipts)]


def recorded(student: Student, c: Confirmation) -> Receipt | None:
    return student.receipt(c.part, c.period)


def _window_confirmations(student: Student, w: Window, rules: Rules) -> list[Confirmation]:
    """The confirmations a confirm or re-check window is for (none for a term outside the
    student's school years)."""
    span = school_terms(student, rules)
    if w.term is None or (span is not None and not span[0] <= w.term <= span[1]):
        return []
    return round_confirmations(w.term, rules.receipts)


def concerns(w: Window, student: Student, rules: Rules, today: dt.date,
             windows: list[Window]) -> bool:
    """Whether a receipt window is this student's business, to be shown to them: a
    confirm window of a term of their school years (not a grade-10 student's for the
    term before they enrolled); the school's corrections and the re-check only once
    they reported a confirmation of that term, or while they still may (one is not
    recorded and the term's confirm window has not closed). A student who confirmed
    everything, or whose silence was counted as agreement, has nothing to re-check."""
    asked = _window_confirmations(student, w, rules)
    if not asked:
        return False
    if w.kind == "confirm":
        return True
    verdicts = [recorded(student, c) for c in asked]
    if any(r is not None and r.verdict == "reported" for r in verdicts):
        return True
    confirming = [x for x in windows if x.kind == "confirm" and x.term == w.term]
    may_still_report = not confirming or any(x.state(today) != "closed" for x in confirming)
    return may_still_report and any(r is None for r in verdicts)


def still_to_do(w: Window, student: Student, rules: Rules) -> int:
    """Confirmations of the window's term not recorded (confirm), or reported and not
    re-checked (recheck)."""
    todo = 0
    for c in _window_confirmations(student, w, rules):
        done = recorded(student, c)
        if w.kind == "confirm":
            todo += done is None
        else:
            todo += done is not None and done.verdict == "reported" and not done.rechecked
    return todo


@dataclass(frozen=True)
class Tally:
    """Where a student stands on the confirmations whose window has opened."""

    confirmed: int
    reported: int
    missing: int

    @property
    def total(self) -> int:
        return self.confirmed + self.reported + self.missing


def tally(student: Student, rules: Rules, windows: list[Window],
          today: dt.date) -> Tally | None:
    """Confirmed, reported and not recorded, over every confirm window that has opened
    (None when none has: there is nothing to count yet)."""
    opened = [w for w in windows if w.kind == "confirm" and w.state(today) != "upcoming"]
    if not opened:
        return None
    asked = dict.fromkeys(c for w in opened for c in _window_confirmations(student, w, rules))
    verdicts = [recorded(student, c) for c in asked]
    return Tally(sum(1 for r in verdicts if r is not None and r.verdict == "confirmed"),
                 sum(1 for r in verdicts if r is not None and r.verdict == "reported"),
                 sum(1 for r in verdicts if r is None))


def check(portfolio: Portfolio) -> Iterator[Finding]:
    rules, today = portfolio.rules, portfolio.today
    windows = [w for w in school_windows(portfolio) if w.kind in ("confirm", "recheck")]
    for student in portfolio.students:
        for w in windows:
            state = w.state(today)
            if state == "upcoming":
                continue
            for c in _window_confirmations(student, w, rules):
                yield from _judge(student, c, w, state, today, rules)


def _judge(student: Student, c: Confirmation, w: Window, state: str, today: dt.date,
           rules: Rules) -> Iterator[Finding]:
    done = recorded(student, c)
    said_as = {"confirmation": c.names(rules), "end": w.closes()}
    if w.kind == "confirm" and done is None:
        if state == "open":
            yield make("receipt-pending", student.key, None, FILE,
                       days=(w.end - today).days, **said_as)
        else:
            yield make("receipt-silence", student.key, None, FILE,
                       why=said("receipt-silence-confirm"), **said_as)
    elif (w.kind == "recheck" and done is not None and done.verdict == "reported"
          and not done.rechecked):
        if state == "open":
            yield make("receipt-recheck", student.key, None, FILE,
                       days=(w.end - today).days, **said_as)
        else:
            yield make("receipt-silence", student.key, None, FILE,
                       why=said("receipt-silence-recheck"), **said_as)
