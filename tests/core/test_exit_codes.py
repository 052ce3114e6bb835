"""Unusable input or bad usage, on every command: exit 2, one line that says why, no
traceback, and nothing made or changed (no output folder claimed for nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builder import ContentBuilder
from tests.hostile.conftest import assert_bounded, run_portfolio
from tests.originals import assert_originals_unchanged

# What each command needs besides the case (export asks which departments).
COMMANDS: dict[str, list[str]] = {"check": [], "build": [], "export": ["--all"], "fit": [],
                                  "links": [], "serve": [], "new": []}
TAKES_OUTPUT = {"check", "build", "export", "fit", "links", "serve"}
CASES = {
    "missing content": ["nowhere"],
    "content is a file": ["a-file.txt"],
    "output inside the content": ["content", "-o", "content/output"],
    "bad --today": ["content", "--today", "2026-13-45"],
}


def _runs() -> list[tuple[str, str]]:
    out = []
    for command in COMMANDS:
        for case in CASES:
            if command == "new" and case == "missing content":
                continue  # a folder that is not there yet is what `new` makes
            if case == "output inside the content" and command not in TAKES_OUTPUT:
                continue
            out.append((command, case))
    return out


@pytest.mark.parametrize(("command", "case"), _runs(), ids=[f"{c}: {k}" for c, k in _runs()])
def test_unusable_input_exits_2_on_one_line(command: str, case: str, tmp_path: Path,
                                            content: ContentBuilder) -> None:
    content.student()
    content.course("c1")
    (tmp_path / "a-file.txt").write_text("not a folder\n", "utf-8")
    args = [command, *CASES[case], *COMMANDS[command]]
    if command == "new" and case == "bad --today":
        args[1] = "fresh"  # what `new` would make, were the date right
    with assert_originals_unchanged(tmp_path):  # no output folder, no content changed
        outcome = run_portfolio(*args, cwd=tmp_path)
    assert_bounded(outcome)
    lines = [line for line in outcome.output.splitlines() if line.strip()]
    assert outcome.exit_code == 2, outcome.output
    assert len(lines) == 1 and lines[0].startswith("portfolio: "), outcome.output
