"""`portfolio export`: one bundle per department (reviewer-view site, PDF, upload files, zip).

Exit codes: 0 every requested bundle written; 1 a selection breaks a department rule
(no bundle for it without --force) or its output could not be made; 2 bad usage, an
unknown department code, or content that cannot be read.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from rich.console import Console

from generator.checks.content_check import CheckedContent
from generator.commands.options import (
    CONTENT_ARG,
    JOBS_OPTION,
    SCHEDULER_OPTION,
    Folder,
    SaidUsage,
    common_options,
)
from generator.commands.printing import fail_unreadable
from generator.commands.said_help import SaidCommand
from generator.content.loader import settings_language
from generator.i18n import text


@click.command("export", cls=SaidCommand)
@CONTENT_ARG
@click.option("-o", "--output", type=Folder("output-not-folder"),
              default="output", show_default=True, help="help-export-output")
@common_options
@click.option("--department", "-d", "codes", multiple=True, metavar="CODE",
              help="help-export-department")
@click.option("--all", "everything", is_flag=True, help="help-export-all")
@click.option("--force", is_flag=True,
              help="help-export-force")
@click.option("--offline", is_flag=True, help="help-opt-offline")
@JOBS_OPTION
@SCHEDULER_OPTION
def export(content: Path, output: Path, lang: str | None, today: dt.date | None,
           codes: tuple[str, ...], everything: bool, force: bool, offline: bool,
           jobs: int | None, scheduler: str | None) -> None:
    """Export department bundles of CONTENT: OUTPUT/<student>/departments/<code>.zip."""
    from generator.commands.printing import print_findings, print_traces
    from generator.engine.progress import Reporter
    from generator.pipeline.exporting import ExportError, export_departments

    err = Console(stderr=True, highlight=False)
    if not codes and not everything:
        raise SaidUsage("usage-export-what")
    try:
        outcome = export_departments(content, output, codes=list(codes), everything=everything,
                                     force=force, lang=lang, today=today, offline=offline,
                                     jobs=jobs, reporter=Reporter(err, live=False),
                                     scheduler=scheduler)
    except ExportError as exc:
        click.echo(f"portfolio: {exc.message(lang or settings_language(content))}", err=True)
        sys.exit(2)
    except Exception as exc:
        fail_unreadable(exc, content, lang)
    lang = outcome.lang
    for failure in outcome.failures:
        said = text("build-failed", lang, what=failure.what, error=failure.error)
        err.print(f"[bold red]✖[/] {said}", markup=True)
    if outcome.refused:
        print_findings(CheckedContent(outcome.check.portfolio, outcome.refused, lang), err)
    for blocked in outcome.blocked:
        err.print(f"[bold red]✖[/] {text('export-blocked', lang, **blocked.describe())}",
                  markup=True)
        print_findings(blocked.as_check(outcome.check), err)
    for bundle in outcome.bundles:
        said = "export-forced" if bundle.forced else "export-written"
        err.print(text(said, lang, path=str(bundle.path), files=len(bundle.entries),
                       minutes=bundle.manifest["review"]["minutes"]))
    print_traces(outcome.failures, err)
    sys.exit(outcome.exit_code)
