"""The `portfolio` command line: one group, one module per command in `commands/`."""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any, NoReturn

import click
from click.exceptions import NoArgsIsHelpError

from generator.commands.options import Choice, SaidUsage, requested_language, usage_message
from generator.commands.said_help import GIVEN_META, SaidGroup, help_language
from generator.i18n import LANGS, text


class _Portfolio(SaidGroup):
    """The command group, saying a usage error (a bad --today, a content path that is a
    file, an unknown option) on one line and exiting 2, as every other refusal does,
    instead of click's usage block (so click's "Error:" and "Try … for help." lines never
    show). Its help, and every command's, is the catalog's (commands/said_help.py)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            returned = super().main(args, prog_name, complete_var, False, **extra)
        except NoArgsIsHelpError as exc:  # `portfolio` alone: the help, as click shows it
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            # In the catalog's words and the reader's language, which --lang on the
            # command line or the content's portfolio.toml gives (click's are English).
            lang = requested_language(sys.argv[1:] if args is None else list(args), exc.ctx)
            click.echo(f"portfolio: {usage_message(exc, lang)}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:  # not a usage error: said as one all the same
            click.echo(f"portfolio: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            lang = requested_language(sys.argv[1:] if args is None else list(args))
            click.echo(text("usage-aborted", lang), err=True)
            sys.exit(1)
        # --help and --version end here (0); every command leaves through sys.exit.
        sys.exit(returned if isinstance(returned, int) else 0)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # click's version_option says "portfolio, version 1.0" in English only.
    if value and not ctx.resilient_parsing:
        from importlib.metadata import version  # 50 ms, for --version alone

        click.echo(text("help-version", help_language(ctx), version=version("portfolio")))
        ctx.exit()


def _given_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[GIVEN_META] = value


# Invoked without a command only to say so in the catalog's words (click's "Missing
# command." is English); `portfolio` alone shows the help.
@click.group("portfolio", cls=_Portfolio, invoke_without_command=True, no_args_is_help=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_show_version, help="help-opt-version")
# `portfolio --lang en --help`, and `portfolio --lang en check`: the command takes it.
@click.option("--lang", type=Choice(LANGS), default=None, expose_value=False, is_eager=True,
              callback=_given_language, help="help-opt-lang")
@click.pass_context
def main(ctx: click.Context) -> None:
    """portfolio: 學習歷程檔案 as reviewers will see it. Check, build, export.

    (What `portfolio --help` says is the catalog's `help-cmd-portfolio`.)"""
    if ctx.invoked_subcommand is None:  # `portfolio --lang en`: options, but no command
        raise SaidUsage("usage-missing-command")


# Each command's module, imported only when that command is run or listed: a module
# brings in what its command needs (`links` pypdf and the archive, `edit` the editor's
# server), and every `portfolio` process would otherwise pay for all of them at start.
_COMMANDS = {
    "new": ("generator.commands.new", "new"),
    "check": ("generator.commands.check", "check"),
    "build": ("generator.commands.build", "build"),
    "serve": ("generator.commands.serve", "serve"),
    "export": ("generator.commands.export", "export"),
    "fit": ("generator.commands.fit", "fit_command"),
    "links": ("generator.commands.links", "links"),
    "edit": ("generator.commands.edit", "edit"),
}


class _LazyCommands(MutableMapping[str, click.Command]):
    """The group's commands by name, each imported on first use. click's Group keeps its
    commands in a mutable mapping and finds them through it (`list_commands`,
    `get_command`), so `main.commands` stays the whole set, with nothing imported until
    a command is asked for."""

    def __init__(self, where: dict[str, tuple[str, str]]):
        self._where = dict(where)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        command = self._loaded.get(name)
        if command is None:
            module, attr = self._where[name]  # KeyError: no such command
            command = getattr(importlib.import_module(module), attr)
            if not isinstance(command, click.Command) or command.name != name:
                raise TypeError(f"{module}.{attr} is not the command {name!r}")
            self._loaded[name] = command
        return command

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._where.pop(name, None)
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._where.pop(name, None)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._where, *self._loaded]))

    def __len__(self) -> int:
        return len(self._where.keys() | self._loaded.keys())

    def __contains__(self, name: object) -> bool:
        return name in self._where or name in self._loaded


main.commands = _LazyCommands(_COMMANDS)


def run() -> NoReturn:
    """The `portfolio` program (and `python -m generator`): the command, then out.

    A command has written, closed and waited for everything it makes before it
    returns. What Python would do next is free every object of the loaded content one
    by one (a tenth of a second for a class of 40), which no one waits for: so once what
    was printed is flushed, the process ends at once. Callers in the same process
    (tests, scripts) call `main`, which returns through SystemExit as click's do."""
    try:
        main(prog_name="portfolio")
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)   # as sys.exit("…") says it
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):   # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code or 0)
