"""`portfolio build`: the browsable site (and whatever other renderers add), incrementally."""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.console import Console

from generator.commands.findings_shown import found_in, show
from generator.commands.options import (
    CONTENT_ARG,
    JOBS_OPTION,
    OUTPUT_OPTION,
    SCHEDULER_OPTION,
    SKIP_OPTION,
    Folder,
    SaidBadParameter,
    common_options,
)
from generator.commands.said_help import SaidCommand
from generator.engine import build_stamp
from generator.findings import exit_code
from generator.i18n import listed, text
from generator.support.ownership import OutputFolder, holding

if TYPE_CHECKING:
    from generator.engine.steps import Step
    from generator.pipeline.building import BuildResult

# Everything the content's loading, the rules and the renderers need is imported only when
# there is something to build: a build with nothing to do reads its record
# (engine/build_stamp.py), says what the last build said, and ends.


def chosen_renderers(skip: tuple[str, ...]) -> list[Step]:
    from generator.pipeline.building import default_renderers, renderer_names

    names = renderer_names()
    unknown = sorted(set(skip) - set(names))
    if unknown:
        raise SaidBadParameter("usage-skip", names=listed(unknown), steps=listed(names))
    return default_renderers(frozenset(skip))


def _counselor(reviews: Path | None, no_reviews: bool) -> Step:
    # Imported here, when the step is not skipped: a build of the site alone need not
    # load the dashboard's modules.
    from generator.counselor.counselor_step import CounselorStep

    return CounselorStep(reviews_dir=reviews, with_reviews=not no_reviews)


@click.command(cls=SaidCommand)
@CONTENT_ARG
@OUTPUT_OPTION
@common_options
@click.option("--offline", is_flag=True, help="help-opt-offline")
@JOBS_OPTION
@SCHEDULER_OPTION
@SKIP_OPTION
@click.option("--strict", is_flag=True, help="help-opt-strict")
@click.option("--quiet", "-q", is_flag=True, help="help-build-quiet")
@click.option("--reviews", "reviews", type=Folder(exists=True), default=None,
              help="help-build-reviews")
@click.option("--no-reviews", is_flag=True,
              help="help-build-no-reviews")
def build(content: Path, output: Path, lang: str | None, today: dt.date | None, offline: bool,
          jobs: int | None, scheduler: str | None, skip: tuple[str, ...], strict: bool,
          quiet: bool, reviews: Path | None, no_reviews: bool) -> None:
    """Build CONTENT (default ./content) into OUTPUT: pages, media, report.json.

    Content with errors is still built, so it can be previewed; the exit code says
    whether it is ready (0), has errors (1), or could not be read at all (2).
    """
    started = time.perf_counter()
    err = Console(stderr=True, highlight=False)
    options = {"lang": lang, "today": today.isoformat() if today else None,
               # without --today, the day may be the clock's (support/roc_calendar.py)
               "day": None if today else dt.date.today().isoformat(),
               "offline": offline, "skip": sorted(set(skip)),
               "reviews": os.path.abspath(reviews) if reviews else None,
               "no_reviews": no_reviews}
    digest = build_stamp.inputs(content, output, options, [reviews] if reviews else [])
    try:
        def build_it() -> BuildResult:
            return _build(content, output, digest, lang=lang, today=today, offline=offline,
                          jobs=jobs, scheduler=scheduler, skip=skip, quiet=quiet,
                          reviews=reviews, no_reviews=no_reviews, err=err)

        if digest is not None and build_stamp.matches(output, digest):
            with holding(output, content) as folder:
                said = build_stamp.holds(folder, digest)
                if said is not None:
                    _unchanged(said, folder, output, started, strict, quiet, err)
                # Something to do after all: in the same claim (the output is swept once).
                result = build_it()
        else:
            result = build_it()
    except Exception as exc:
        from generator.commands.printing import fail_unreadable

        fail_unreadable(exc, content, lang)
    from generator.commands.printing import print_findings, print_traces

    if not quiet:
        print_findings(result.check)
    lang = result.check.lang
    for failure in result.failures:
        failed = text("build-failed", lang, what=failure.what, error=failure.error)
        err.print(f"[bold red]✖[/] {failed} [dim]({failure.renderer})[/]", markup=True)
    for note in result.notes:
        err.print(f"[yellow]▲[/] {note}", markup=True)
    if not quiet:
        err.print(text("build-done", lang, written=len(result.rendered), kept=len(result.kept),
                       seconds=f"{result.seconds:.1f}", output=str(output)))
    print_traces(result.failures, err)
    sys.exit(result.exit_code(strict))


def _build(content: Path, output: Path, digest: str | None, *, lang: str | None,
           today: dt.date | None, offline: bool, jobs: int | None, scheduler: str | None,
           skip: tuple[str, ...], quiet: bool, reviews: Path | None, no_reviews: bool,
           err: Console) -> BuildResult:
    """The build, and its record when it made everything it had to."""
    from generator.pipeline import early_loads

    # Before anything heavy is imported: the helpers load their steps' libraries on the
    # other core meanwhile (pipeline/early_loads.py). They write nothing until they join
    # the claim, so a refused output or a bad option costs them nothing but their load.
    early = [name for name in early_loads.EARLY if name not in skip]
    with early_loads.started(None, early, content, output, jobs, scheduler) as helpers:
        from generator.commands.printing import said_of
        from generator.content.content_root import require_root
        from generator.engine.progress import Reporter
        from generator.pipeline.building import build as run_build

        renderers = [_counselor(reviews, no_reviews) if r.name == "counselor" else r
                     for r in chosen_renderers(skip)]
        require_root(content)  # before the output is claimed: nothing made for nothing
        with holding(output, content) as folder:
            build_stamp.forget(output)
            result = run_build(content, output, lang=lang, today=today, offline=offline,
                               jobs=jobs, renderers=renderers, scheduler=scheduler,
                               reporter=Reporter(err, live=None if not quiet else False),
                               warm=helpers)
            if result.failures or digest is None:   # no record: the next build tries again
                return result
            # Online, links asked again once their answers age: until then (math.inf: never).
            until = math.inf if offline else _answered_until(result, output)
            if until is not None:   # None: a link went unchecked
                said = {"findings": said_of(result.check), "notes": result.notes,
                        "lang": result.check.lang}
                build_stamp.record(folder, digest, said, None if until == math.inf else until)
    return result


def _answered_until(result: BuildResult, output: Path) -> float | None:
    from generator.links.service import answered_until  # only online: the links' modules

    return answered_until(result.check.portfolio, output)


def _unchanged(said: dict[str, Any], folder: OutputFolder, output: Path, started: float,
               strict: bool, quiet: bool, err: Console) -> NoReturn:
    """The build with nothing to do: it says what the last one said, and ends."""
    lang = said["lang"]
    seconds = round(time.perf_counter() - started, 3)
    kept = build_stamp.note_unchanged(folder, seconds)
    if not quiet:
        show(said["findings"])
    for note in said.get("notes", []):
        err.print(f"[yellow]▲[/] {note}", markup=True)
    if not quiet:
        err.print(text("build-done", lang, written=0, kept=kept, seconds=f"{seconds:.1f}",
                       output=str(output)))
    sys.exit(exit_code(found_in(said["findings"]), strict))
