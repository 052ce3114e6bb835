"""`build()`: check the content, run every renderer, write report.json, remember the state.

The output folder is claimed first (generator.support.ownership): refused when it overlaps the
content or is someone else's folder, locked against a second command, and from then
on the only place anything is written, caches included.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from pathlib import Path

from generator.checks.content_check import CheckedContent, check_content
from generator.content.loader import require_root
from generator.engine.build_context import BuildContext, Failure
from generator.engine.cluster import Cluster, connect
from generator.engine.output_record import BuildState
from generator.engine.progress import Reporter
from generator.engine.steps import Step
from generator.engine.themes import Theme
from generator.engine.warm_workers import WarmWorkers
from generator.engine.workers import default_jobs
from generator.i18n import text
from generator.pipeline import early_loads
from generator.render.upload.upload_copies import fitted_findings
from generator.support.atomic import OutputWriteError, as_write_error, is_fatal, write_text
from generator.support.ownership import OutputFolder, derived_dir, holding

# The steps of a build, in the order they run: a name (for `--skip`) and where the step
# is, "module:attribute" (a Step instance or a class made with no arguments). To add
# a step, add a line. Modules are imported only when their step runs, so a step's heavy
# dependencies (WeasyPrint…) cost nothing to `portfolio check` or to a build that skips it.
STEPS: tuple[tuple[str, str], ...] = (
    # web copies of what items show: responsive pictures, posters, PDF thumbnails
    ("media", "generator.render.web_media.web_media_step:MediaStep"),
    # upload-ready 影音 and image 文件
    ("upload", "generator.render.upload.upload_step:UploadStep"),
    # the HTML pages and the theme's files
    ("site", "generator.render.site.site_step:SiteStep"),
    # each department's application kit: 學習歷程自述, 綜整心得, 其他 PDFs, 勾選清單 (before
    # the PDFs: a kit file over its limit is an error the department's PDF is marked with)
    ("kit", "generator.render.kit.kit_step:KitStep"),
    # portfolio and department PDFs, upload-ready PDF 文件
    ("pdf", "generator.render.pdf.pdf_step:PdfStep"),
    # the upload list
    ("uploads", "generator.render.site.upload_list_step:UploadListStep"),
    # the department comparison and the 收訖明細 checklists
    ("compare", "generator.render.site.compare_step:CompareStep"),
    # the counselor's dashboard, CSVs and comment pages
    ("counselor", "generator.counselor.counselor_step:CounselorStep"),
)


def load_step(spec: str) -> Step:
    module, _, attr = spec.partition(":")
    obj = getattr(import_module(module), attr)
    step = obj() if isinstance(obj, type) else obj
    if not isinstance(step, Step):
        raise TypeError(f"{spec} is not a build step (needs .name and .run(ctx))")
    return step


def default_renderers(skip: frozenset[str] | set[str] = frozenset()) -> list[Step]:
    """Every step of STEPS in order, but those named in `skip`."""
    return [load_step(spec) for name, spec in STEPS if name not in skip]


def renderer_names() -> list[str]:
    return [name for name, _spec in STEPS]


@dataclass
class BuildResult:
    check: CheckedContent
    output: Path
    rendered: list[str]       # output files written by this build
    kept: list[str]           # output files that were already up to date
    removed: list[str]        # outputs of the last build no longer produced
    failures: list[Failure]
    seconds: float
    notes: list[str]          # things the user should know that are not about content

    def exit_code(self, strict: bool = False) -> int:
        # Output that could not be made is as much a problem as an error in the content.
        return max(self.check.exit_code(strict), 1 if self.failures else 0)


def cache_dir_for(output: Path) -> Path:
    """Derived files (thumbnails, copies, print pictures) live in the output's own
    `.portfolio/cache`: the content root is only ever read."""
    return derived_dir(output)


def make_context(check: CheckedContent, output: Path, *, jobs: int | None = None,
                 offline: bool = False, reporter: Reporter | None = None,
                 folder: OutputFolder | None = None) -> BuildContext:
    portfolio = check.portfolio
    return BuildContext(
        check=check, output=output, lang=check.lang, jobs=jobs or default_jobs(),
        cache_dir=cache_dir_for(output), state=BuildState(output, folder),
        theme=Theme.resolve(portfolio.root, portfolio.settings.theme), offline=offline,
        reporter=reporter or Reporter(live=False))


def build(content: Path, output: Path, *, lang: str | None = None, today: date | None = None,
          offline: bool = False, jobs: int | None = None,
          renderers: Sequence[Step] | None = None,
          reporter: Reporter | None = None, scheduler: str | None = None,
          warm: dict[str, WarmWorkers] | None = None) -> BuildResult:
    """Build everything under `output` that is out of date. Raises ContentError (exit 2)
    when `content` cannot be worked on at all, OutputRefused or OutputWriteError (exit 2)
    when `output` may not or cannot be written, ClusterError (exit 2) when `scheduler`
    cannot run it; bad content only gives findings.

    `scheduler`: a Dask scheduler's address, or `local:N` for a LocalCluster of N
    worker processes, to run the per-student tasks on (engine/cluster.py). `warm`: the
    steps' helpers the caller started (pipeline/early_loads.py); None: started here."""
    started = time.perf_counter()
    require_root(content)  # before the output is claimed: nothing made for nothing
    chosen = list(renderers) if renderers is not None else default_renderers()
    with holding(output, content), \
            early_loads.started(warm, [s.name for s in chosen], content, output, jobs,
                                scheduler) as helpers:
        check = check_content(content, today=today, lang=lang, offline=offline, output=output)
        return build_checked(check, output, jobs=jobs, offline=offline, renderers=chosen,
                             reporter=reporter, started=started, scheduler=scheduler,
                             warm=helpers)


