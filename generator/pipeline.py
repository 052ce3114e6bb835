"""The pipeline every command shares: load the content, run the rules, gather findings.

The content root is only ever read. What is remembered between runs (what each file
is, what each link said) is kept in an output folder's `.portfolio/` when a command
names one (`output`), and nowhere otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click

from generator import findings as F
from generator.atomic import OutputWriteError
from generator.checks import run_checks
from generator.content.loader import ContentError, load_portfolio
from generator.findings import Finding
from generator.i18n import DEFAULT_LANG
from generator.model import Portfolio
from generator.ownership import OutputRefused, cache_dir


@dataclass
class CheckResult:
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
        raise ContentError(f"{root}: no student folders (a folder with student.yaml or items/)")
    return portfolio, found


def load_or_exit(root: Path, today: dt.date | None = None,
                 output: Path | None = None) -> Portfolio:
    """The loaded content for a command, or exit 2 when it cannot be worked on at all."""
    try:
        return load_students(root, today, output)[0]
    except Exception as exc:
        fail_unreadable(exc, root)


def check_content(root: Path, today: dt.date | None = None, lang: str | None = None,
                  offline: bool = False, output: Path | None = None) -> CheckResult:
    """Load `root` and run every rule; raises ContentError when there is nothing to check.

    `output`: an output folder of this tool whose caches and link history to use."""
    portfolio, found = load_students(root, today, output)
    found += run_checks(portfolio)
    found += _link_findings(portfolio, offline, output)
    return CheckResult(portfolio, _dedupe(found), lang or portfolio.settings.language)


def _link_findings(portfolio: Portfolio, offline: bool, output: Path | None) -> list[Finding]:
    """Networked link findings; offline, each link is said to be unchecked (never broken).
    The history of checks lives in `output`'s `.portfolio/` (none without an output)."""
    from generator.links.service import link_findings, portfolio_links, run, settings_for

    if offline:
        return link_findings(portfolio_links(portfolio), output, offline=True)
    return run(portfolio_links(portfolio), output, settings_for(portfolio)).findings


def _dedupe(found: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(found))


def fail_unreadable(exc: BaseException, root: Path, lang: str | None = None) -> NoReturn:
    """Exit 2 with a one-line reason: the input cannot be worked on at all, or the
    output folder may not or cannot be written (said so, not "cannot read")."""
    if isinstance(exc, OutputRefused | OutputWriteError):
        click.echo(f"portfolio: {exc.message(lang or DEFAULT_LANG)}", err=True)
        sys.exit(2)
    if os.environ.get("PORTFOLIO_DEBUG") and not isinstance(exc, ContentError):
        raise exc  # tests and developers want the traceback of a bug
    if isinstance(exc, ContentError):
        click.echo(f"portfolio: {exc}", err=True)
    else:
        click.echo(f"portfolio: cannot read {root}: {type(exc).__name__}: {exc}", err=True)
    sys.exit(2)
