"""The kit step of `portfolio build`: each department's application kit.

Outputs, per student and department (generator/engine/output_paths.py KIT_FILES):
    <student>/departments/<code>/kit/學習歷程自述.pdf    when the department takes it
    <student>/departments/<code>/kit/多元表現綜整心得.pdf
    <student>/departments/<code>/kit/其他.pdf
    <student>/departments/<code>/kit/勾選清單.html, 勾選清單.pdf
    <student>/departments/<code>/kit/B-1 專題實作….pdf   a copy of each uploaded PDF

A department's kit is one job (its files are made together) fingerprinted by what it
prints (the department's texts and the files they name, the rows of its tick list), the
rules, the print theme and this package's code. Every kit PDF over `[files] kit_max_mb`
gets `kit-file-too-large`, whether made now or kept from an earlier build (the file on
disk says).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from generator.content.file_inspection import file_sha256
from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.engine.steps import Output
from generator.engine.workers import TaskFailed
from generator.findings import Finding, make
from generator.model import Department, Student
from generator.render.kit.kit_documents import (
    TEXT_KINDS,
    kit_kinds,
    render_text,
    render_ticks,
    text_inputs,
    tick_rows,
    ticks_pdf,
)
from generator.render.kit.kit_uploads import uploaded_pdfs
from generator.render.pdf.pdf_assembly import timestamp
from generator.render.pdf.pdf_step import settings_for
from generator.support.atomic import owned, write_bytes
from generator.support.code_digest import files_digest

NAME = "kit"
KIT_VERSION = 1
_PACKAGE = Path(__file__).parent


@cache
def code_digest() -> str:
    """This package's code, the PDF renderer's and the words: a fix re-renders the kits."""
    messages = _PACKAGE.parents[1] / "messages"
    return files_digest([*_PACKAGE.glob("*.py"), *(_PACKAGE.parent / "pdf").glob("*.py"),
                         _PACKAGE.parent / "column_shares.py",
                         messages / "kit.toml", messages / "pdf.toml"])


@dataclass(frozen=True)
class KitJob:
    slug: str
    code: str
    kinds: tuple[str, ...]
    fingerprint: str
    uploads: tuple[tuple[str, str], ...] = ()   # (the student's file, its copy in the kit)

    def __str__(self) -> str:  # how a failed job is named to the user
        return paths.kit_dir(self.slug, self.code)

    @property
    def cluster_scope(self) -> str:   # the student it needs (engine/cluster.py)
        return self.slug


def _department(student: Student, code: str) -> Department:
    return next(d for d in student.departments if d.code == code)


def run_job(ctx: BuildContext, job: KitJob) -> bool:
    """Make one department's kit (module level: the build runs it in a forked worker)."""
    student = ctx.student(job.slug)
    dep = _department(student, job.code)
    rules = ctx.portfolio.rules_for(student)
    settings = settings_for(ctx)
    for kind in job.kinds:
        rel = paths.kit_file(job.slug, job.code, kind)
        if kind in TEXT_KINDS:
            data = render_text(kind, student, dep, rules, settings, rules.files.kit_max_bytes)
        elif kind == "ticks":
            data = render_ticks(student, dep, rules, settings).encode("utf-8")
        else:
            data = ticks_pdf(render_ticks(student, dep, rules, settings))
        write_bytes(ctx.path(rel), data)
    for source, rel in job.uploads:
        # As the student gave it: what the department gets is their file, byte for byte.
        write_bytes(ctx.path(rel), Path(source).read_bytes())
    return True


def oversized(ctx: BuildContext, student: Student, dep: Department,
              kinds: tuple[str, ...]) -> list[Finding]:
    """`kit-file-too-large` for each of the department's kit PDFs over the limit."""
    files = ctx.portfolio.rules.files
    out = []
    for kind in kinds:
        if kind not in TEXT_KINDS:
            continue
        path = paths.output_path(ctx.output, paths.kit_file(student.slug, dep.code, kind))
        if not path.is_file() or not owned(path):
            continue
        size = path.stat().st_size
        if size > files.kit_max_bytes:
            out.append(make("kit-file-too-large", student.key, None, paths.KIT_FILES[kind],
                            department=dep.code, name=dep.name, kit_file=paths.KIT_FILES[kind],
                            size=files.format_size(size),
                            limit=files.format_size(files.kit_max_bytes, trim=True)))
    return out


class KitStep:
    """The build's kit step ("kit" in the build's STEPS)."""

    name = NAME

    def plan(self, ctx: BuildContext) -> list[Output]:
        settings = settings_for(ctx)
        base = [NAME, KIT_VERSION, code_digest(), settings.theme.fingerprint(),
                timestamp(ctx.today), asdict(settings.quality),
                ctx.portfolio.rules.model_dump(mode="json", by_alias=True)]
        out: list[Output] = []
        for student in ctx.students():
            rules = ctx.portfolio.rules_for(student)
            for dep in student.departments:
                kinds = tuple(kit_kinds(dep, rules))
                uploads = uploaded_pdfs(student, dep, rules)
                # What the kit prints, not the whole student: its texts are the
                # department's, its tick list the rows below (an item's 簡述 or
                # reflection edited left every kit PDF to be made again).
                rows = [[asdict(r) for r in part]
                        for part in tick_rows(student, dep, rules, ctx.lang)]
                fp = ctx.fingerprint(*base, rules.model_dump(mode="json", by_alias=True),
                                     student.name, str(student.path),
                                     dep.model_dump(mode="json"), rows,
                                     text_inputs(student, dep),
                                     [(u.rel, file_sha256(u.path)) for u in uploads])
                job = KitJob(student.slug, dep.code, kinds, fp,
                             tuple((str(u.path), u.rel) for u in uploads))
                out += [Output(paths.kit_file(student.slug, dep.code, k), fp, job)
                        for k in kinds]
                out += [Output(u.rel, fp, job) for u in uploads]
        return out

    def run(self, ctx: BuildContext) -> None:
        mine = ctx.plan.of(self.name)
        jobs = list(dict.fromkeys(out.task for out in mine
                                  if not ctx.fresh(out.rel, out.fingerprint)))
        if jobs and NAME not in ctx.warm:   # a helper loaded it for its workers
            settings_for(ctx).theme.preload()   # once here, not in every worker
        results = ctx.run(NAME, run_job, jobs, NAME) if jobs else []
        for job, done in zip(jobs, results, strict=True):
            if isinstance(done, TaskFailed):
                continue  # ctx.run reported it as a Failure
            for kind in job.kinds:
                ctx.record(paths.kit_file(job.slug, job.code, kind), job.fingerprint, NAME)
            for _source, rel in job.uploads:
                ctx.record(rel, job.fingerprint, NAME)
        seen = set()
        for out in mine:
            job = out.task
            if job in seen:
                continue
            seen.add(job)
            student = ctx.student(job.slug)
            found = oversized(ctx, student, _department(student, job.code), job.kinds)
            ctx.check.findings.extend(found)
