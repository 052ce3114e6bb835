"""`--help` in the reader's language: click's layout, the catalog's words.

click writes its help in English (its section titles and the help of its own options
come from gettext, the rest from docstrings and `help=`). Here a command's summary is
the `[ui]` text `help-cmd-<name>` (and `help-cmd-<name>-more`, a further paragraph where
there is one), an option's `help=` is a `[ui]` key, and the usage line's words and the
section titles are `help-usage`, `help-options`, `help-commands`. Metavars (CONTENT,
FOLDER, YYYY-MM-DD) stay as they are: they are what one types or is told to type.

The language is the `--lang` given anywhere on the command line, before or after
`--help` (click handles `--help` as soon as it is parsed, before any callback of
`--lang` could run, so the arguments are read for it first), else zh-TW. Chinese text is
wrapped by the width it takes on a terminal (a Han character takes two columns), and a
line never starts with a closing mark such as ，or 」.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import click
import regex
from rich.cells import cell_len

from generator.i18n import DEFAULT_LANG, LANGS, has_text, text

# Where the language of the help and of usage errors is kept: in the context's `meta`,
# which every context of one command line shares.
LANG_META = "portfolio.lang"
# The --lang given before the command's name (`portfolio --lang en check`), for the
# command to take when it is given none of its own.
GIVEN_META = "portfolio.lang-given"


def language_on_line(args: Sequence[str]) -> str | None:
    """The first --lang on the command line (`--lang en`, `--lang=en`), or None."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args) and args[i + 1] in LANGS:
            return args[i + 1]
        if arg.startswith("--lang=") and arg.partition("=")[2] in LANGS:
            return arg.partition("=")[2]
    return None


def help_language(ctx: click.Context) -> str:
    lang = ctx.meta.get(LANG_META)
    return lang if isinstance(lang, str) and lang in LANGS else DEFAULT_LANG


# ------------------------------------------------------------------ wrapping by width

_WIDE = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Bopomofo}\u3000-\u303f\uff00-\uffef"
_OPENING = "「『（【〈《["
# A word to wrap as a whole: a run of Latin text, or one wide character; an opening
# mark goes with what follows it, so a line never ends with one.
_TOKEN = regex.compile(rf"\s+|[{_OPENING}]*(?:[{_WIDE}]|[^\s{_WIDE}]+)|.")
_NO_LINE_START = frozenset("，。、：；！？）」』】〉》…,.;:!?)")


def wrap(said: str, width: int) -> list[str]:
    """`said` on lines of at most `width` terminal columns (a longer word overflows)."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(" ".join(said.split())):
        if token.isspace():
            line += " " if line else ""
            continue
        if line.strip() and cell_len(line + token) > width and token[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _paragraphs(said: str, width: int) -> list[str]:
    """Each paragraph (a blank line apart) wrapped, with a blank line between them."""
    out: list[str] = []
    for paragraph in (p for p in said.split("\n\n") if p.strip()):
        if out:
            out.append("")
        out.extend(wrap(paragraph, width))
    return out


class SaidFormatter(click.HelpFormatter):
    """click's layout, measured in terminal columns, with headings as the catalog
    writes them (its own colon: 「選項：」, "Options:")."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        head = f"{'':>{self.current_indent}}{prefix or ''}{prog}"
        if not args:
            self.write(head + "\n")
            return
        lines = wrap(args, max(self.width - cell_len(head) - 1, 20))
        self.write(f"{head} {lines[0]}\n")
        for line in lines[1:]:
            self.write(" " * (cell_len(head) + 1) + line + "\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for line in _paragraphs(text, max(self.width - self.current_indent, 20)):
            self.write(f"{indent}{line}\n" if line else "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((cell_len(first) for first, _ in rows), default=0),
                        col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cell_len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cell_len(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = _paragraphs(second, max(self.width - first_col - 2, 10))
            self.write(f"{lines[0]}\n" if lines else "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")


class SaidContext(click.Context):
    formatter_class = SaidFormatter


# ------------------------------------------------------------------ commands


class SaidCommand(click.Command):
    """A command whose help the catalog says: `help-cmd-<name>` for what it does, its
    options' `help=` as `[ui]` keys (click's --help and --version have theirs)."""

    context_class = SaidContext

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Before click parses anything: --help is acted on as soon as it is parsed.
        found = language_on_line(args)
        if found is not None or LANG_META not in ctx.meta:
            ctx.meta[LANG_META] = found or DEFAULT_LANG
        return super().parse_args(ctx, args)

    def summary(self, lang: str) -> str:
        return text(f"help-cmd-{self.name}", lang)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [text("help-options-metavar", help_language(ctx))]
        for param in self.get_params(ctx):
            pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix=text("help-usage", help_language(ctx)) + " ")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = help_language(ctx)
        said = self.summary(lang)
        if has_text(f"help-cmd-{self.name}-more"):
            said += "\n\n" + text(f"help-cmd-{self.name}-more", lang)
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(said)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = help_language(ctx)
        helper = self.get_help_option(ctx)  # click's, made once per command
        rows = [row for param in self.get_params(ctx) if isinstance(param, click.Option)
                and (row := option_row(param, ctx, lang,
                                       "help-opt-help" if param is helper else None))]
        if rows:
            with formatter.section(text("help-options", lang)):
                formatter.write_dl(rows)


class SaidGroup(SaidCommand, click.Group):
    """The `portfolio` group: its own help as a command's, then its commands, each with
    its summary."""

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [*super().collect_usage_pieces(ctx),
                text("help-command-metavar", help_language(ctx))]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = help_language(ctx)
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            rows.append((name, command.summary(lang) if isinstance(command, SaidCommand)
                         else command.get_short_help_str()))
        if rows:
            with formatter.section(text("help-commands", lang)):
                formatter.write_dl(rows)


def option_help(option: click.Option, lang: str, key: str | None = None) -> str:
    """An option's help in `lang`: its `help=` is a `[ui]` key (click's own --help
    carries click's English: its key is given)."""
    if key is None and option.help and has_text(option.help):
        key = option.help
    return text(key, lang) if key is not None else option.help or ""


def option_row(option: click.Option, ctx: click.Context, lang: str,
               key: str | None = None) -> tuple[str, str] | None:
    """The option's line in the help, as click lays it out, in `lang`."""
    if option.hidden:
        return None
    said = option_help(option, lang, key)
    extra: dict[str, Any] = dict(option.get_help_extra(ctx))
    notes = []
    if "default" in extra:
        notes.append(text("help-default", lang, value=extra["default"]))
    if "range" in extra:
        notes.append(str(extra["range"]))  # 0<=x<=65535: the same in every language
    if "required" in extra:
        notes.append(text("help-required", lang))
    if notes:
        said = f"{said}  [{text('help-note-separator', lang).join(notes)}]"
    return option.get_help_spec(ctx), said
