"""Rules that run over the loaded model and yield findings.

Each module holds the checks of one part of the rules; `ALL` is the order they run in.
A check is a function `(portfolio) -> Iterable[Finding]` and never raises on content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from generator.checks import (
    attachments,
    counselor,
    dates,
    departments,
    images,
    limits,
    links,
    personal,
    summary,
)
from generator.findings import Finding
from generator.model import Portfolio

Check = Callable[[Portfolio], Iterable[Finding]]

ALL: tuple[Check, ...] = (
    summary.check,
    attachments.check,
    dates.check,
    limits.check,
    departments.check,
    images.check,
    links.check,
    personal.check,
    counselor.check,
)


def run_checks(portfolio: Portfolio) -> list[Finding]:
    out: list[Finding] = []
    for check in ALL:
        out.extend(check(portfolio))
    return out
