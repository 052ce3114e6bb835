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
from click.exceptions import NoSuchCommand

from generator.commands.said_help import GIVEN_META, language_on_line
from generator.i18n import DEFAULT_LANG, LANGS, listed, text


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
                                   choices=listed(self.choices)) from None


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
    on_line = language_on_line(args)
    if on_line is not None:
        return on_line
    content = ctx.params.get("content") if ctx is not None else None
    if isinstance(content, Path):
        # Here, not at the top: every command imports this module, and a build with
        # nothing to do never loads the content's modules (engine/build_stamp.py).
        from generator.content.loader import settings_language

        return settings_language(content) or DEFAULT_LANG
    return DEFAULT_LANG


def usage_message(exc: click.UsageError, lang: str) -> str:
    """A usage error in the catalog's words (click's own are English only)."""
    if isinstance(exc, SaidUsage):
        return text(exc.key, lang, **_in(exc.params, lang))
    if isinstance(exc, SaidBadParameter):
        return text(exc.key, lang, **{"param": _param_name(exc.param), **_in(exc.params, lang)})
    # The command as typed: `portfolio check`, or `portfolio` for the group's own options.
    command = exc.ctx.command_path if exc.ctx is not None else "portfolio"
    if isinstance(exc, NoSuchCommand):
        close = exc.possibilities[:1] if exc.possibilities else []
        suggestion = text("did-you-mean-aside", lang, name=close[0]) if close else ""
        return text("usage-no-such-command", lang, name=exc.command_name,
                    suggestion=suggestion)
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
                  help="help-opt-lang")
    @click.option("--today", callback=_parse_today, metavar="YYYY-MM-DD",
                  help="help-opt-today")
    @click.option("--debug", is_flag=True,
                  help="help-opt-debug")
    @functools.wraps(func)
    def wrapper(*args: Any, debug: bool = False, **kwargs: Any) -> Any:
        global _debug
        _debug = debug  # set on every call: one process may run several commands (tests)
        if kwargs.get("lang") is None:  # `portfolio --lang en check`: the group's --lang
            context = click.get_current_context(silent=True)
            kwargs["lang"] = context.meta.get(GIVEN_META) if context is not None else None
        return func(*args, **kwargs)

    return wrapper


OUTPUT_OPTION = click.option(
    "-o", "--output", type=Folder("output-not-folder"), default="output",
    show_default=True,
    help="help-opt-output")
SKIP_OPTION = click.option(
    "--skip", multiple=True, metavar="NAME",
    help="help-opt-skip")
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
    help="help-opt-scheduler")
JOBS_OPTION = click.option("--jobs", "-j", type=IntRange(min=1), default=None, metavar="N",
                           help="help-opt-jobs")
