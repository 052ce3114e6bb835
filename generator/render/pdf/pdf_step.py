"""The PDF step of `portfolio build`: what to render, what is still fresh, where it goes.

Outputs, per student:
    <student>/portfolio.pdf                      everything, in the reviewer's order
    <student>/departments/<code>/portfolio.pdf   one department's selection, as uploaded
    <student>/upload/<item>/<name>.pdf           the 文件 to upload (upload_document.py)

The upload 文件 are made first: a department's copy lays them in (what reviewers get
is what was uploaded). The student's own PDFs carry a draft mark while errors remain:
the errors found so far are in their fingerprint, so one found or fixed re-renders them.

The whole portfolio and each department's copy are assembled from item fragments
laid out once and kept in the cache (fragments.py): which ones this build had to lay
out is written to `<cache>/pdf/fragments-laid.json`, and cached parts no PDF of the
build was made from are dropped at the end (`prune_fragments`).

Each output is keyed by a fingerprint of everything that goes into it (the student's
model with every file's hash, the rules, the print theme, this package's code, the
language, the date stamped into the PDF, the fonts the print theme resolves to here):
an unchanged student renders nothing. The
verdict on each output (its findings) is kept in the cache under the same key, so a
kept PDF still reports them, and an item that cannot be made to fit is not rendered
again just to say so again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from generator.engine import output_paths as paths
from generator.engine.build_context import BuildContext
from generator.engine.steps import Output
from generator.engine.workers import TaskFailed
from generator.findings import Finding, make
from generator.model import Department, Item, Student
from generator.render.pdf.fragments import code_digest
from generator.render.pdf.pdf_assembly import timestamp
from generator.render.pdf.pdf_documents import PdfSettings, render_portfolio
from generator.render.pdf.print_fonts import fonts_digest, glyph_findings
from generator.render.pdf.print_theme import PrintTheme
from generator.render.pdf.print_view import DraftMark
from generator.render.pdf.upload_document import OUTPUT_EXT, make_upload_pdf, needs_upload_pdf
from generator.render.upload.provenance import note_source, store_in
from generator.render.upload.upload_copies import (
    default_cache_dir,
    fitted_findings,
    made_copies,
)
from generator.support.atomic import remove, write_bytes
from generator.support.records import read_record

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

    @property
    def cluster_scope(self) -> str:   # the student it needs (engine/cluster.py)
        return self.student


@dataclass
class TaskResult:
    written: bool
    findings: list[Finding]
    pages: int | None = None
    laid: list[str] = field(default_factory=list)   # item fragments laid out (their keys)


def settings_for(ctx: BuildContext) -> PdfSettings:
    cache_dir = (ctx.cache_dir / NAME).resolve()
    return PdfSettings(lang=ctx.lang, today=ctx.today, cache_dir=cache_dir,
                       theme=PrintTheme(ctx.theme, cache=cache_dir / "templates"))


def errors_of(found: list[Finding], student: Student,
              department: Department | None = None) -> list[Finding]:
    """The errors a student's own PDF is marked with: all of the student's, or those of
    one department's selection and texts."""
    from generator.checks.departments import department_findings

    mine = [f for f in found if f.student == student.key and f.severity == "error"]
    return department_findings(mine, department) if department is not None else mine


def draft_of(errors: list[Finding]) -> DraftMark | None:
    if not errors:
        return None
    return DraftMark(len(errors), frozenset(f.item for f in errors if f.item))


def _error_inputs(errors: list[Finding]) -> list[list[Any]]:
    return sorted([f.code, f.item or "", f.file or ""] for f in errors)


