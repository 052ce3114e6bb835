"""The findings as the terminal shows them, grouped by student and item, in colour on a
terminal, from plain data: what `check` and `build` print, and what a build with nothing
to do says again from the last build's record (engine/build_stamp.py) without loading
the content."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from generator.findings import Finding, counts, grouped, sort_key
from generator.i18n import text

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_MARK = {"error": "✖", "warning": "▲", "info": "ℹ"}


def shown(lang: str, names: dict[str, str], findings: list[Finding], students: int,
          items: int) -> dict[str, Any]:
    """What `show` prints, as JSON-able data: the findings said in `lang` (in the order
    they are shown), the students' names by key, how many students and items."""
    found = sorted((f.localized(lang) for f in findings), key=sort_key)
    return {"lang": lang, "names": names, "findings": [f.to_json() for f in found],
            "students": students, "items": items}


def found_in(said: dict[str, Any]) -> list[Finding]:
    """The findings of `shown`'s data, as said (their messages, no parameters)."""
    return [Finding(f["code"], f["severity"], f.get("student"), f.get("item"), f.get("file"),
                    {}, f.get("message", "")) for f in said["findings"]]


def show(said: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console(highlight=False, soft_wrap=True)
    lang, names = said["lang"], said["names"]
    # Stored in the order shown: sorting again, without parameters, keeps it (stable).
    found = found_in(said)
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
    style = "bold red" if c["error"] else ("yellow" if c["warning"] else "bold green")
    console.print(Text(text("summary-line", lang, students=said["students"],
                            items=said["items"], **c), style=style))
