"""The PDF step of `portfolio build`: what to render, what is still fresh, where it goes.

Outputs, per student:
    <student>/portfolio.pdf                      everything, in the reviewer's order
    <student>/departments/<code>/portfolio.pdf   one department's selection
    <student>/upload/<item>/document.pdf         the 文件 to upload (see upload.py)

Each output is keyed by a fingerprint of everything that goes into it (the student's
model with every file's hash, the rules, the print theme, this package's code, the
language, the date stamped into the PDF): an unchanged student renders nothing. The
verdict on each output (its findings) is kept in the cache under the same key, so a
kept PDF still reports them, and an item that cannot be made to fit is not rendered
again just to say so again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.engine.steps import Output
from generator.engine.workers import TaskFailed
from generator.findings import Finding, make
from generator.model import Department, Student
from generator.render.pdf.pdf_assembly import timestamp
from generator.render.pdf.pdf_documents import PdfSettings, render_portfolio
from generator.render.pdf.print_theme import PrintTheme
from generator.render.pdf.upload_document import OUTPUT_NAME, make_upload_pdf, needs_upload_pdf
from generator.support.atomic import write_bytes

PDF_VERSION = 1
NAME = "pdf"
_PACKAGE = Path(__file__).parent
_CATALOG = _PACKAGE.parents[1] / "messages" / "pdf.toml"
_PDFSAFE = _PACKAGE.parents[1] / "support" / "pdf_cleaning.py"  # what is stripped from PDFs


@dataclass(frozen=True)
class PdfTask:
    kind: str                     # portfolio | upload
    student: str                  # slug
    rel: str                      # output path, relative to the output folder
    fingerprint: str
    department: str | None = None
    item: str | None = None


@dataclass
class TaskResult:
    written: bool
    findings: list[Finding]
    pages: int | None = None


def settings_for(ctx: BuildContext) -> PdfSettings:
    return PdfSettings(lang=ctx.lang, today=ctx.today, cache_dir=(ctx.cache_dir / NAME).resolve(),
                       theme=PrintTheme(ctx.theme))


@cache
def code_digest() -> str:
    """This package's code and words: a fix to the renderer re-renders every PDF."""
    h = hashlib.sha256()
    for path in sorted([*_PACKAGE.glob("*.py"), _CATALOG, _PDFSAFE]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def plan(ctx: BuildContext, settings: PdfSettings) -> list[PdfTask]:
    """Every PDF output of the build, with its fingerprint (fresh or not)."""
    rules = ctx.portfolio.rules.model_dump(mode="json", by_alias=True)
    base = [NAME, PDF_VERSION, code_digest(), settings.theme.fingerprint(),
            timestamp(ctx.today), asdict(settings.quality), rules]
    tasks: list[PdfTask] = []
    for student in ctx.students():
        # The student's own track: its codes, labels and order are printed.
        mine = ctx.portfolio.rules_for(student).model_dump(mode="json", by_alias=True)
        whole = [student.model_dump(mode="json"), mine]
        fp = ctx.fingerprint(*base, whole)
        tasks.append(PdfTask("portfolio", student.slug, paths.student_pdf(student.slug), fp))
        for dep in student.departments:
            rel = paths.department_pdf(student.slug, dep.code)
            tasks.append(PdfTask("portfolio", student.slug, rel,
                                 ctx.fingerprint(*base, whole, dep.code), department=dep.code))
        info = student.info.model_dump(mode="json") if student.info else None
        for item in student.items:
            if needs_upload_pdf(item):
                rel = paths.upload_file(student.slug, item.id, OUTPUT_NAME)
                fp = ctx.fingerprint(*base, info, item.model_dump(mode="json"), mine)
                tasks.append(PdfTask("upload", student.slug, rel, fp, item=item.id))
    return tasks


def run_task(ctx: BuildContext, task: PdfTask) -> TaskResult:
    """One output (module level, so the build can run it in a forked worker)."""
    settings = settings_for(ctx)
    student = ctx.portfolio.student(task.student)
    rules = ctx.portfolio.rules_for(student)
    if task.kind == "portfolio":
        department = _department(student, task.department)
        data, view = render_portfolio(student, rules, settings, department)
        write_bytes(paths.output_path(ctx.output, task.rel), data)
        found = [make("pdf-document-not-attached", student.key, a.item, a.name, name=a.name,
                      output=task.rel) for a in view.unattached]
        _save_verdict(settings.cache_dir, task.fingerprint, True, found)
        return TaskResult(True, found)
    item = student.item(task.item or "")
    assert item is not None
    result = make_upload_pdf(item, student, rules, settings,
                             paths.output_path(ctx.output, task.rel))
    written = result.action in ("copy", "rendered", "shrunk")
    _save_verdict(settings.cache_dir, task.fingerprint, written, result.findings)
    return TaskResult(written, result.findings)


class PdfStep:
    """The build's PDF step ("pdf" in the build's STEPS)."""

    name = NAME

    def plan(self, ctx: BuildContext) -> list[Output]:
        return [Output(t.rel, t.fingerprint, t) for t in plan(ctx, settings_for(ctx))]

    def run(self, ctx: BuildContext) -> None:
        settings = settings_for(ctx)
        todo: list[PdfTask] = []
        for task in (out.task for out in ctx.plan.of(self.name)):
            verdict = _load_verdict(settings.cache_dir, task.fingerprint)
            if ctx.fresh(task.rel, task.fingerprint):
                ctx.check.findings.extend(verdict[1] if verdict else [])
            elif verdict is not None and not verdict[0]:
                ctx.check.findings.extend(verdict[1])  # known not to fit: nothing to redo
            else:
                todo.append(task)
        if not todo:
            return
        # The whole portfolios first: the longest tasks, so both cores stay busy to the end.
        todo.sort(key=lambda t: (t.kind != "portfolio", t.department is not None))
        results = ctx.run("PDF", run_task, todo, renderer=self.name)
        for task, result in zip(todo, results, strict=True):
            if isinstance(result, TaskFailed):
                continue  # ctx.run reported it as a Failure
            ctx.check.findings.extend(result.findings)
            if result.written:
                ctx.record(task.rel, task.fingerprint, self.name)


def _department(student: Student, code: str | None) -> Department | None:
    if code is None:
        return None
    return next(d for d in student.departments if d.code == code)


def _verdict_path(cache_dir: Path, fingerprint: str) -> Path:
    return cache_dir / "verdicts" / f"{fingerprint[:40]}.json"


def _save_verdict(cache_dir: Path, fingerprint: str, written: bool,
                  findings: list[Finding]) -> None:
    data = {"written": written,
            "findings": [{"code": f.code, "severity": f.severity, "student": f.student,
                          "item": f.item, "file": f.file, "params": f.params}
                         for f in findings]}
    write_bytes(_verdict_path(cache_dir, fingerprint),
                json.dumps(data, ensure_ascii=False, default=str).encode())


def _load_verdict(cache_dir: Path, fingerprint: str) -> tuple[bool, list[Finding]] | None:
    try:
        data: dict[str, Any] = json.loads(_verdict_path(cache_dir, fingerprint).read_text("utf-8"))
        found = [Finding(f["code"], f["severity"], f["student"], f["item"], f["file"],
                         f["params"]) for f in data["findings"]]
        return bool(data["written"]), found
    except (OSError, ValueError, KeyError, TypeError):
        return None
