"""The `portfolio` command line: one group, one module per command in `commands/`."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portfolio")
def main() -> None:
    """portfolio: 學習歷程檔案 as reviewers will see it. Check, build, export."""


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
