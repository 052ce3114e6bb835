"""The school's windows (`[deadlines]` in portfolio.toml) and where each student stands.

```toml
[deadlines]
upload  = [{ start = 2026-09-01, end = 2026-11-30 }]   # 上傳 課程學習成果
certify = { start = 2026-12-01, end = 2026-12-20 }     # 認證
tick    = { start = 2027-01-02, end = 2027-01-15 }     # 勾選 into 中央資料庫
confirm = { start = 2027-02-20, end = 2027-03-03 }     # 收訖明細確認
```

A kind takes one window or a list of them; the Chinese names (上傳, 認證, 勾選,
收訖明細確認) are accepted for the keys (the schema, `DeadlineSettings` in
generator/model/site_settings.py, says every shape; generator/content/site_settings.py
reads it). A window belongs to the academic year of its end date unless it says
`year = 115`. Relative to `today` a window is upcoming, open or closed; a closed
window is *late* for a student who still has work of its kind in its year (items with
errors for upload, uncertified course outcomes for 認證, nothing ticked for 勾選).
收訖明細確認 cannot be seen from the content: it is only due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.findings import Finding
from generator.model import Student
from generator.model.site_settings import DEADLINE_KINDS, DeadlineSettings
from generator.support.roc_calendar import academic_year

KINDS = DEADLINE_KINDS


@dataclass(frozen=True)
class Window:
    kind: str
    start: dt.date | None
    end: dt.date
    year: int

    def state(self, today: dt.date) -> str:
        if today > self.end:
            return "closed"
        if self.start is not None and today < self.start:
            return "upcoming"
        return "open"


@dataclass(frozen=True)
class Due:
    """One window as it stands for one student."""

    window: Window
    state: str              # upcoming | open | late | done | closed
    outstanding: int | None  # items still to do (None: cannot be told from the content)
    days: int               # days from today to the end (negative once past)


def windows(deadlines: DeadlineSettings) -> list[Window]:
    """The windows of `[deadlines]` as read (a window that could not be read was
    reported as `deadline-invalid` when portfolio.toml was read, and left out), in the
    order they end."""
    out = [Window(kind, w.start, w.end, w.year if w.year is not None else academic_year(w.end))
           for kind, entries in deadlines.kinds() for w in entries]
    out.sort(key=lambda w: (w.end, KINDS.index(w.kind)))
    return out


def outstanding(window: Window, student: Student, findings: list[Finding]) -> int | None:
    """What the student still has to do for this window's kind in its year."""
    in_year = [i for i in student.items if i.year == window.year]
    if window.kind == "upload":
        broken = {f.item for f in findings if f.severity == "error" and f.item}
        return sum(1 for i in in_year if i.id in broken)
    if window.kind == "certify":
        return sum(1 for i in in_year if i.is_course and not i.certified)
    if window.kind == "tick":
        ticked = any(i.submitted == window.year for i in student.items)
        return 0 if ticked or not in_year else 1
    return None


def student_dues(windows: list[Window], student: Student, findings: list[Finding],
                 today: dt.date) -> list[Due]:
    out = []
    for w in windows:
        left = outstanding(w, student, findings)
        state = w.state(today)
        if state == "closed" and left is not None:
            state = "late" if left else "done"
        out.append(Due(w, state, left, (w.end - today).days))
    return out


def next_due(dues: list[Due]) -> Due | None:
    return next((d for d in dues if d.state in ("open", "upcoming")), None)


def late(dues: list[Due]) -> list[Due]:
    return [d for d in dues if d.state == "late"]
