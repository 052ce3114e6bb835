"""`export_departments()`: check, build what the bundles need, write one zip per department."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.checks.content_check import CheckedContent, check_content
from generator.content.loader import require_root
from generator.engine.build_context import Failure, tool_version
from generator.engine.progress import Reporter
from generator.export.bundle import Bundle, blocking, make_bundle
from generator.findings import Finding
from generator.i18n import SaidError, listed, said, text
from generator.model import Department, Student
from generator.support.atomic import owned
from generator.support.ownership import holding


class ExportError(SaidError):
    """Bad usage: a department code no student applies to (exit 2)."""


@dataclass
class BlockedDepartment:
    student: Student
    department: Department
    findings: list[Finding]

    def describe(self) -> dict[str, str | int]:
        return {"code": self.department.code, "name": self.department.name,
                "student": self.student.name, "n": len(self.findings)}

    def as_check(self, check: CheckedContent) -> CheckedContent:
        return CheckedContent(check.portfolio, self.findings, check.lang)


@dataclass
class ExportOutcome:
    check: CheckedContent
    bundles: list[Bundle] = field(default_factory=list)
    blocked: list[BlockedDepartment] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    # Departments left out of the model (a code that cannot name a folder, a repeated
    # code): they get no bundle, and the export must say so rather than look complete.
    refused: list[Finding] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.check.lang

    @property
    def exit_code(self) -> int:
        return 1 if self.blocked or self.failures or self.refused else 0


def select(students: list[Student], codes: list[str],
           everything: bool) -> list[tuple[Student, Department]]:
    """The (student, department) pairs asked for; unknown codes raise ExportError."""
    known = {d.code for s in students for d in s.departments}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ExportError("export-unknown-department", codes=listed(unknown),
                          known=listed(sorted(known)) if known else said("export-none-known"))
    if everything and not known:
        raise ExportError("export-no-departments")
    return [(s, d) for s in students for d in s.departments if everything or d.code in codes]


def refused_departments(found: list[Finding]) -> list[Finding]:
    """The findings of departments.yaml entries whose code was refused."""
    return [f for f in found if f.code == "field-invalid" and f.file == "departments.yaml"
            and f.params.get("field") == "code"]


def export_departments(content: Path, output: Path, *, codes: list[str], everything: bool,
                       force: bool, lang: str | None = None, today: date | None = None,
                       offline: bool = False, jobs: int | None = None,
                       reporter: Reporter | None = None,
                       scheduler: str | None = None) -> ExportOutcome:
    require_root(content)  # before the output is claimed: nothing made for nothing
    with holding(output, content):
        return _export(content, output, codes=codes, everything=everything, force=force,
                       lang=lang, today=today, offline=offline, jobs=jobs, reporter=reporter,
                       scheduler=scheduler)


def _export(content: Path, output: Path, *, codes: list[str], everything: bool, force: bool,
            lang: str | None, today: date | None, offline: bool, jobs: int | None,
            reporter: Reporter | None, scheduler: str | None) -> ExportOutcome:
    from generator.pipeline.building import build_checked, make_context

    check = check_content(content, today=today, lang=lang, offline=offline, output=output)
    portfolio = check.portfolio
    chosen = select(portfolio.students, codes, everything)
    outcome = ExportOutcome(check, refused=refused_departments(check.findings))
    ready: list[tuple[Student, Department]] = []
    for student, dep in chosen:
        errors = blocking(student, dep, check.findings)
        if errors and not force:
            outcome.blocked.append(BlockedDepartment(student, dep, errors))
        else:
            ready.append((student, dep))
    if not ready:
        return outcome
    # The build is incremental: what is already up to date costs nothing.
    result = build_checked(check, output, jobs=jobs, offline=offline, reporter=reporter,
                           scheduler=scheduler)
    outcome.failures = list(result.failures)
    ctx = make_context(result.check, output, jobs=jobs, offline=offline, reporter=reporter)
    for student, dep in ready:
        # The build finds more (a 文件 or kit file that cannot be made to fit).
        errors = blocking(student, dep, result.check.findings)
        if errors and not force:
            outcome.blocked.append(BlockedDepartment(student, dep, errors))
            continue
        bundle = make_bundle(ctx, student, dep, forced=bool(errors), tool=tool_version())
        if owned(bundle.path):
            outcome.bundles.append(bundle)
        else:  # a zip the tool did not write is in its place: left alone, and said so
            rel = bundle.path.relative_to(output).as_posix()
            outcome.failures.append(Failure("output", rel, text("output-not-overwritten",
                                                                check.lang, path=rel),
                                            code="output-not-ours"))
    return outcome
