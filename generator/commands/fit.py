"""`portfolio fit`: upload-ready copies of every 文件 and 影音, within the limits.

Originals are only read; the copies go to OUTPUT/<student>/upload/<item>/, and the
work is cached in OUTPUT/.portfolio/cache/media. OUTPUT is claimed like a build's
(generator.support.ownership). `--dry-run` says what would be done and how big the result
would be, and writes no copy.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from generator.checks.content_check import CheckedContent
from generator.commands.options import CONTENT_ARG, Folder, common_options
from generator.commands.printing import fail_unreadable, load_or_exit, print_findings
from generator.commands.said_help import SaidCommand
from generator.content.loader import ContentError, require_root
from generator.findings import exit_code
from generator.i18n import text
from generator.render.upload.fit_batch import (
    is_big_pdf,
    pdf_fitter,
    plan_portfolio,
    print_plan,
    run,
)
from generator.render.upload.fitting import SizeLimits
from generator.render.upload.upload_copies import default_cache_dir
from generator.support.atomic import OutputWriteError
from generator.support.ownership import (
    OutputFolder,
    OutputRefused,
    check_place,
    holding,
    usable_cache,
)


@click.command(name="fit", cls=SaidCommand)
@CONTENT_ARG
@click.option("-o", "--output", type=Folder("output-not-folder"),
              default="output", show_default=True, help="help-fit-output")
@click.option("--dry-run", is_flag=True, help="help-fit-dry-run")
@common_options
def fit_command(content: Path, output: Path, dry_run: bool, lang: str | None,
                today: dt.date | None) -> None:
    """Make upload-ready copies of files over their limits (originals are never changed)."""
    try:
        require_root(content)  # before the output is claimed: nothing made for nothing
        if dry_run:
            check_place(output, content)
            code = _fit(content, output, True, lang, today, None)
        else:
            with holding(output, content) as folder:
                code = _fit(content, output, False, lang, today, folder)
    except (ContentError, OutputRefused, OutputWriteError) as exc:
        fail_unreadable(exc, content, lang)
    sys.exit(code)


def _fit(content: Path, output: Path, dry_run: bool, lang: str | None, today: dt.date | None,
         folder: OutputFolder | None) -> int:
    portfolio = load_or_exit(content, today, usable_cache(output, content))
    lang = lang or portfolio.settings.language
    limits = SizeLimits.from_rules(portfolio.rules.files)
    # The dry run fits pictures in memory: what it says is what `fit` makes.
    work = plan_portfolio(portfolio, limits, exact=dry_run)
    if dry_run:
        print_plan(work, limits, lang)
        # A PDF over the limit is the PDF renderer's to shrink: no verdict before it tries.
        found = [f for *_, plans in work for p in plans if not is_big_pdf(p) for f in p.findings]
    else:
        cache_dir = default_cache_dir(output)
        outcomes = run(work, output, cache_dir, limits, lang=lang,
                       pdf_fitter=pdf_fitter(portfolio, cache_dir, lang))
        found = [f for o in outcomes for f in o.findings]
    if found:
        print_findings(CheckedContent(portfolio, found, lang))
    refused = folder.refusals() if folder is not None else []
    for rel in refused:
        said = text("output-not-overwritten", lang, path=rel)
        click.echo(f"✖ {text('build-failed', lang, what=rel, error=said)}", err=True)
    if not dry_run:
        made = sum(o.made for o in outcomes)
        reused = sum(o.reused for o in outcomes)
        click.echo(text("fit-done", lang, made=made, reused=reused, out=str(output)))
    return max(exit_code(found), 1 if refused else 0)
