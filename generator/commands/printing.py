"""What a command prints: findings for people, grouped by student and item, in colour
on a terminal; and the one-line reason for exit 2 when the input cannot be worked on."""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console

from generator.checks.content_check import CheckedContent, load_students
from generator.commands.findings_shown import show, shown
from generator.commands.options import debugging
from generator.content.loader import settings_language
from generator.engine.build_context import Failure
from generator.i18n import DEFAULT_LANG, SaidError, text
from generator.model import Portfolio
from generator.support.atomic import OutputWriteError
from generator.support.ownership import OutputRefused


def print_findings(result: CheckedContent, console: Console | None = None) -> None:
    show(said_of(result), console)


def said_of(result: CheckedContent) -> dict[str, Any]:
    """What `print_findings` prints of `result`, as data (commands/findings_shown.py)."""
    students = result.portfolio.students
    return shown(result.lang, {s.key: s.name for s in students}, result.findings,
                 len(students), sum(len(s.items) for s in students))


def print_traces(failures: Sequence[Failure], err: Console) -> None:
    """With --debug, the traceback of each piece of output that failed (after the summary)."""
    if not debugging():
        return
    for failure in failures:
        if failure.trace:
            err.print(f"--- {failure.renderer}: {failure.what}", style="bold red", markup=False)
            err.print(failure.trace.rstrip(), markup=False, highlight=False, soft_wrap=True)


def load_or_exit(root: Path, today: dt.date | None = None,
                 output: Path | None = None) -> Portfolio:
    """The loaded content for a command, or exit 2 when it cannot be worked on at all."""
    try:
        return load_students(root, today, output)[0]
    except Exception as exc:
        fail_unreadable(exc, root)


def fail_unreadable(exc: BaseException, root: Path, lang: str | None = None) -> NoReturn:
    """Exit 2 with a one-line reason: the input cannot be worked on at all, or the
    output folder may not or cannot be written (said so, not "cannot read")."""
    from generator.engine.cluster import ClusterError

    lang = lang or settings_language(root) or DEFAULT_LANG
    if isinstance(exc, OutputRefused | OutputWriteError | ClusterError):
        click.echo(f"portfolio: {exc.message(lang)}", err=True)
        sys.exit(2)
    if not isinstance(exc, SaidError):
        if os.environ.get("PORTFOLIO_DEBUG"):
            raise exc  # tests and debuggers want the exception itself
        if debugging():  # a bug, shown whole for its report; still exit 2
            click.echo("".join(traceback.format_exception(exc)), err=True, nl=False)
            sys.exit(2)
    if isinstance(exc, SaidError):
        click.echo(f"portfolio: {exc.message(lang)}", err=True)
    else:
        said = text("content-unreadable", lang, root=str(root),
                    error=f"{type(exc).__name__}: {exc}")
        click.echo(f"portfolio: {said}", err=True)
    sys.exit(2)
