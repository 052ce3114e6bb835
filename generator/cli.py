"""The `portfolio` command line: one group, one module per command in `commands/`."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator.i18n import LANGS

CONTENT_ARG = click.argument("content", required=False, default="content",
                             type=click.Path(path_type=Path, file_okay=False))


def _parse_today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD, e.g. 2026-11-20") from None


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--lang and --today, which every command takes."""

    @click.option("--lang", type=click.Choice(LANGS), default=None,
                  help="Language of messages and pages (default zh-TW).")
    @click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD",
                  help="The date to judge against (default: SOURCE_DATE_EPOCH, else today).")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portfolio")
def main() -> None:
    """portfolio: 學習歷程檔案 as reviewers will see it. Check, build, export."""


def _register() -> None:
    from generator.commands.build import build
    from generator.commands.check import check
    from generator.commands.new import new
    from generator.commands.serve import serve

    main.add_command(new)
    main.add_command(check)
    main.add_command(build)
    main.add_command(serve)
    main.add_command(__import__("generator.commands.fit", fromlist=["fit_command"]).fit_command)
    main.add_command(__import__("generator.commands.links", fromlist=["links"]).links)
    main.add_command(__import__("generator.commands.export", fromlist=["export"]).export)
    main.add_command(__import__("generator.commands.edit", fromlist=["edit"]).edit)


_register()