def plan(ctx: BuildContext, settings: PdfSettings) -> list[PdfTask]:
    """Every PDF output of the build, with its fingerprint (fresh or not)."""
    rules = ctx.portfolio.rules.model_dump(mode="json", by_alias=True)
    base = [NAME, PDF_VERSION, code_digest(), settings.theme.fingerprint(),
            fonts_digest(settings.theme.css()), timestamp(ctx.today),
            asdict(settings.quality), rules]
    tasks: list[PdfTask] = []
    for student in ctx.students():
        # The student's own track: its codes, labels and order are printed.
        mine = ctx.portfolio.rules_for(student).model_dump(mode="json", by_alias=True)
        dumped = student.model_dump(mode="json")
        whole = [dumped, mine]
        found = ctx.findings
        fp = ctx.fingerprint(*base, whole, _error_inputs(errors_of(found, student)))
        tasks.append(PdfTask("portfolio", student.slug, paths.student_pdf(student.slug), fp))
        # A department's copy prints the student and the items it selects (print_view:
        # `selected_items`, the texts, the records), never another item: editing an item
        # no department selects makes only the student's own copy again.
        person = {k: v for k, v in dumped.items() if k != "items"}
        items = {i["id"]: i for i in dumped["items"]}
        for dep in student.departments:
            rel = paths.department_pdf(student.slug, dep.code)
            errors = _error_inputs(errors_of(found, student, dep))
            chosen = [items.get(n) for n in [*dep.courses, *dep.performances]]
            tasks.append(PdfTask("portfolio", student.slug, rel,
                                 ctx.fingerprint(*base, person, chosen, mine, dep.code, errors),
                                 department=dep.code))
        info = student.info.model_dump(mode="json") if student.info else None
        for item in student.items:
            if needs_upload_pdf(item):
                rel = paths.upload_copy(student.slug, student.items, item.id, OUTPUT_EXT)
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
        uploads = upload_files(ctx.output, student, department) if department else None
        draft = draft_of(errors_of(ctx.findings, student, department))
        laid: list[str] = []
        used: list[str] = []
        data, view = render_portfolio(student, rules, settings, department, uploads, draft,
                                      laid, used)
        write_bytes(paths.output_path(ctx.output, task.rel), data)
        found = [make("pdf-document-not-attached", student.key, a.item, a.name, name=a.name,
                      output=task.rel) for a in view.unattached]
        if department is None:  # every item is in the whole portfolio: told once, there
            found += glyph_findings(student.key, student.items, settings.theme.css(),
                                    settings.cache_dir)
        _save_verdict(settings.cache_dir, task.fingerprint, True, found, used)
        return TaskResult(True, found, laid=laid)
    item = student.item(task.item or "")
    assert item is not None
    result = make_upload_pdf(item, student, rules, settings,
                             paths.output_path(ctx.output, task.rel))
    written = result.action in ("copy", "rendered", "shrunk")
    if written:
        note_fitted(ctx, item, task.rel)
    _save_verdict(settings.cache_dir, task.fingerprint, written, result.findings)
    return TaskResult(written, result.findings)


def load_early(content: Path, cache_dir: Path) -> None:
    """What this step's workers need loaded, in a helper forked before the content is
    read (pipeline/early_loads.py, engine/warm_workers.py): WeasyPrint,
    the print theme's stylesheet, fonts and templates (PrintTheme.preload), and the
    libraries its tasks use, which the build itself loads only later or never (reading
    the content loads pypdf and Pillow's formats; pikepdf joins the PDFs)."""
    import importlib

    from PIL import Image

    from generator.content.loader import load_settings
    from generator.engine.themes import Theme

    settings = load_settings(content)[0]
    PrintTheme(Theme.resolve(content, settings.theme),
               cache=(cache_dir / NAME).resolve() / "templates").preload()
    Image.init()
    for name in ("chrome_pages", "emoji_text", "pdf_joining"):
        importlib.import_module(f"generator.render.pdf.{name}")


