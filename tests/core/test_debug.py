"""--debug, on every command: the traceback of what failed unexpectedly, for a bug report.

Without it a person reads one line (exit 2) or the build's one-line failures; with it the
tracebacks follow, after the summary. PORTFOLIO_DEBUG keeps working (and raises).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.builder import ContentBuilder
from tests.hostile.conftest import run_portfolio

COMMANDS = ["check", "build", "export", "fit", "links", "serve", "new"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_debug(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "--debug" in result.output


def _broken_theme(content: ContentBuilder) -> None:
    """A school's item template that names a value pages do not have: every item page
    fails (a real failure of the build's tasks, the other pages are still made)."""
    content.student()
    content.course("c1")
    template = content.root / "themes" / "default" / "templates" / "item.html"
    template.parent.mkdir(parents=True)
    template.write_text("{{ no_such_value.title }}\n", "utf-8")


def test_failed_build_tasks_show_their_traceback_with_debug(content: ContentBuilder,
                                                             tmp_path: Path) -> None:
    _broken_theme(content)
    args = ["build", str(content.root), "-o", str(tmp_path / "out"), "--offline",
            "--skip", "pdf", "--skip", "media", "-j", "1"]
    plain = run_portfolio(*args)
    assert plain.exit_code == 1, plain.output[-2000:]
    assert "c1" in plain.stderr and "Traceback" not in plain.output

    debug = run_portfolio(*args, "--debug")
    assert debug.exit_code == 1, debug.output[-2000:]
    done = debug.stderr.index(str(tmp_path / "out"))  # the summary names the output folder…
    trace = debug.stderr.index("Traceback")
    assert done < trace  # …and the tracebacks come after it
    assert "UndefinedError" in debug.stderr[trace:] and "no_such_value" in debug.stderr


def _unexpected(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug: the TOML parser raising what nobody expects of it."""
    def crash(_text: str) -> object:
        raise RuntimeError("a bug in the tool")

    monkeypatch.setattr(tomllib, "loads", crash)


def test_an_unexpected_error_is_one_line_without_debug(content: ContentBuilder,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    content.student()
    monkeypatch.delenv("PORTFOLIO_DEBUG", raising=False)
    _unexpected(monkeypatch)
    result = CliRunner().invoke(main, ["check", str(content.root), "--offline"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert [line for line in result.output.splitlines() if line.strip()] == [
        f"portfolio: 無法讀取 {content.root}：RuntimeError: a bug in the tool"]


def test_an_unexpected_error_shows_its_traceback_with_debug(
        content: ContentBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    content.student()
    monkeypatch.delenv("PORTFOLIO_DEBUG", raising=False)
    _unexpected(monkeypatch)
    result = CliRunner().invoke(main, ["check", str(content.root), "--offline", "--debug"])
    assert result.exit_code == 2
    assert "Traceback" in result.output and "RuntimeError: a bug in the tool" in result.output
    # The flag is this command's only: the next one, without it, is back to one line.
    again = CliRunner().invoke(main, ["check", str(content.root), "--offline"])
    assert again.exit_code == 2 and "Traceback" not in again.output


def test_the_environment_variable_still_raises(content: ContentBuilder,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    content.student()
    monkeypatch.setenv("PORTFOLIO_DEBUG", "1")
    _unexpected(monkeypatch)
    result = CliRunner().invoke(main, ["check", str(content.root), "--offline"])
    assert isinstance(result.exception, RuntimeError)
