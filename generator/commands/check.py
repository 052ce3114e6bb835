"""`portfolio check`: every problem a reviewer or the official system would find."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from click.core import ParameterSource

from generator.checks.content_check import check_content
from generator.commands.options import CONTENT_ARG, Choice, Folder, common_options
from generator.commands.printing import fail_unreadable, print_findings
from generator.commands.said_help import SaidCommand
from generator.render.upload.upload_copies import fitted_findings
from generator.support.ownership import OutputRefused, overlaps, usable_cache


@click.command(cls=SaidCommand)
@CONTENT_ARG
@common_options
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text",
              help="help-check-format")
@click.option("--offline", is_flag=True, help="help-opt-offline")
@click.option("--strict", is_flag=True, help="help-opt-strict")
@click.option("-o", "--output", type=Folder("output-not-folder"),
              default="output", show_default=True,
              help="help-check-output")
def check(content: Path, lang: str | None, today: dt.date | None, fmt: str, offline: bool,
          strict: bool, output: Path) -> None:
    """Check CONTENT (default ./content) against the official rules."""
    try:
        # An -o given inside the content is a mistake to say (exit 2, as every command
        # says it); the default one there is only never used.
        source = click.get_current_context().get_parameter_source("output")
        if source is not ParameterSource.DEFAULT and overlaps(output, content):
            raise OutputRefused("output-overlaps-content", output=str(output),
                                content=str(content))
        # Never fails, and never makes a folder, for the sake of a cache.
        earlier = usable_cache(output, content)
        result = check_content(content, today=today, lang=lang, offline=offline,
                               output=earlier)
        if earlier is not None:
            # An upload copy `fit` or `build` made there stands in for an original over
            # its limit: the error becomes a note naming the copy (file-fitted).
            result.findings = fitted_findings(result.portfolio, result.findings, earlier)
    except Exception as exc:
        fail_unreadable(exc, content, lang)
    if fmt == "json":
        sys.stdout.write(json.dumps(result.document(), ensure_ascii=False, indent=2) + "\n")
    else:
        print_findings(result)
    sys.exit(result.exit_code(strict))
