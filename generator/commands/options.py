"""The options several commands share: the content argument, --lang, --today and
--debug, -o, --jobs, --skip. One place, so every command says them the same way.

Bad usage is said in the catalog's words, not click's: the parameter types here raise
`SaidBadParameter`, commands raise `SaidUsage`, and `usage_message` turns any usage
error (click's own too) into one line in the reader's language."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from generator.content.loader import settings_language
from generator.i18n import DEFAULT_LANG, LANGS, text


class SaidUsage(click.UsageError):
    """Bad usage (exit 2), said by the catalog: a `[ui]` key and its parameters."""

    def __init__(self, key: str, **params: Any):
        super().__init__(text(key, DEFAULT_LANG, **params))
        self.key = key
        self.params = params


class SaidBadParameter(click.BadParameter):
    """A value click refuses for a parameter, said by the catalog."""

    def __init__(self, key: str, **params: Any):
        super().__init__(text(key, DEFAULT_LANG, **params))
        self.key = key
        self.params = params


class Folder(click.ParamType):
    """A folder that may not be there yet (or must be, with `exists`); a file is refused,
    said with `not_folder` (a key given `path`, `root` and `output`)."""

    name = "folder"

    def __init__(self, not_folder: str = "usage-not-folder", exists: bool = False):
        self.not_folder = not_folder
        self.exists = exists

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Path:
        path = Path(value)
        if path.exists() and not path.is_dir():
            shown = str(path)
            raise SaidBadParameter(self.not_folder, path=shown, root=shown, output=shown)
        if self.exists and not path.exists():
            raise SaidBadParameter("usage-no-folder", path=str(path))
        return path


class Choice(click.Choice):
    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            raise SaidBadParameter("usage-one-of", value=str(value),
                                   choices=", ".join(map(str, self.choices))) from None


class IntRange(click.IntRange):
    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            if self.max is None:
                raise SaidBadParameter("usage-at-least", value=str(value), min=self.min) from None
            raise SaidBadParameter("usage-range", value=str(value), min=self.min,
                                   max=self.max) from None


CONTENT_ARG = click.argument("content", required=False, default="content",
                             type=Folder("content-not-folder"))


def _parse_today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SaidBadParameter("usage-today", value=value) from None


def requested_language(args: Sequence[str], ctx: click.Context | None = None) -> str:
    """The language to say a usage error in, before the command has parsed --lang: the
    --lang on the command line, else the content folder's own, else zh-TW."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in LANGS:
            return args[i + 1]
        if arg.startswith("--lang=") and arg.partition("=")[2] in LANGS:
            return arg.partition("=")[2]
    content = ctx.params.get("content") if ctx is not None else None
    if isinstance(content, Path):
        return settings_language(content) or DEFAULT_LANG
    return DEFAULT_LANG


def usage_message(exc: click.UsageError, lang: str) -> str:
    """A usage error in the catalog's words (click's own are English only)."""
    if isinstance(exc, SaidUsage):
        return text(exc.key, lang, **_in(exc.params, lang))
    if isinstance(exc, SaidBadParameter):
        return text(exc.key, lang, **{"param": _param_name(exc.param), **_in(exc.params, lang)})
    command = exc.ctx.info_name if exc.ctx is not None and exc.ctx.info_name else ""
    if isinstance(exc, click.NoSuchOption):
        close = difflib.get_close_matches(exc.option_name, exc.possibilities or [], n=1)
        suggestion = text("did-you-mean-aside", lang, name=close[0]) if close else ""
        return text("usage-no-such-option", lang, option=exc.option_name,
                    suggestion=suggestion, command=command)
    if isinstance(exc, click.BadOptionUsage):
        key = "usage-option-no-value" if "does not take" in exc.message else "usage-option-value"
        return text(key, lang, option=exc.option_name)
    if isinstance(exc, click.MissingParameter):
        return text("usage-missing", lang, param=_param_name(exc.param))
    if isinstance(exc, click.BadParameter):
        return text("usage-bad-value", lang, param=_param_name(exc.param) or exc.param_hint,
                    reason=exc.message)
    extra = re.match(r"Got unexpected extra arguments? \((.*)\)", exc.message)
    if extra:
        return text("usage-extra-argument", lang, value=extra.group(1))
    return exc.format_message()


def _in(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """Parameters as `lang` says them (a parameter may be said in each language)."""
    return {k: v.get(lang, v.get(DEFAULT_LANG)) if isinstance(v, dict) else v
            for k, v in params.items()}


def _param_name(param: click.Parameter | None) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name if param is not None else ""


_debug = False


def debugging() -> bool:
    """Whether this command was given --debug (or PORTFOLIO_DEBUG is set): then what fails
    unexpectedly is shown with its traceback, for a bug report."""
    return _debug or bool(os.environ.get("PORTFOLIO_DEBUG"))


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--lang, --today and --debug, which every command takes."""

    @click.option("--lang", type=Choice(LANGS), default=None,
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
    "-o", "--output", type=Folder("output-not-folder"), default="output",
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
JOBS_OPTION = click.option("--jobs", "-j", type=IntRange(min=1), default=None,
                           help="Processes to use (default: all cores).")
