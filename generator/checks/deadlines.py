"""The school's windows (`[deadlines]` in portfolio.toml) and where each student stands.

```toml
[deadlines]
upload  = [{ start = 2026-09-01, end = 2026-11-30 }]   # 上傳 課程學習成果
certify = { start = 2026-12-01, end = 2026-12-20 }     # 認證
tick    = { start = 2027-01-02, end = 2027-01-15 }     # 勾選 into 中央資料庫
confirm = { start = 2027-02-20, end = 2027-03-03 }     # 收訖明細確認
```

A kind takes one window or a list of them; the Chinese names (上傳, 認證, 勾選,
收訖明細確認) are accepted for the keys. A window belongs to the academic year of its
end date unless it says `year = 115`. Relative to `today` a window is upcoming, open
or closed; a closed window is *late* for a student who still has work of its kind in
its year (items with errors for upload, uncertified course outcomes for 認證,
nothing ticked for 勾選). 收訖明細確認 cannot be seen from the content: it is only due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from generator.findings import Finding, make
from generator.i18n import said
from generator.model import Student
from generator.support.roc_calendar import academic_year

KINDS = ("upload", "certify", "tick", "confirm")
ALIASES = {"上傳": "upload", "認證": "certify", "勾選": "tick", "收訖明細確認": "confirm",
           "certification": "certify", "ticking": "tick", "confirmation": "confirm"}


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


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None



def _invalid(key: str, reason: str) -> Finding:
    # The example is a parameter: a catalog template cannot hold TOML's braces.
    return make("deadline-invalid", None, None, "portfolio.toml", key=key,
                reason=said(f"deadline-why-{reason}",
                            example="{ start = 2026-12-01, end = 2026-12-20 }"))


def parse_deadlines(table: Any) -> tuple[list[Window], list[Finding]]:
    """Windows from the `[deadlines]` table; what cannot be read is a `deadline-invalid`
    finding and that window is left out (the rest still count)."""
    windows: list[Window] = []
    problems: list[Finding] = []
    if not isinstance(table, dict):
        return windows, ([] if table is None else [_invalid("deadlines", "table")])
    for key, value in table.items():
        kind = ALIASES.get(str(key), str(key))
        if kind not in KINDS:
            problems.append(_invalid(str(key), "kind"))
            continue
        for entry in value if isinstance(value, list) else [value]:
            if not isinstance(entry, dict):
                entry = {"end": entry}
            end, start = _date(entry.get("end")), _date(entry.get("start"))
            if end is None or (entry.get("start") is not None and start is None):
                problems.append(_invalid(str(key), "date"))
                continue
            if start is not None and start > end:
                problems.append(_invalid(str(key), "order"))
                continue
            year = entry.get("year")
            windows.append(Window(kind, start, end,
                                  year if isinstance(year, int) else academic_year(end)))
    windows.sort(key=lambda w: (w.end, KINDS.index(w.kind)))
    return windows, problems


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
