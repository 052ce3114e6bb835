"""`portfolio check`: every problem a reviewer or the official system would find."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from generator.cli import CONTENT_ARG, common_options
from generator.pipeline import check_content, fail_unreadable
from generator.report import print_findings


@click.command()
@CONTENT_ARG
@common_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="text for people, json for scripts (the findings document).")
@click.option("--offline", is_flag=True, help="Stay off the network: links are not visited.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def check(content: Path, lang: str | None, today: dt.date | None, fmt: str, offline: bool,
          strict: bool) -> None:
    """Check CONTENT (default ./content) against the official rules."""
    try:
        result = check_content(content, today=today, lang=lang, offline=offline)
    except Exception as exc:
        fail_unreadable(exc, content)
    if fmt == "json":
        sys.stdout.write(json.dumps(result.document(), ensure_ascii=False, indent=2) + "\n")
    else:
        print_findings(result)
    sys.exit(result.exit_code(strict))