def build_checked(check: CheckedContent, output: Path, *, jobs: int | None = None,
                  offline: bool = False, renderers: Sequence[Step] | None = None,
                  reporter: Reporter | None = None,
                  started: float | None = None, scheduler: str | None = None,
                  warm: dict[str, WarmWorkers] | None = None) -> BuildResult:
    """The build of already checked content (serve re-uses this after each reload)."""
    started = time.perf_counter() if started is None else started
    with holding(output, check.portfolio.root) as folder, connect(scheduler) as cluster:
        return _build(check, output, folder, jobs=jobs, offline=offline, renderers=renderers,
                      reporter=reporter, started=started, cluster=cluster, warm=warm or {})


def _build(check: CheckedContent, output: Path, folder: OutputFolder, *, jobs: int | None,
           offline: bool, renderers: Sequence[Step] | None, reporter: Reporter | None,
           started: float, cluster: Cluster | None = None,
           warm: dict[str, WarmWorkers]) -> BuildResult:
    # Upload copies an earlier `fit` or build made stand in for originals over their limit
    # (the upload and PDF steps say so again of the copies they make).
    check.findings[:] = fitted_findings(check.portfolio, check.findings, output)
    ctx = make_context(check, output, jobs=jobs, offline=offline, reporter=reporter,
                       folder=folder)
    ctx.cluster = cluster
    ctx.warm = warm
    chosen = list(renderers) if renderers is not None else default_renderers()
    completed: set[str] = set()
    # Phase 1: every step says what it will make, before anything is made.
    running = ctx.running = frozenset(step.name for step in chosen)
    ctx.plan.keep(rel for rel, entry in ctx.state.previous.items()
                  if entry.get("by", "") not in running and (output / rel).exists())
    # Last to first: a step links only to the outputs of steps after it (engine.steps).
    unplanned: set[str] = set()
    for step in reversed(chosen):
        try:
            ctx.plan.add(step.name, step.plan(ctx))
        except Exception as exc:  # a step that cannot plan makes nothing this time
            unplanned.add(step.name)
            ctx.failures.append(Failure(step.name, "*", f"{type(exc).__name__}: {exc}"))
    planned = [step for step in chosen if step.name not in unplanned]
    # A step with nothing to make needs no helper.
    early_loads.stop_idle(warm, {name for name in warm if name in unplanned or all(
        ctx.state.unchanged(o.rel, o.fingerprint) for o in ctx.plan.of(name))})
    # Phase 2: each step makes what is not fresh.
    with ctx.reporter.running():
        for step in planned:
            t0 = time.perf_counter()
            try:
                step.run(ctx)
                completed.add(step.name)
            except Exception as exc:  # a broken step must not cost the others' output
                if isinstance(exc, OutputWriteError):  # the output takes nothing more
                    raise
                if isinstance(exc, OSError) and is_fatal(exc):
                    raise as_write_error(exc, None if exc.filename else output) from exc
                ctx.failures.append(Failure(step.name, "*", f"{type(exc).__name__}: {exc}",
                                            trace=traceback.format_exc()))
            ctx.timings[step.name] = round(time.perf_counter() - t0, 3)
    ctx.state.carry({e.get("by", "") for e in ctx.state.previous.values()} - completed)
    _write_report(ctx)
    removed = ctx.state.remove_stale()
    # Department zips are export's, outside the build's record; their departments are not.
    from generator.export.bundle import remove_stale_bundles

    removed += remove_stale_bundles(ctx.output, ctx.students())
    _report_refusals(ctx, folder)
    seconds = round(time.perf_counter() - started, 3)
    ctx.state.save({
        "rendered": ctx.state.rendered, "kept": len(ctx.state.kept), "removed": removed,
        "failures": [f.record() for f in ctx.failures], "timings": ctx.timings,
        "seconds": seconds, "jobs": ctx.jobs, "lang": ctx.lang, "theme": ctx.theme.name,
        "scheduler": cluster.address if cluster is not None else None,
    })
    notes = [text("build-theme-missing", ctx.lang, theme=ctx.theme.name)] if ctx.theme.missing \
        else []
    return BuildResult(check, output, list(ctx.state.rendered), list(ctx.state.kept), removed,
                       ctx.failures, seconds, notes)


def _write_report(ctx: BuildContext) -> None:
    data = json.dumps(ctx.check.document(), ensure_ascii=False, indent=2) + "\n"
    write_text(ctx.output / "report.json", data)


def _report_refusals(ctx: BuildContext, folder: OutputFolder) -> None:
    """Each output left undone because a file the tool did not write was in its place."""
    refused = folder.refusals()
    for rel in refused:
        ctx.failures.append(Failure("output", rel, text("output-not-overwritten", ctx.lang,
                                                        path=rel), code="output-not-ours"))
    ctx.state.forget(set(refused))
