"""The checks behind the form: after a save exactly `portfolio check --offline`, while
typing the same rules on the draft.

After a save the whole content root is checked by `check_content`, as `portfolio check`
does, through the output's cache (a file is opened once, then known by its hash), so
what the page shows is what `check` prints. A draft (the form before it is saved) is
read by the same item reader from a scratch copy in the output's `.portfolio/editor`,
put in its student's place, and the same rules run over that student; only link
visits (never made offline anyway) are left out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from generator.checks.content_check import CheckedContent, check_content, run_checks
from generator.checks.departments import check_department, provided_codes
from generator.content.file_inspection import InspectCache
from generator.content.item_reader import read_item
from generator.content.loader import attach_files, load_settings, load_student, reader_for
from generator.findings import Finding, counselor_only
from generator.model import Department, Item, Portfolio, Student
from generator.render.upload.upload_copies import fitted_findings
from generator.rules import Rules
from generator.support import atomic
from generator.support.characters import count_chars, count_prose_chars
from generator.support.ownership import STATE_DIR, cache_dir
from generator.support.roc_calendar import resolve_today


@dataclass
class Draft:
    portfolio: Portfolio
    student: Student
    item: Item | None
    findings: list[Finding]


class Evaluator:
    """Runs the checks for the editor, one at a time (they share the output's cache)."""

    def __init__(self, root: Path, output: Path, today: dt.date | None, lang: str):
        self.root = root
        self.output = output
        self.today = today
        self.lang = lang
        self._lock = threading.Lock()

    def saved(self) -> CheckedContent:
        """Everything, as `portfolio check --offline -o OUTPUT` finds it."""
        with self._lock:
            result = check_content(self.root, today=self.today, lang=self.lang, offline=True,
                                   output=self.output)
            # 「做成上傳版」 made a copy that fits: said as `check -o OUTPUT` says it.
            result.findings = fitted_findings(result.portfolio, result.findings, self.output)
            return result

    def draft(self, slug: str, item_id: str, index_text: str | None) -> Draft:
        """The student's findings with `index_text` as item `item_id`'s index.md (None:
        as saved). Nothing is written to the content root."""
        with self._lock:
            settings, rules, found = load_settings(self.root)
            reader = reader_for(self.root, rules)
            student, more = load_student(self.root / slug, rules, reader, settings.track)
            found += more
            portfolio = Portfolio(root=self.root, rules=rules, settings=settings,
                                  today=resolve_today(self.today, settings.today),
                                  students=[student])
            item = student.item(item_id)
            if index_text is not None:
                found = [f for f in found if f.item != item_id or f.file != "index.md"]
                student.items = [i for i in student.items if i.id != item_id]
                item, more = self._read_draft(slug, student.key, item_id, index_text,
                                              portfolio.rules_for(student))
                found += more
                if item is not None:
                    student.items.append(item)
            found += attach_files(portfolio, InspectCache(cache_dir(self.output)))
            found += run_checks(portfolio)
            kept = [f for f in dict.fromkeys(found) if not counselor_only(f)]
            return Draft(portfolio, student, item,
                         fitted_findings(portfolio, kept, self.output))

    def _read_draft(self, slug: str, key: str, item_id: str, index_text: str,
                    rules: Rules) -> tuple[Item | None, list[Finding]]:
        base = self.output / STATE_DIR / "editor"
        atomic.make_dirs(base)   # in the output's own folder, never through a link
        # Named like the tool's temporary files: whatever a killed editor leaves here,
        # the next command on this output sweeps away.
        work = Path(tempfile.mkdtemp(prefix=atomic.TEMP_PREFIX, dir=base))
        try:
            folder = work / item_id
            folder.mkdir()
            (folder / "index.md").write_text(index_text, "utf-8")
            item, found = read_item(reader_for(work, rules), folder, slug, key, rules)
        finally:
            with contextlib.suppress(OSError):
                shutil.rmtree(work)
        if item is not None:
            item.path = self.root / slug / "items" / item_id  # its files are the real ones
        return item, found


def for_student(findings: list[Finding], student: Student) -> list[Finding]:
    return [f for f in findings if f.student == student.key and not counselor_only(f)]


def summary_state(item: Item | None, limit: int) -> dict[str, int]:
    chars = count_chars(item.summary or "") if item is not None else 0
    return {"chars": chars, "limit": limit}


@dataclass
class DepartmentTally:
    courses: int
    performances: int
    wants: list[tuple[str, bool]]   # each wanted code, and whether the selection gives it
    reflection_chars: int
    findings: list[Finding]


def department_state(student: Student, dep: Department, rules: Rules) -> DepartmentTally:
    """Counts, coverage of the department's `wants` and the department's findings, for
    a department as saved or as the form has it now."""
    provided = provided_codes(student, dep, rules)
    found = list(check_department(student, dep, rules))
    return DepartmentTally(len(dep.courses), len(dep.performances),
                           [(c, c in provided) for c in dep.wants],
                           count_prose_chars(dep.reflection or ""), found)
