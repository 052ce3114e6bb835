"""`findings.csv` (one row per finding) and `summary.csv` (one row per student).

UTF-8 with a byte-order mark, so Excel opens the Chinese correctly; CRLF line ends as
the csv module writes them. Everything a person reads follows the build's language: the
header row (`csv-<column>` in the catalog), severities, states, the kind of each finding.
The columns keep their order (`FINDINGS_COLUMNS`, `SUMMARY_COLUMNS` name them for
scripts), and the finding codes stay as they are in the `code` and `*_codes` columns,
as in report.json: the stable identifiers.
"""

from __future__ import annotations

import csv
import io

from generator.counselor.dashboard_rows import StudentRow
from generator.findings import Finding, sort_key
from generator.i18n import label, text
from generator.model import Portfolio

FINDINGS_COLUMNS = ("student_id", "name", "folder", "severity", "code", "kind", "item", "file",
                    "message")
GRADES = (10, 11, 12)
SUMMARY_COLUMNS = (
    "student_id", "name", "folder", "state", "errors", "warnings", "links_at_risk",
    "missing_summaries", "courses", "performances",
    *(f"g{g}_{kind}" for g in GRADES for kind in ("courses_ticked", "performances_ticked")),
    "over_limit", "error_codes", "warning_codes", "departments", "next_deadline", "late",
    "comments", "last_built", "receipts_confirmed", "receipts_reported", "receipts_missing")


def _encode(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerows(rows)
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def header(columns: tuple[str, ...], lang: str) -> list[str]:
    """The header row: each column's name in `lang`."""
    return [text(f"csv-{column}", lang) for column in columns]


def findings_csv(portfolio: Portfolio, findings: list[Finding], lang: str) -> bytes:
    names = {s.key: (s.name, s.slug) for s in portfolio.students}
    rows = [header(FINDINGS_COLUMNS, lang)]
    for f in sorted((f.localized(lang) for f in findings), key=sort_key):
        name, slug = names.get(f.student or "", ("", ""))
        rows.append([f.student or "", name, slug, text(f.severity, lang), f.code,
                     label(f.code, lang), f.item or "", f.file or "", f.message])
    return _encode(rows)


def _codes(counts: dict[str, int]) -> str:
    return ";".join(f"{code}:{n}" for code, n in sorted(counts.items()))


def summary_row(row: StudentRow, lang: str) -> list[str]:
    grades = row.grade_counts()
    per_grade: list[str] = []
    for g in GRADES:
        y = grades.get(g)
        per_grade += [str(y.courses.used), str(y.performances.used)] if y else ["0", "0"]
    due = row.next_due
    due_text = f"{due.window.label(lang)} {due.window.end.isoformat()}" if due else ""
    late_text = ";".join(f"{d.window.label(lang)} {d.window.end.isoformat()}"
                         for d in row.late)
    receipts = ([str(row.receipts.confirmed), str(row.receipts.reported),
                 str(row.receipts.missing)] if row.receipts else ["", "", ""])
    departments = ";".join(f"{d.code}:{text('cn-state-' + d.state, lang)}"
                           for d in row.departments)
    return [row.key, row.name, row.slug, text(f"cn-state-{row.state}", lang),
            str(row.error_count),
            str(row.warning_count), str(row.links_at_risk), str(row.missing_summaries),
            str(row.courses), str(row.performances), *per_grade,
            text("csv-yes" if row.over_limit else "csv-no", lang), _codes(row.errors),
            _codes(row.warnings),
            departments, due_text, late_text, str(row.comments), row.last_built, *receipts]


def summary_csv(rows: list[StudentRow], lang: str) -> bytes:
    return _encode([header(SUMMARY_COLUMNS, lang), *(summary_row(r, lang) for r in rows)])
