"""Checked content, what every command starts from: the content loaded into the model,
every rule run over it (ALL, in order), the findings gathered.

The content root is only ever read. What is remembered between runs (what each file
is, what each link said) is kept in an output folder's `.portfolio/` when a command
names one (`output`), and nowhere otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator import findings as F
from generator.checks import (
    attachments,
    counselor_files,
    dates,
    deadlines,
    departments,
    images,
    limits,
    links,
    personal,
    receipts,
    samples,
    summary,
    transcript,
)
from generator.content.loader import load_portfolio, no_students
from generator.findings import Finding
from generator.model import Portfolio
from generator.support.ownership import cache_dir

Check = Callable[[Portfolio], Iterable[Finding]]

# Each module holds the checks of one part of the rules; this is the order they run in.
# A check is a function `(portfolio) -> Iterable[Finding]` and never raises on content.
ALL: tuple[Check, ...] = (
    summary.check,
    samples.check,
    attachments.check,
    dates.check,
    limits.check,
    transcript.check,
    deadlines.check,
    departments.check,
    receipts.check,
    images.check,
    links.check,
    personal.check,
    counselor_files.check,
)


def run_checks(portfolio: Portfolio) -> list[Finding]:
    out: list[Finding] = []
    for check in ALL:
        out.extend(check(portfolio))
    return out


@dataclass
class CheckedContent:
    """The loaded content, every finding about it, and the language to tell them in."""

    portfolio: Portfolio
    findings: list[Finding]
    lang: str

    def document(self) -> dict:
        return F.document(self.findings, [s.key for s in self.portfolio.students],
                          self.portfolio.today, self.lang)

    def exit_code(self, strict: bool = False) -> int:
        return F.exit_code(self.findings, strict)


def load_students(root: Path, today: dt.date | None = None,
                  output: Path | None = None) -> tuple[Portfolio, list[Finding]]:
    """Load `root`; raises ContentError when it holds no student at all."""
    portfolio, found = load_portfolio(root, today=today,
                                      cache_dir=cache_dir(output) if output else None)
    if not portfolio.students:
        raise no_students(root)
    return portfolio, found


def check_content(root: Path, today: dt.date | None = None, lang: str | None = None,
                  offline: bool = False, output: Path | None = None) -> CheckedContent:
    """Load `root` and run every rule; raises ContentError when there is nothing to check.

    `output`: an output folder of this tool whose caches and link history to use."""
    portfolio, found = load_students(root, today, output)
    found += run_checks(portfolio)
    found += _link_findings(portfolio, offline, output)
    return CheckedContent(portfolio, _dedupe(found), lang or portfolio.settings.language)


def _link_findings(portfolio: Portfolio, offline: bool, output: Path | None) -> list[Finding]:
    """Networked link findings; offline, each link is said to be unchecked (never broken).
    The history of checks lives in `output`'s `.portfolio/` (none without an output)."""
    from generator.links.service import link_findings, portfolio_links, run, settings_for

    if offline:
        return link_findings(portfolio_links(portfolio), output, offline=True)
    return run(portfolio_links(portfolio), output, settings_for(portfolio)).findings


def _dedupe(found: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(found))