class PdfStep:
    """The build's PDF step ("pdf" in the build's STEPS)."""

    name = NAME

    def plan(self, ctx: BuildContext) -> list[Output]:
        return [Output(t.rel, t.fingerprint, t) for t in plan(ctx, settings_for(ctx))]

    def run(self, ctx: BuildContext) -> None:
        settings = settings_for(ctx)
        laid: dict[str, list[str]] = {}
        todo: list[PdfTask] = []
        for task in (out.task for out in ctx.plan.of(self.name)):
            verdict = _load_verdict(settings.cache_dir, task.fingerprint)
            if ctx.fresh(task.rel, task.fingerprint):
                ctx.check.findings.extend(verdict[1] if verdict else [])
                if task.kind == "upload":
                    note_fitted(ctx, ctx.portfolio.student(task.student).item(task.item or ""),
                                task.rel)
            elif verdict is not None and not verdict[0]:
                ctx.check.findings.extend(verdict[1])  # known not to fit: nothing to redo
            else:
                todo.append(task)
        if not todo:
            self._settle(ctx, laid)
            return
        # The upload 文件 first: a department's copy lays them in, and their findings
        # (a 文件 that cannot be made to fit) are errors the portfolios are marked with.
        # Then the whole portfolios, the longest tasks, so both cores stay busy to the end.
        if NAME not in ctx.warm:   # a helper loaded it for its workers
            settings.theme.preload()
        uploads = [t for t in todo if t.kind == "upload"]
        portfolios = sorted((t for t in todo if t.kind == "portfolio"),
                            key=lambda t: t.department is not None)
        for batch in (uploads, portfolios):
            if not batch:
                continue
            results = ctx.run("PDF", run_task, batch, renderer=self.name)
            for task, result in zip(batch, results, strict=True):
                if isinstance(result, TaskFailed):
                    continue  # ctx.run reported it as a Failure
                ctx.check.findings.extend(result.findings)
                if result.laid:
                    laid[task.rel] = result.laid
                if result.written:
                    ctx.record(task.rel, task.fingerprint, self.name)
        self._settle(ctx, laid)

    @staticmethod
    def _settle(ctx: BuildContext, laid: dict[str, list[str]]) -> None:
        # Which item fragments this build laid out (not found in the cache), by output:
        # what a test reads to know one changed item cost one layout.
        record = {"fragments": sorted({k for keys in laid.values() for k in keys}),
                  "outputs": laid}
        write_bytes(laid_record(ctx.cache_dir),
                    json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
        prune_fragments(settings_for(ctx).cache_dir, [o.task for o in ctx.plan.of(NAME)])
        # A PDF 文件 over the limit now has its shrunk copy: said as `check` says it.
        ctx.check.findings = fitted_findings(ctx.portfolio, ctx.check.findings, ctx.output)


def prune_fragments(cache_dir: Path, tasks: list[PdfTask]) -> None:
    """Drop the cached parts no PDF of this build is made from (an edited item's old
    fragment), so the cache does not grow with every edit. Each portfolio's verdict
    names its parts; one that does not (made before they were named) keeps them all."""
    keep: set[str] = set()
    for task in tasks:
        if task.kind != "portfolio":
            continue
        try:
            data = json.loads(read_record(_verdict_path(cache_dir, task.fingerprint)))
            keep.update(str(k) for k in data["uses"])
        except (OSError, ValueError, KeyError, TypeError):
            return
    folder = cache_dir / "fragments"
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.stem not in keep:
            remove(path)


def laid_record(cache_dir: Path) -> Path:
    """The JSON saying which item fragments the last build laid out."""
    return cache_dir / NAME / "fragments-laid.json"


def note_fitted(ctx: BuildContext, item: Item | None, rel: str) -> None:
    """When the item's PDF 文件 is over the limit, remember that the upload copy at `rel`
    was made from it: `check` then names the copy instead of refusing the original
    (generator/render/upload/provenance.py)."""
    info = item.files.get(item.document or "") if item is not None else None
    target = paths.output_path(ctx.output, rel)
    if info is None or info.size <= ctx.portfolio.rules.files.document_max_bytes \
            or not target.is_file():
        return
    note_source(target, info.sha256, store_in(default_cache_dir(ctx.output)))


def upload_files(output: Path, student: Student,
                 department: Department) -> dict[str, Path | None]:
    """Each selected item's upload 文件 as the build made it (None: not made)."""
    return {item_id: made_copies(output, student.slug, student.items, item_id).get("document")
            for item_id in [*department.courses, *department.performances]}


def _department(student: Student, code: str | None) -> Department | None:
    if code is None:
        return None
    return next(d for d in student.departments if d.code == code)


def _verdict_path(cache_dir: Path, fingerprint: str) -> Path:
    return cache_dir / "verdicts" / f"{fingerprint[:40]}.json"


def _save_verdict(cache_dir: Path, fingerprint: str, written: bool,
                  findings: list[Finding], uses: list[str] | None = None) -> None:
    data: dict[str, Any] = {"written": written,
            "findings": [{"code": f.code, "severity": f.severity, "student": f.student,
                          "item": f.item, "file": f.file, "params": f.params}
                         for f in findings]}
    if uses is not None:
        data["uses"] = sorted(set(uses))
    write_bytes(_verdict_path(cache_dir, fingerprint),
                json.dumps(data, ensure_ascii=False, default=str).encode())


def _load_verdict(cache_dir: Path, fingerprint: str) -> tuple[bool, list[Finding]] | None:
    try:
        data: dict[str, Any] = json.loads(read_record(_verdict_path(cache_dir, fingerprint)))
        found = [Finding(f["code"], f["severity"], f["student"], f["item"], f["file"],
                         f["params"]) for f in data["findings"]]
        return bool(data["written"]), found
    except (OSError, ValueError, KeyError, TypeError):
        return None
