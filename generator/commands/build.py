"""`portfolio build`: the browsable site (and whatever other renderers add), incrementally."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from rich.console import Console

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
from generator.commands.printing import fail_unreadable, print_findings, print_traces
from generator.commands.said_help import SaidCommand
from generator.engine.progress import Reporter
from generator.engine.steps import Step
from generator.i18n import listed, text
from generator.pipeline.building import build as run_build
from generator.pipeline.building import default_renderers, renderer_names


def chosen_renderers(skip: tuple[str, ...]) -> list[Step]:
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
    err = Console(stderr=True, highlight=False)
    renderers = [_counselor(reviews, no_reviews) if r.name == "counselor" else r
                 for r in chosen_renderers(skip)]
    try:
        result = run_build(content, output, lang=lang, today=today, offline=offline, jobs=jobs,
                           renderers=renderers, scheduler=scheduler,
                           reporter=Reporter(err, live=None if not quiet else False))
    except Exception as exc:
        fail_unreadable(exc, content, lang)
    if not quiet:
        print_findings(result.check)
    lang = result.check.lang
    for failure in result.failures:
        said = text("build-failed", lang, what=failure.what, error=failure.error)
        err.print(f"[bold red]✖[/] {said} [dim]({failure.renderer})[/]", markup=True)
    for note in result.notes:
        err.print(f"[yellow]▲[/] {note}", markup=True)
    if not quiet:
        err.print(text("build-done", lang, written=len(result.rendered), kept=len(result.kept),
                       seconds=f"{result.seconds:.1f}", output=str(output)))
    print_traces(result.failures, err)
    sys.exit(result.exit_code(strict))
