"""The harness itself: its bounds and its watch over the tree can fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import Arena, run_portfolio


def test_a_change_outside_the_output_is_seen(arena: Arena) -> None:
    arena.content.student()
    arena.freeze()
    (arena.victim / "notes.txt").write_text("changed\n", "utf-8")
    with pytest.raises(AssertionError, match=r"victim/notes\.txt"):
        arena.assert_untouched()


def test_writes_inside_the_output_are_allowed(arena: Arena) -> None:
    arena.content.student()
    arena.freeze()
    arena.output.mkdir()
    (arena.output / "x.txt").write_text("ok", "utf-8")
    arena.assert_untouched()


def test_a_run_reports_its_exit_code_and_peak_memory(tmp_path: Path) -> None:
    outcome = run_portfolio("check", str(tmp_path / "nowhere"), "--offline")
    assert outcome.exit_code == 2
    assert 10 * 2**20 < outcome.max_rss < 2**30


def test_a_run_reports_the_cpu_its_tree_spent(tmp_path: Path) -> None:
    # A check of a missing folder costs an interpreter's start, not seconds of work.
    outcome = run_portfolio("check", str(tmp_path / "nowhere"), "--offline")
    assert 0.05 < outcome.cpu < 10
