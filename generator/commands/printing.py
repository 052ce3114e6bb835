"""What a command prints: findings for people, grouped by student and item, in colour
on a terminal; and the one-line reason for exit 2 when the input cannot be worked on."""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.text import Text

from generator.checks.content_check import CheckedContent, load_students
from generator.commands.options import debugging
from generator.content.loader import settings_language
from generator.engine.build_context import Failure
from generator.findings import counts, grouped
from generator.i18n import DEFAULT_LANG, SaidError, text
from generator.model import Portfolio
from generator.support.atomic import OutputWriteError
from generator.support.ownership import OutputRefused

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_MARK = {"error": "✖", "warning": "▲", "info": "ℹ"}


def print_findings(result: CheckedContent, console: Console | None = None) -> None:
    console = console or Console(highlight=False, soft_wrap=True)
    lang = result.lang
    names = {s.key: s.name for s in result.portfolio.students}
    found = [f.localized(lang) for f in result.findings]
    for student, groups in grouped(found):
        label = f"{names.get(student, '')} {student}".strip() if student else text(
            "whole-root", lang)
        console.print(Text(label, style="bold underline"))
        for item, in_item in groups:
            heading = item or text("student-files", lang)
            console.print(Text(f"  {heading}", style="bold"))
            for f in in_item:
                line = Text("    ")
                mark = f"{_MARK[f.severity]} {text(f.severity, lang)}"
                line.append(mark, style=_STYLE[f.severity])
                line.append(f" [{f.code}]", style="dim")
                if f.file:
                    line.append(f" {f.file}", style="magenta")
                line.append(f"  {f.message}")
                console.print(line)
    c = counts(found)
    students = len(result.portfolio.students)
    items = sum(len(s.items) for s in result.portfolio.students)
    style = "bold red" if c["error"] else ("yellow" if c["warning"] else "bold green")
    console.print(Text(text("summary-line", lang, students=students, items=items, **c),
                       style=style))


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
