"""A build with nothing to do (engine/build_stamp.py): it knows so from its record without
loading anything, says what the last build said, and any change of an input makes a
real build again. Told apart through the build's own record (`unchanged` in build.json)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.engine import build_stamp
from generator.support import tree_state
from generator.support.ownership import holding
from tests.builder import TODAY, ContentBuilder, Run, run_cli, settle
from tests.links.server import LinkServer

# The heavy steps are left out where they are not what a test is about: the record is the
# same for any set of steps (`--skip` is one of its inputs).
LIGHT = ("--skip", "pdf", "--skip", "kit", "--skip", "counselor")


def build(root: Path, out: Path, *extra: str, offline: bool = True) -> tuple[Run, dict]:
    args = ["build", str(root), "-o", str(out), "--today", TODAY, *extra]
    run = run_cli(*args, *(["--offline"] if offline else []))
    log = json.loads((out / ".portfolio" / "build.json").read_text("utf-8"))
    return run, log


@pytest.fixture
def student(content: ContentBuilder, media) -> ContentBuilder:
    content.student()
    content.course("optics", images=["photo.jpg"], submitted=113)
    content.file("optics", "photo.jpg", media.jpg)
    # An error (a 簡述 over 100 characters) and so exit 1: said again, exit the same.
    content.performance("contest", summary="參" * 120)
    content.departments([{"code": "001", "name": "某大學 物理學系",
                          "courses": ["optics"], "performances": ["contest"]}])
    settle(content.root)
    return content


def _said(run: Run) -> str:
    return re.sub(r"[（(][\d.]+ ?(秒|s)[)）]", "", run.output)


def test_a_build_with_nothing_to_do_says_what_the_last_one_said(
        student: ContentBuilder, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first, log = build(student.root, out, *LIGHT)
    assert "unchanged" not in log and log["rendered"]
    assert first.exit_code == 1 and "summary-too-long" in first.output
    again, log = build(student.root, out, *LIGHT)
    assert log["unchanged"] is True and log["rendered"] == []
    assert log["kept"] == len(json.loads((out / ".portfolio" / "state.json").read_text(
        "utf-8"))["outputs"])
    assert again.exit_code == 1
    # The same findings in the same words and order, and the same count of files kept as
    # a build that asked every step would give.
    os.remove(out / ".portfolio" / build_stamp.STAMP_FILE)
    asked, log = build(student.root, out, *LIGHT)
    assert "unchanged" not in log and log["rendered"] == []
    assert _said(again) == _said(asked)
    findings = _said(first).split("建置完成")[0]
    assert findings.strip() and _said(again).startswith(findings)


def test_strict_and_quiet_apply_to_what_is_said_again(content: ContentBuilder,
                                                      tmp_path: Path) -> None:
    content.student()
    content.course("essay", mood="好")   # a field no one reads: a warning
    settle(content.root)
    out = tmp_path / "out"
    first, _ = build(content.root, out, *LIGHT, "--strict")
    again, log = build(content.root, out, *LIGHT, "--strict")
    assert log["unchanged"] is True
    assert first.exit_code == again.exit_code == 1
    plain, log = build(content.root, out, *LIGHT)
    assert log["unchanged"] is True and plain.exit_code == 0
    quiet, log = build(content.root, out, *LIGHT, "-q")
    assert log["unchanged"] is True and quiet.output == ""


def test_nothing_is_loaded_for_a_build_with_nothing_to_do(student: ContentBuilder,
                                                          tmp_path: Path) -> None:
    """In a process of its own, as people run it: every step the first time; the second
    imports neither the model nor a renderer, and touches no output file."""
    out = tmp_path / "out"
    script = (
        "import atexit, sys\n"
        "heavy = ('pydantic', 'generator.model', 'generator.pipeline.building', 'weasyprint',"
        " 'PIL', 'markdown_it', 'jinja2', 'yaml')\n"
        "atexit.register(lambda: print('LOADED', [m for m in heavy if m in sys.modules],"
        " file=sys.stderr))\n"
        "from generator.cli import main\n"
        f"main(['build', {str(student.root)!r}, '-o', {str(out)!r}, '--offline', '-q',"
        f" '--today', {TODAY!r}], prog_name='portfolio')\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000"}

    def run() -> list[str]:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env=env, timeout=300)
        assert done.returncode == 1, done.stderr
        return re.findall(r"LOADED (\[.*\])", done.stderr)

    assert run() != ["[]"]
    times = {p: p.stat().st_mtime_ns for p in out.rglob("*")
             if p.is_file() and ".portfolio" not in p.parts}
    assert len(times) > 10
    assert run() == ["[]"]
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")
            if p.is_file() and ".portfolio" not in p.parts} == times
    log = json.loads((out / ".portfolio" / "build.json").read_text("utf-8"))
    assert log["unchanged"] is True


def _same_length_same_time(c: ContentBuilder, out: Path) -> dict:
    """An edit no size or modification time shows (`cp -p`, `touch -d`): its change time
    does."""
    page = c.root / "ming" / "items" / "optics" / "index.md"
    before = page.stat()
    text = page.read_text("utf-8")
    page.write_text(text.replace("這次的心得。", "那次的心得。"), "utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_size == before.st_size
    return {}


def _new_file(c: ContentBuilder, out: Path) -> dict:
    c.file("optics", "notes.txt", b"more")
    return {}


def _settings(c: ContentBuilder, out: Path) -> dict:
    c.settings('lang = "en"\n')
    return {}


def _page_deleted(c: ContentBuilder, out: Path) -> dict:
    os.remove(out / "ming" / "items" / "optics" / "index.html")
    return {}


def _other_command(c: ContentBuilder, out: Path) -> dict:
    """Another command's writing to the output (an export's bundle) is in its record."""
    with holding(out, c.root) as folder:
        from generator.support import atomic

        atomic.write_text(out / "ming" / "extra.txt", "x")
        folder.save()
    return {}


def _link_history(c: ContentBuilder, out: Path) -> dict:
    """`portfolio links` writes the link history that the pages and findings show."""
    (out / ".portfolio" / "links.json").write_text('{"version": 1, "links": {}}', "utf-8")
    return {}


def _language(c: ContentBuilder, out: Path) -> dict:
    return {"args": ("--lang", "en")}


def _today(c: ContentBuilder, out: Path) -> dict:
    return {"args": ("--today", "2026-12-01")}


def _skip(c: ContentBuilder, out: Path) -> dict:
    return {"args": ("--skip", "compare")}


def _epoch(c: ContentBuilder, out: Path) -> dict:
    return {"env": {"SOURCE_DATE_EPOCH": "1790000001"}}


def _tool(c: ContentBuilder, out: Path) -> dict:
    return {"tool": True}


CHANGES: dict[str, Callable[[ContentBuilder, Path], dict]] = {
    "same length, same time": _same_length_same_time, "new file": _new_file,
    "settings": _settings, "page deleted": _page_deleted, "other command": _other_command,
    "link history": _link_history, "--lang": _language, "--today": _today, "--skip": _skip,
    "SOURCE_DATE_EPOCH": _epoch, "the tool's code": _tool,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_of_an_input_makes_a_real_build(
        change: str, student: ContentBuilder, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build(student.root, out, *LIGHT)
    _, log = build(student.root, out, *LIGHT)
    assert log["unchanged"] is True
    how = CHANGES[change](student, out)
    settle(student.root)   # but for the change, a while ago (RACY_SECONDS)
    for name, value in how.get("env", {}).items():
        monkeypatch.setenv(name, value)
    if how.get("tool"):
        # The package as another version of the tool: one of its files newer.
        monkeypatch.setattr(tree_state, "PACKAGE", tmp_path / "another-tool")
    _, log = build(student.root, out, *LIGHT, *how.get("args", ()))
    assert "unchanged" not in log, change
    _, log = build(student.root, out, *LIGHT, *how.get("args", ()))
    assert log["unchanged"] is True, change   # and then recorded again
    if change == "same length, same time":
        page = (out / "ming" / "items" / "optics" / "index.html").read_text("utf-8")
        assert "那次的心得" in page
    if change == "page deleted":
        assert (out / "ming" / "items" / "optics" / "index.html").is_file()


def test_git_s_own_folder_in_the_content_root_is_no_change(student: ContentBuilder,
                                                           tmp_path: Path) -> None:
    """The loader reads no folder of the root whose name starts with a dot; a content
    folder kept in git has its `.git` there, written by every commit and status."""
    out = tmp_path / "out"
    (student.root / ".git").mkdir()
    settle(student.root)
    build(student.root, out, *LIGHT)
    (student.root / ".git" / "index").write_bytes(b"DIRC")
    _, log = build(student.root, out, *LIGHT)
    assert log["unchanged"] is True
    (student.root / ".hidden-note.txt").write_text("a file, not a folder: it counts", "utf-8")
    settle(student.root)
    _, log = build(student.root, out, *LIGHT)
    assert "unchanged" not in log


def test_a_build_that_failed_leaves_no_record(student: ContentBuilder, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(student.root, out, *LIGHT)
    # A new item whose page a file the tool did not write stands in the way of.
    student.course("essay", subject="國文", form="report", submitted=113)
    foreign = out / "ming" / "items" / "essay" / "index.html"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("mine", "utf-8")
    settle(student.root)   # the failure, not the new item's fresh time, is why
    for _ in range(2):
        _, log = build(student.root, out, *LIGHT)
        assert log["failures"] and "unchanged" not in log
        assert not (out / ".portfolio" / build_stamp.STAMP_FILE).exists()
    assert foreign.read_text("utf-8") == "mine"


@pytest.fixture(scope="module")
def server() -> LinkServer:
    srv = LinkServer().start()
    yield srv
    srv.close()


def test_online_the_record_holds_until_the_oldest_link_check_ages_out(
        content: ContentBuilder, tmp_path: Path, server: LinkServer) -> None:
    content.settings("[link_check]\nallow_private = true\ncache_hours = 2\n")
    content.student()
    content.performance("site", category="work", links=[server.url("/ok")])
    settle(content.root)
    out = tmp_path / "out"
    build(content.root, out, *LIGHT, offline=False)
    record = json.loads((out / ".portfolio" / build_stamp.STAMP_FILE).read_text("utf-8"))
    assert abs(record["until"] - (time.time() + 2 * 3600)) < 120
    _, log = build(content.root, out, *LIGHT, offline=False)
    assert log["unchanged"] is True
    digest = record["inputs"]
    with holding(out, content.root) as folder:
        assert build_stamp.holds(folder, digest, now=record["until"] - 1) is not None
        assert build_stamp.holds(folder, digest, now=record["until"]) is None


def test_a_link_left_unchecked_means_no_record(content: ContentBuilder,
                                               tmp_path: Path) -> None:
    """No server answers at all (the computer is offline): the next build asks again."""
    content.settings("[link_check]\nallow_private = true\nretries = 0\n")
    content.student()
    content.performance("site", category="work", links=["http://127.0.0.1:9/nothing-here"])
    settle(content.root)
    out = tmp_path / "out"
    for _ in range(2):
        run, log = build(content.root, out, *LIGHT, offline=False)
        assert "link-unchecked" in run.output or "unchecked" in run.output
        assert "unchanged" not in log
        assert not (out / ".portfolio" / build_stamp.STAMP_FILE).exists()


def test_a_file_modified_moments_before_the_build_leaves_no_record(
        student: ContentBuilder, tmp_path: Path) -> None:
    """A disk that keeps times to two seconds (FAT, a USB stick) would not tell a second
    edit of the same size in the same tick: such a build leaves no record."""
    out = tmp_path / "out"
    page = student.root / "ming" / "items" / "optics" / "index.md"
    page.write_text(page.read_text("utf-8") + "再一句。\n", "utf-8")
    _, log = build(student.root, out, *LIGHT)
    assert not (out / ".portfolio" / build_stamp.STAMP_FILE).exists()
    _, log = build(student.root, out, *LIGHT)
    assert "unchanged" not in log
    settle(student.root)
    build(student.root, out, *LIGHT)
    _, log = build(student.root, out, *LIGHT)
    assert log["unchanged"] is True


def test_path_counts_by_the_programs_found_on_it(student: ContentBuilder, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """An activated virtual environment puts a folder before PATH and finds the same
    ffmpeg: no change. Another ffmpeg first on PATH is one."""
    import shutil

    out = tmp_path / "out"
    build(student.root, out, *LIGHT)
    nothing = tmp_path / "venv-bin"
    nothing.mkdir()
    monkeypatch.setenv("PATH", f"{nothing}{os.pathsep}{os.environ['PATH']}")
    _, log = build(student.root, out, *LIGHT)
    assert log["unchanged"] is True
    real = shutil.which("ffmpeg")
    assert real is not None
    (nothing / "ffmpeg").symlink_to(real)
    _, log = build(student.root, out, *LIGHT)
    assert "unchanged" not in log
