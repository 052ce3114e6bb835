"""The options several commands share: the content argument, --lang, --today and
--debug, -o, --jobs, --skip. One place, so every command says them the same way."""

from __future__ import annotations

import datetime as dt
import functools
import os
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


_debug = False


def debugging() -> bool:
    """Whether this command was given --debug (or PORTFOLIO_DEBUG is set): then what fails
    unexpectedly is shown with its traceback, for a bug report."""
    return _debug or bool(os.environ.get("PORTFOLIO_DEBUG"))


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--lang, --today and --debug, which every command takes."""

    @click.option("--lang", type=click.Choice(LANGS), default=None,
                  help="Language of messages and pages (default zh-TW).")
    @click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD",
                  help="The date to judge against (default: SOURCE_DATE_EPOCH, else today).")
    @click.option("--debug", is_flag=True,
                  help="Show the traceback of anything that fails unexpectedly (for a bug "
                       "report); also PORTFOLIO_DEBUG=1.")
    @functools.wraps(func)
    def wrapper(*args: Any, debug: bool = False, **kwargs: Any) -> Any:
        global _debug
        _debug = debug  # set on every call: one process may run several commands (tests)
        return func(*args, **kwargs)

    return wrapper


OUTPUT_OPTION = click.option(
    "-o", "--output", type=click.Path(path_type=Path, file_okay=False), default="output",
    show_default=True,
    help="Where the site goes: a new or empty folder, or an earlier output of portfolio; never "
         "the content folder. The only place anything is written, caches included.")
SKIP_OPTION = click.option(
    "--skip", multiple=True, metavar="NAME",
    help="Leave out one step of the build (media, site, pdf…), e.g. --skip pdf for a quick "
         "preview; its earlier output is kept. Repeat for more.")
def _parse_scheduler(_ctx: click.Context, _param: click.Parameter,
                     value: str | None) -> str | None:
    from generator.engine.cluster import parse
    from generator.i18n import DEFAULT_LANG, text

    if value is None:
        return None
    try:
        parse(value)
    except ValueError:
        raise click.BadParameter(text("cluster-bad-spec", DEFAULT_LANG)) from None
    return value


SCHEDULER_OPTION = click.option(
    "--scheduler", callback=_parse_scheduler, metavar="ADDRESS", default=None,
    help="Run the per-student work on a Dask cluster: a scheduler's address "
         "(tcp://host:8786; content and output on a filesystem every machine mounts at the "
         "same path), or local:N for N worker processes here. Default: this machine's cores.")
JOBS_OPTION = click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                           help="Processes to use (default: all cores).")
