"""Findings for people: grouped by student and item, in colour on a terminal."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from generator.findings import counts, sort_key
from generator.i18n import text

if TYPE_CHECKING:
    from generator.pipeline import CheckResult

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_MARK = {"error": "✖", "warning": "▲", "info": "ℹ"}


def print_findings(result: CheckResult, console: Console | None = None) -> None:
    console = console or Console(highlight=False, soft_wrap=True)
    lang = result.lang
    names = {s.key: s.name for s in result.portfolio.students}
    found = sorted((f.localized(lang) for f in result.findings), key=sort_key)
    for student, group in groupby(found, key=lambda f: f.student):
        label = f"{names.get(student, '')} {student}".strip() if student else text(
            "whole-root", lang)
        console.print(Text(label, style="bold underline"))
        for item, in_item in groupby(group, key=lambda f: f.item):
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
