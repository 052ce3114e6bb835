"""The school's windows (`[deadlines]` in portfolio.toml) and where each student stands.

```toml
[deadlines]
upload  = [{ term = 1151, start = 2026-09-01, end = 2026-10-31 },   # 上傳 課程學習成果
           { term = 1152, start = 2027-02-15, end = 2027-04-30 }]
certify = [{ term = 1151, start = 2026-11-01, end = 2026-11-10 }]   # 認證
tick    = { start = 2027-07-01, end = 2027-07-15 }                  # 勾選 into 中央資料庫
confirm = { start = 2025-10-07T08:00:00, end = 2025-10-16T17:00:00 } # 收訖明細確認
correct = { start = 2025-10-17, end = 2025-10-21 }                   # the school corrects
recheck = { start = 2025-10-22T08:00:00, end = 2025-10-23T10:30:00 } # reporters re-check
```

A kind takes one window or a list of them; the Chinese names (上傳, 認證, 勾選,
收訖明細確認, 更正, 重新檢核) are accepted for the keys (the schema, `DeadlineSettings` in
generator/model/site_settings.py, says every shape). Windows are per semester where the
school runs them so: a window with `term = 1141` is for that term only. One without a
term is for every term of its academic year (`year = 115`, else the year of its end)
that had begun when it closed — a window that closed in November cannot be the second
semester's. A confirmation, correction or re-check window without a term is for the
term before the one it falls in (the October window confirms the second semester just
ended, and with it the year's 學習成果 and 多元表現).

Relative to `today` a window is upcoming, open or closed; a closed window is *late* for
a student who still has work of its kind (course outcomes still drafts, items with
errors for upload; course outcomes not certified for 認證; nothing ticked for 勾選),
*done* otherwise. A confirmation not
made by the end of its window counts as agreement (「逾期未確認或回報，視同無異議」): the
window is then *closed*, not late (generator/checks/receipts.py says so per student).

`check` is the rule 「逾期不可回溯」: a course outcome whose upload window closed while it
was still a draft, or whose 認證 window closed before it was certified, can never be
ticked (`window-closed`, an error).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from generator.findings import Finding, make
from generator.i18n import said, text
from generator.model import Item, Portfolio, Student
from generator.model.site_settings import DEADLINE_KINDS, DeadlineSettings
from generator.rules import Rules
from generator.support.roc_calendar import Term, academic_year

KINDS = DEADLINE_KINDS
# The windows of 收訖明細確認: each is for one term's receipt (see the module doc).
RECEIPT_KINDS = ("confirm", "correct", "recheck")
# The windows after which a course outcome not yet where it should be can never be ticked.
CLOSING_KINDS = ("upload", "certify")


@dataclass(frozen=True)
class Window:
    kind: str
    start: dt.date | None
    end: dt.date
    year: int
    term: int | None = None              # the term it is for; None: every term of its year
    start_time: dt.time | None = None
    end_time: dt.time | None = None

    def state(self, today: dt.date) -> str:
        if today > self.end:
            return "closed"
        if self.start is not None and today < self.start:
            return "upcoming"
        return "open"

    def covers(self, term: int) -> bool:
        """Whether the window is for the course outcomes of `term`."""
        if self.term is not None:
            return term == self.term
        return term // 10 == self.year and Term.parse(term).start() <= self.end

    def label(self, lang: str) -> str:
        """The kind, with its term where it has one: 認證（1141）."""
        kind = text(f"cn-kind-{self.kind}", lang)
        return text("cn-kind-term", lang, kind=kind, term=self.term) if self.term else kind

    def span(self) -> str:
        """The window as the handout writes it: 2025-10-07 08:00 – 2025-10-16 17:00."""
        start = _moment(self.start, self.start_time) if self.start else ""
        return f"{start} – {_moment(self.end, self.end_time)}".strip()

    def closes(self) -> str:
        """The end, with its time where given: 2025-10-16 17:00."""
        return _moment(self.end, self.end_time)


def _moment(day: dt.date, time: dt.time | None) -> str:
    return day.isoformat() + (f" {time.strftime('%H:%M')}" if time is not None else "")


@dataclass(frozen=True)
class Due:
    """One window as it stands for one student."""

    window: Window
    state: str              # upcoming | open | late | done | closed
    outstanding: int | None  # items still to do (None: cannot be told from the content)
    days: int               # days from today to the end (negative once past)


def windows(deadlines: DeadlineSettings, rules: Rules | None = None) -> list[Window]:
    """The windows of `[deadlines]` as read (a window that could not be read was
    reported as `deadline-invalid` when portfolio.toml was read, and left out), in the
    order they end."""
    yearly = rules.receipts.yearly_semester if rules is not None else 2
    out = []
    for kind, entries in deadlines.kinds():
        for w in entries:
            term = w.term
            if term is None and kind in RECEIPT_KINDS:
                # `year = 113` on a confirmation: the year's receipt, with its 2nd semester.
                term = (w.year * 10 + yearly if w.year is not None
                        else Term.of(w.start or w.end).previous().code)
            year = w.year if w.year is not None else (
                term // 10 if term is not None else academic_year(w.end))
            out.append(Window(kind, w.start, w.end, year, term, w.start_time, w.end_time))
    out.sort(key=lambda w: (w.end, KINDS.index(w.kind)))
    return out


def school_windows(portfolio: Portfolio) -> list[Window]:
    return windows(portfolio.settings.deadlines, portfolio.rules)


def outstanding(window: Window, student: Student, findings: list[Finding],
                rules: Rules | None = None) -> int | None:
    """What the student still has to do for this window."""
    in_year = [i for i in student.items if i.year == window.year]
    courses = [i for i in student.items
               if i.is_course and i.term is not None and window.covers(i.term)]
    if window.kind == "upload":
        # Still to send (a draft) or to fix before it can be uploaded (an error).
        broken = {f.item for f in findings if f.severity == "error" and f.item}
        mine = courses + ([i for i in in_year if not i.is_course] if window.term is None
                          else [])
        return sum(1 for i in mine if i.id in broken or (i.is_course and i.status == "draft"))
    if window.kind == "certify":
        return sum(1 for i in courses if not i.certified)
    if window.kind == "tick":
        ticked = any(i.submitted == window.year for i in student.items)
        return 0 if ticked or not in_year else 1
    if window.kind in ("confirm", "recheck") and rules is not None and window.term:
        from generator.checks.receipts import still_to_do

        return still_to_do(window, student, rules)
    return None


def student_dues(windows: list[Window], student: Student, findings: list[Finding],
                 today: dt.date, rules: Rules | None = None) -> list[Due]:
    """Each window as it stands for the student; a receipt window that is not theirs
    (another year's term, a re-check with nothing reported) is left out
    (generator/checks/receipts.py `concerns`)."""
    from generator.checks.receipts import concerns

    out = []
    for w in windows:
        if (w.kind in RECEIPT_KINDS and rules is not None
                and not concerns(w, student, rules, today, windows)):
            continue
        left = outstanding(w, student, findings, rules)
        state = w.state(today)
        if state == "closed" and left is not None:
            # Silence at a confirmation is agreement: nothing is late, it is over.
            state = "done" if not left else "closed" if w.kind in RECEIPT_KINDS else "late"
        out.append(Due(w, state, left, (w.end - today).days))
    return out


def next_due(dues: list[Due]) -> Due | None:
    return next((d for d in dues if d.state in ("open", "upcoming")), None)


def coming(dues: list[Due]) -> list[Due]:
    """What is due now, term by term: every open window, then the next to open."""
    now = [d for d in dues if d.state == "open"]
    upcoming = next((d for d in dues if d.state == "upcoming"), None)
    return now + ([upcoming] if upcoming is not None else [])


def late(dues: list[Due]) -> list[Due]:
    return [d for d in dues if d.state == "late"]


# ------------------------------------------------------------------ 逾期不可回溯

def check(portfolio: Portfolio) -> Iterator[Finding]:
    """`window-closed` for every course outcome that missed its window for good."""
    closing = [w for w in school_windows(portfolio)
               if w.kind in CLOSING_KINDS and w.state(portfolio.today) == "closed"]
    if not closing:
        return
    for student in portfolio.students:
        for item in student.items:
            missed = _missed(item, closing)
            if missed is not None:
                yield make("window-closed", student.key, item.id, None, term=item.term,
                           kind=said(f"cn-kind-{missed.kind}"), end=missed.closes(),
                           missed=said(f"window-missed-{missed.kind}"))


def _missed(item: Item, closed: list[Window]) -> Window | None:
    """The first closed window that leaves `item` unable ever to be ticked: its upload
    window while a draft (it can no longer be sent), its 認證 window while not certified."""
    if not item.is_course or item.term is None or item.status == "certified":
        return None
    for w in closed:  # in the order they ended
        if not w.covers(item.term):
            continue
        if w.kind == "certify" or item.status == "draft":
            return w
    return None
