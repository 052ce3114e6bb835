"""The `portfolio` command line: one group, one module per command in `commands/`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

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


def _register() -> None:
    from generator.commands.build import build
    from generator.commands.check import check
    from generator.commands.edit import edit
    from generator.commands.export import export
    from generator.commands.fit import fit_command
    from generator.commands.links import links
    from generator.commands.new import new
    from generator.commands.serve import serve

    for command in (new, check, build, serve, export, fit_command, links, edit):
        main.add_command(command)


_register()
