"""`portfolio build` on the command line: findings, report.json, exit codes, quiet in CI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from tests.builder import ContentBuilder


def build(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["build", *args, "--offline", "--skip", "pdf", "-j", "1"],
                              catch_exceptions=False)


def test_clean_content_builds_and_exits_0(content: ContentBuilder, tmp_path: Path) -> None:
    content.student()
    content.course("a", submitted=113)
    out = tmp_path / "out"
    result = build(str(content.root), "-o", str(out))
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report == content.check().doc
    assert "━" not in result.output  # no progress bars where nobody watches
    assert (out / "ming" / "items" / "a" / "index.html").is_file()


def test_errors_still_build_and_exit_1(content: ContentBuilder, tmp_path: Path) -> None:
    content.student()
    content.course("long", summary="很長" * 60)
    out = tmp_path / "out"
    result = build(str(content.root), "-o", str(out))
    assert result.exit_code == 1
    assert "summary-too-long" in result.output
    page = (out / "ming" / "items" / "long" / "index.html").read_text("utf-8")
    assert "summary-too-long" in page and "summary-box over" in page
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert report["counts"]["error"] == 1


def test_warnings_exit_0_unless_strict(content: ContentBuilder, tmp_path: Path) -> None:
    content.student()
    content.course("nosummary", summary=None)
    out = str(tmp_path / "out")
    assert build(str(content.root), "-o", out).exit_code == 0
    assert build(str(content.root), "-o", out, "--strict").exit_code == 1


def test_unreadable_input_and_bad_usage_exit_2(tmp_path: Path) -> None:
    assert build(str(tmp_path / "nowhere"), "-o", str(tmp_path / "out")).exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build(str(empty), "-o", str(tmp_path / "out")).exit_code == 2
    bad = CliRunner().invoke(main, ["build", str(empty), "--skip", "nonsense"])
    assert bad.exit_code == 2


def test_english_messages(content: ContentBuilder, tmp_path: Path) -> None:
    content.student()
    content.course("a")
    result = build(str(content.root), "-o", str(tmp_path / "out"), "--lang", "en")
    assert "Built:" in result.output
    assert '<html lang="en">' in (tmp_path / "out" / "index.html").read_text("utf-8")


def test_unknown_theme_falls_back_with_a_note(content: ContentBuilder, tmp_path: Path) -> None:
    content.settings('theme = "missing-theme"\n')
    content.student()
    content.course("a")
    result = build(str(content.root), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert "missing-theme" in result.output
