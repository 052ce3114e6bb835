"""`portfolio links`: every external link, whether it works, and its history.

Always asks the network afresh (that is what the command is for); `check` and
`build` are the ones that answer from the cache. The history is kept in the output
folder (`OUTPUT/.portfolio/links.json`, claimed like a build's: see
generator.support.ownership), never in the content. `--offline` reports from that history
alone and writes nothing. Every address is shown as `redact` gives it, without any
user name or password.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from generator.checks.content_check import CheckedContent
from generator.commands.options import CONTENT_ARG, Choice, Folder, common_options
from generator.commands.printing import fail_unreadable, load_or_exit, print_findings
from generator.commands.said_help import SaidCommand
from generator.content.loader import ContentError, require_root
from generator.findings import Finding, counts, document
from generator.i18n import text
from generator.links.archive import wayback_url
from generator.links.history import day
from generator.links.service import LinkReport, portfolio_links, run, settings_for
from generator.model import Portfolio
from generator.support.atomic import OutputWriteError
from generator.support.ownership import OutputRefused, check_place, holding, is_ours
from generator.support.url_credentials import redact

# Worst first: a link's state in the table is the worst finding it has.
_STATES = (("link-credentials", "credentials", "bold red"),
           ("link-broken", "broken", "bold red"), ("link-at-risk", "at-risk", "yellow"),
           ("link-redirected", "redirected", "yellow"), ("link-unchecked", "unchecked", "cyan"))


@click.command(name="links", cls=SaidCommand)
@CONTENT_ARG
@common_options
@click.option("--offline", is_flag=True, help="help-links-offline")
@click.option("--archive", is_flag=True,
              help="help-links-archive")
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text",
              help="help-links-format")
@click.option("--strict", is_flag=True, help="help-opt-strict")
@click.option("-o", "--output", type=Folder("output-not-folder"),
              default="output", show_default=True,
              help="help-links-output")
def links(content: Path, lang: str | None, today: dt.date | None, offline: bool, archive: bool,
          fmt: str, strict: bool, output: Path) -> None:
    """Check every external link in CONTENT (default ./content) and show its history."""
    try:
        require_root(content)  # before the output is claimed: nothing made for nothing
        if offline:
            check_place(output, content)
            code = _links(content, None if not is_ours(output) else output, lang, today,
                          True, archive, fmt, strict)
        else:
            with holding(output, content):
                code = _links(content, output, lang, today, False, archive, fmt, strict)
    except (ContentError, OutputRefused, OutputWriteError) as exc:
        fail_unreadable(exc, content, lang)
    sys.exit(code)


def _links(content: Path, output: Path | None, lang: str | None, today: dt.date | None,
           offline: bool, archive: bool, fmt: str, strict: bool) -> int:
    portfolio = load_or_exit(content, today, output)
    lang = lang or portfolio.settings.language
    refs = portfolio_links(portfolio)
    err = Console(stderr=True, highlight=False)
    if refs and not offline and fmt == "text" and err.is_terminal:
        with err.status(text("links.checking", lang, count=len({u for *_, u in refs}))):
            report = _run(portfolio, output, refs, offline, archive)
    else:
        report = _run(portfolio, output, refs, offline, archive)
    found = _rule_findings(portfolio) + report.findings
    if fmt == "json":
        sys.stdout.write(json.dumps(links_document(portfolio, report, found, lang),
                                    ensure_ascii=False, indent=2) + "\n")
    else:
        console = Console(highlight=False, soft_wrap=False)
        print_table(report, found, lang, console)
        print_findings(CheckedContent(portfolio, found, lang), Console(highlight=False,
                                                                     soft_wrap=True))
    c = counts(found)
    return 1 if c["error"] or (strict and c["warning"]) else 0


def _run(portfolio: Portfolio, output: Path | None, refs: list[Any], offline: bool,
         archive: bool) -> LinkReport:
    return run(refs, output, settings_for(portfolio), offline=offline, archive=archive,
               max_age=timedelta(0))


def _rule_findings(portfolio: Portfolio) -> list[Finding]:
    """What the URLs say offline (not allowed here, shortener, …), from the core's link rule."""
    from generator.checks import links as link_rule

    return list(link_rule.check(portfolio))


def link_state(url: str, item: str | None, found: list[Finding]) -> str:
    shown = redact(url)  # as findings name it
    codes = {f.code for f in found if f.item == item and f.params.get("url") == shown}
    return next((state for code, state, _ in _STATES if code in codes), "ok")


def print_table(report: LinkReport, found: list[Finding], lang: str, console: Console) -> None:
    if not report.refs:
        console.print(text("links.none", lang))
        return
    table = Table(title=text("links.title", lang), show_lines=True, expand=True)
    # one wide column for the link itself: URLs are long and a terminal is 80 columns
    table.add_column(text("links.col.url", lang), overflow="fold", min_width=24, ratio=1)
    for key in ("status", "first-seen", "last-success", "failures"):
        table.add_column(text(f"links.col.{key}", lang), no_wrap=True)
    styles = {state: style for _, state, style in _STATES} | {"ok": "green"}
    for student, item, url in report.refs:
        record = report.records.get(url)
        state = link_state(url, item, found)
        status = Text(text(f"links.status.{state}", lang), style=styles[state])
        if record is not None and record.status:
            status.append(f" {record.status}", style="dim")
        where = Text(f"{student or ''} · {item or ''}\n", style="dim")
        where.append(redact(url) + "\n", style="")
        copy = record.archive_url if record and record.archive_url else wayback_url(redact(url))
        where.append(f"{text('links.col.archive', lang)}: {copy}", style="dim")
        table.add_row(
            where, status,
            day(record.first_seen) if record else "—",
            (day(record.last_success) if record else None) or "—",
            str(record.consecutive_failures) if record else "—")
    console.print(table)
    broken = len({u for s, i, u in report.refs if link_state(u, i, found) == "broken"})
    risky = len({u for s, i, u in report.refs if link_state(u, i, found) == "at-risk"})
    console.print(text("links.summary", lang, total=len(report.urls), broken=broken,
                       risky=risky))
    if report.network_down:
        console.print(Text(text("links.network-down", lang), style="yellow"))


def links_document(portfolio: Portfolio, report: LinkReport, found: list[Finding],
                   lang: str) -> dict[str, Any]:
    """The findings document, with each link's state and history beside it."""
    doc = document(found, [s.key for s in portfolio.students], portfolio.today, lang)
    rows = []
    for student, item, url in report.refs:
        record = report.records.get(url)
        shown = redact(url)
        rows.append({
            "student": student, "item": item, "url": shown,
            "state": link_state(url, item, found),
            "codes": sorted({f.code for f in found
                             if f.item == item and f.params.get("url") == shown}),
            "wayback": wayback_url(shown),
            "history": None if record is None else {
                k: v for k, v in record.__dict__.items() if k not in ("url", "last")},
        })
    doc["links"] = rows
    doc["offline"] = report.offline
    doc["network_down"] = report.network_down
    return doc
