"""Issue 12, cases 2 and 10: the output folder is the only place the tool writes, and in
it only the files it wrote.

Every case runs the real command in a bounded child process and proves, through the
arena's watch, that nothing outside the output changed: the content tree byte for
byte (caches included: they live in the output now), the bystanders beside it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.i18n import text
from generator.support.atomic import TEMP_PREFIX
from tests.builder import settle
from tests.hostile.conftest import Arena, Outcome
from tests.originals import assert_originals_unchanged

BUILD = ("build", "content", "--offline", "--skip", "pdf", "--lang", "en")


def _student(arena: Arena, *, departments: bool = False) -> None:
    arena.content.student()
    arena.content.course("optics", images=["photo.jpg"], submitted=113)
    arena.content.file("optics", "photo.jpg", arena.content.media.jpg)
    if departments:
        arena.content.departments([{"code": "001", "name": "某大學 物理學系",
                                    "courses": ["optics"]}])


def _failures(output: Path) -> list[dict[str, str]]:
    return json.loads((output / ".portfolio" / "build.json").read_text("utf-8"))["failures"]


def _temp_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(f"{TEMP_PREFIX}*"))


def _err(outcome: Outcome) -> str:
    """What the run said on stderr, its lines as wrapped by the console joined again."""
    return " ".join(outcome.stderr.split())


def _said(key: str, **params: str) -> str:
    """The English message of `key`, up to its first parameter (paths differ in form)."""
    return text(key, "en", **params).split("{")[0][:40]


# ----------------------------------------------------------------------------- where

def _overlapping(arena: Arena) -> None:
    _student(arena, departments=True)
    (arena.content.root / "ming" / "items" / "optics" / "index.html").write_text("mine", "utf-8")
    (arena.content.root / "ming" / "departments").mkdir()
    (arena.content.root / "ming" / "departments" / "old.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    arena.freeze()


@pytest.mark.parametrize("where", ["content", "content/x", ".", "content/ming/items"])
def test_an_output_overlapping_the_content_is_refused(arena: Arena, where: str) -> None:
    # Before: `build content -o content` overwrote a student's own items/x/index.html and
    # deleted their departments/old.zip. Now: exit 2 before anything is written.
    _overlapping(arena)
    outcome = arena.run(*BUILD, "-o", where)
    assert outcome.exit_code == 2, outcome.output
    assert "is, is inside, or contains the content folder" in _err(outcome)
    arena.assert_untouched()
    assert not arena.output.exists()


@pytest.mark.parametrize("command", [
    ("export", "--all", "--offline"), ("fit",), ("fit", "--dry-run"), ("links",),
    ("links", "--offline"), ("serve", "--port", "0")])
def test_every_writing_command_refuses_the_content_as_output(arena: Arena,
                                                             command: tuple[str, ...]) -> None:
    _overlapping(arena)
    outcome = arena.run(command[0], "content", *command[1:], "-o", "content", "--lang", "en")
    assert outcome.exit_code == 2, outcome.output
    assert "is, is inside, or contains the content folder" in _err(outcome)
    arena.assert_untouched()


def test_a_folder_that_is_not_an_earlier_output_is_refused(arena: Arena) -> None:
    # Before: `-o victim` wrote a site among someone's files and deleted their
    # departments/a.zip (the stale-bundle glob matched it). Now: exit 2, untouched.
    _student(arena)
    arena.freeze()
    outcome = arena.run(*BUILD, "-o", "victim")
    assert outcome.exit_code == 2
    assert "is not an earlier output of portfolio" in _err(outcome)
    assert (arena.victim / "departments" / "a.zip").is_file()
    arena.assert_untouched()


def test_an_empty_or_absent_folder_is_fine(arena: Arena) -> None:
    _student(arena)
    (arena.root / "empty").mkdir()
    arena.freeze()
    for where in ("empty", "output"):
        outcome = arena.run(*BUILD, "-o", where)
        assert outcome.exit_code == 0, outcome.output
        assert (arena.root / where / "ming" / "index.html").is_file()
    arena.assert_untouched(also_skip=[arena.root / "empty"])


# ----------------------------------------------------------------------------- what

def test_a_file_not_ours_at_an_output_path_is_not_overwritten(arena: Arena) -> None:
    # Before: whatever stood at a path the build wanted was overwritten. Now: skipped,
    # reported as a build failure (exit 1), and the rest of the build goes on.
    _student(arena)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    arena.content.course("essay", subject="國文", submitted=113)
    mine = arena.output / "ming" / "items" / "essay" / "index.html"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own notes\n", "utf-8")
    arena.freeze()
    outcome = arena.run(*BUILD, "-o", "output")
    assert outcome.exit_code == 1
    assert mine.read_text("utf-8") == "my own notes\n"
    assert "ming/items/essay/index.html" in _err(outcome)
    assert _said("output-not-overwritten") in _err(outcome)
    (failure,) = _failures(arena.output)
    assert (failure["code"], failure["what"]) == ("output-not-ours", "ming/items/essay/index.html")
    assert (arena.output / "ming" / "index.html").is_file()   # the rest was built
    # Moved away, the next build makes the page and says nothing more.
    mine.unlink()
    outcome = arena.run(*BUILD, "-o", "output")
    assert outcome.exit_code == 0 and _failures(arena.output) == []
    assert "<html" in mine.read_text("utf-8")
    arena.assert_untouched()


def test_no_folder_is_made_through_a_link_in_the_output(arena: Arena) -> None:
    # Before: the write through an item folder swapped for a link was refused, but the
    # folders under it (its `files/` for the web copies) were made first, through the
    # link: an empty folder appeared in a bystander's folder.
    _student(arena)
    settle(arena.content.root)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    item = arena.output / "ming" / "items" / "optics"
    shutil.rmtree(item)
    item.symlink_to(arena.victim / "departments", target_is_directory=True)
    arena.freeze()
    outcome = arena.run(*BUILD, "-o", "output")
    assert outcome.exit_code == 1 and "Traceback" not in outcome.output
    assert "ming/items/optics" in _err(outcome)
    assert (arena.output / "ming" / "index.html").is_file()   # the rest was built
    assert sorted(p.name for p in (arena.victim / "departments").iterdir()) == ["a.zip"]
    arena.assert_untouched()


def test_a_foreign_zip_in_an_earlier_output_is_not_deleted(arena: Arena) -> None:
    # Before: remove_stale_bundles deleted every */departments/*.zip not in the content.
    _student(arena, departments=True)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    theirs = [arena.output / "ming" / "departments" / "a.zip",
              arena.output / "x" / "departments" / "a.zip"]
    for path in theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PK\x05\x06" + bytes(18))
    arena.content.departments([])
    arena.freeze()
    outcome = arena.run(*BUILD, "-o", "output")
    assert outcome.exit_code == 0, outcome.output
    assert all(p.read_bytes() == b"PK\x05\x06" + bytes(18) for p in theirs)
    assert not (arena.output / "ming" / "departments" / "001").exists()  # ours went
    arena.assert_untouched()


def test_stale_removal_keeps_folders_it_did_not_make(arena: Arena) -> None:
    _student(arena)
    arena.content.course("essay", subject="國文", submitted=113)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    notes = arena.output / "ming" / "items" / "essay" / "notes"
    notes.mkdir()
    (arena.output / "ming" / "items" / "optics" / "mine.txt").write_text("x", "utf-8")
    for path in sorted((arena.content.root / "ming/items/essay").rglob("*"), reverse=True):
        path.unlink()
    (arena.content.root / "ming/items/essay").rmdir()
    arena.freeze()
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    assert not (arena.output / "ming/items/essay/index.html").exists()
    assert notes.is_dir()                                 # their folder, and its parent
    assert (arena.output / "ming/items/optics/mine.txt").read_text("utf-8") == "x"
    arena.assert_untouched()


# ----------------------------------------------------------------------------- caches

def test_the_content_tree_is_unchanged_by_every_command(arena: Arena) -> None:
    # Before: <content>/.portfolio/cache/ (files.json, media, derived files) and the
    # links history were written into the content root. Now they live in the output.
    _student(arena, departments=True)
    arena.freeze()
    for args in (("check", "content", "--offline", "-o", "output"),
                 (*BUILD, "-o", "output"),
                 ("check", "content", "--offline", "--format", "json", "-o", "output"),
                 ("links", "content", "-o", "output"),
                 ("links", "content", "--offline", "-o", "output"),
                 ("fit", "content", "-o", "output"),
                 ("export", "content", "--all", "--offline", "-o", "output")):
        outcome = arena.run(*args)
        assert outcome.exit_code in (0, 1), (args, outcome.output)
        arena.assert_untouched()
        assert not (arena.content.root / ".portfolio").exists(), args
    cache = arena.output / ".portfolio" / "cache"
    assert (cache / "files.json").is_file() and (cache / "derived").is_dir()
    assert (arena.output / "ming" / "departments" / "001.zip").is_file()


def test_check_never_makes_a_folder_for_its_cache(arena: Arena) -> None:
    _student(arena)
    arena.freeze()
    for where in ("nowhere/deep", "victim"):
        outcome = arena.run("check", "content", "--offline", "--format", "json", "-o", where)
        assert outcome.exit_code == 0, outcome.output
        assert json.loads(outcome.stdout)["counts"]["error"] == 0
    # An -o given inside the content is said to be a mistake, as every command says it.
    outcome = arena.run("check", "content", "--offline", "--format", "json", "-o", "content")
    assert outcome.exit_code == 2 and "content" in outcome.stderr and not outcome.stdout
    assert not (arena.root / "nowhere").exists()
    arena.assert_untouched()


def test_check_uses_the_cache_of_an_earlier_output(arena: Arena) -> None:
    _student(arena)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    cache = arena.output / ".portfolio" / "cache" / "files.json"
    stamp = cache.stat().st_mtime_ns
    arena.freeze()
    outcome = arena.run("check", "content", "--offline", "--format", "json", "-o", "output")
    assert outcome.exit_code == 0
    assert cache.stat().st_mtime_ns == stamp       # nothing new learned, nothing written
    arena.assert_untouched()


# ------------------------------------------------------------------- the tool's own folder

def test_a_state_folder_that_is_a_link_refuses_the_output(arena: Arena) -> None:
    """`.portfolio` swapped for a link to a bystander's folder (holding the moved record,
    so the output still reads as ours): the record, the lock and every cache would be
    written there. The output is refused; `check -o` reads no cache through it."""
    _student(arena)
    settle(arena.content.root)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    theirs = arena.victim / "stash"
    shutil.move(arena.output / ".portfolio", theirs)
    (arena.output / ".portfolio").symlink_to(theirs, target_is_directory=True)
    arena.freeze()
    outcome = arena.run(*BUILD, "-o", "output")
    assert outcome.exit_code == 2 and "Traceback" not in outcome.output
    assert _said("output-state-not-folder") in _err(outcome)
    checked = arena.run("check", "content", "--offline", "--format", "json", "-o", "output")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["counts"]["error"] == 0
    arena.assert_untouched()


@pytest.mark.parametrize("where", ["cache", "cache/derived", "cache/derived/markdown",
                                   "cache/students", "lock", "journal"])
def test_a_link_in_the_state_folder_is_removed_not_followed(arena: Arena, where: str) -> None:
    """Before: a build wrote its caches (rendered texts, compiled templates, readings)
    into whatever folder a link at `.portfolio/cache` led to."""
    _student(arena)
    settle(arena.content.root)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    planted = arena.output / ".portfolio" / where
    theirs = arena.victim / "stash"
    if planted.is_dir():
        shutil.move(planted, theirs)             # what it held, now a bystander's
        planted.symlink_to(theirs, target_is_directory=True)
    else:
        theirs.mkdir()
        planted.unlink(missing_ok=True)
        planted.symlink_to(theirs / "file")      # dangling: O_CREAT would make it
    # An edit, so that the build renders a text and keeps a reading again.
    index = arena.content.root / "ming" / "items" / "optics" / "index.md"
    index.write_text(index.read_text("utf-8") + "\n又寫了一段。\n", "utf-8")
    arena.freeze()
    outcome = arena.run(*BUILD, "-o", "output")
    assert outcome.exit_code == 0 and "Traceback" not in outcome.output, outcome.output
    assert not planted.is_symlink()
    assert "又寫了一段" in (arena.output / "ming" / "items" / "optics" / "index.html").read_text(
        "utf-8")
    arena.assert_untouched()


@pytest.mark.parametrize("record", ["state.json", "links.json", "stamp.json", "build.json",
                                    "cache/files.json", "cache/students/*.json",
                                    "cache/derived/site/*/*/meta.json"])
def test_a_record_of_gigabytes_is_no_record(arena: Arena, record: str) -> None:
    """A record of the tool's own swapped for a (sparse) file of 3 GB: read whole, it ran
    the build out of memory ("cannot read content: MemoryError"). Each is read through a
    cap now, and one over it is a damaged record: no record at all."""
    _student(arena)
    settle(arena.content.root)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    state = arena.output / ".portfolio"
    found = sorted(state.glob(record)) or [state / record]
    with open(found[0], "wb") as fh:
        fh.truncate(3 * 2**30)
    # An edit, so that the build has something to do and reads what it keeps.
    index = arena.content.root / "ming" / "items" / "optics" / "index.md"
    index.write_text(index.read_text("utf-8") + "\n又寫了一段。\n", "utf-8")
    arena.freeze()
    outcome = arena.run(*BUILD, "-o", "output")
    assert "Traceback" not in outcome.output and "MemoryError" not in outcome.output
    if record == "state.json":
        # The record that says the folder is ours: without it, it is a folder of someone's.
        assert outcome.exit_code == 2 and _said("output-not-ours") in _err(outcome)
    else:
        assert outcome.exit_code == 0, outcome.output
        page = arena.output / "ming" / "items" / "optics" / "index.html"
        assert "又寫了一段" in page.read_text("utf-8")
    arena.assert_untouched()


def test_a_laid_out_item_of_gigabytes_is_laid_out_again(arena: Arena) -> None:
    """The PDF step's cached item pages (fragments) are read through the same cap."""
    _student(arena)
    arena.content.performance("contest")
    settle(arena.content.root)
    build = ("build", "content", "--offline", "--lang", "en", "-o", "output")
    assert arena.run(*build).exit_code == 0
    fragments = sorted((arena.output / ".portfolio").glob("cache/derived/pdf/fragments/*.pdf"))
    assert fragments
    for fragment in fragments:
        with open(fragment, "wb") as fh:
            fh.truncate(3 * 2**30)
    index = arena.content.root / "ming" / "items" / "contest" / "index.md"
    index.write_text(index.read_text("utf-8") + "\n又寫了一段。\n", "utf-8")
    arena.freeze()
    outcome = arena.run(*build)
    assert outcome.exit_code == 0 and "Traceback" not in outcome.output, outcome.output
    assert all(f.stat().st_size < 2**30 for f in fragments if f.exists())
    pdf = arena.output / "ming" / "portfolio.pdf"
    text_ = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "又寫了一段" in text_
    arena.assert_untouched()


def test_check_writes_nothing_in_the_output_it_reads(arena: Arena) -> None:
    """`check -o` holds no claim on the output: it reads its caches, and when it learns
    something new (a new file inspected) it keeps it to itself."""
    _student(arena)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    arena.content.performance("contest", images=["pic.png"])
    arena.content.file("contest", "pic.png", arena.content.media.png)
    arena.freeze()
    before = {p: p.read_bytes() for p in (arena.output / ".portfolio").rglob("*")
              if p.is_file() and p.name != "lock"}
    outcome = arena.run("check", "content", "--offline", "--format", "json", "-o", "output")
    assert outcome.exit_code == 0, outcome.output
    after = {p: p.read_bytes() for p in (arena.output / ".portfolio").rglob("*")
             if p.is_file() and p.name != "lock"}
    assert after == before
    arena.assert_untouched()


# ----------------------------------------------------------------------------- processes

def _slow_video(arena: Arena) -> None:
    """An item whose video must be converted for upload: ffmpeg works for a while."""
    _student(arena)
    source = arena.root / "src.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=s=640x360:r=25:d=40", "-c:v", "mpeg4", "-q:v", "8",
                    str(source)], check=True, capture_output=True)
    arena.content.performance("film", media="film.mp4", submitted=113)
    arena.content.file("film", "film.mp4", source)
    source.unlink()
    for n in range(6):   # enough pictures for the media step to fork workers
        arena.content.file("optics", f"p{n}.png", _png(arena.root / f"p{n}.png", n))


def _png(path: Path, n: int) -> Path:
    from PIL import Image

    Image.new("RGB", (900 + n, 600), (n * 30, 90, 160)).save(path)
    return path


def _marked(mark: str) -> list[int]:
    """Live processes (not zombies) started with PORTFOLIO_TEST_MARK=mark in their env."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"PORTFOLIO_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes().split(
                    b"\0") and (entry / "stat").read_text().split(") ")[1][0] != "Z":
                found.append(int(entry.name))
        except (OSError, IndexError):
            continue
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
    except OSError:
        return ""


def _start(arena: Arena, mark: str, *args: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "PORTFOLIO_DEBUG"}
    env["PORTFOLIO_TEST_MARK"] = mark
    return subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=arena.root,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def _wait_for(condition, seconds: float = 25.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("moment", ["workers", "ffmpeg"])
def test_a_killed_build_leaves_no_process_behind(arena: Arena, moment: str) -> None:
    # Before: the forked workers went on after `kill -9` of the build (an upload encode
    # died already, of its broken progress pipe). Now every worker and every ffmpeg or
    # ffprobe dies with its parent (PR_SET_PDEATHSIG), whatever it is doing.
    _slow_video(arena)
    arena.freeze()
    mark = uuid.uuid4().hex
    build = _start(arena, mark, "build", "content", "-o", "output", "--offline", "--skip",
                   "pdf", "--jobs", "2")
    try:
        def ready() -> bool:
            others = [p for p in _marked(mark) if p != build.pid]
            if moment == "workers":
                return any(_command(p) == _command(build.pid) for p in others)
            return any(_command(p).endswith("ffmpeg") for p in others)

        _kill_when(build, mark, ready, f"no {moment} seen")
    finally:
        _reap(build, mark)
    arena.assert_untouched()


def _kill_when(build: subprocess.Popen[bytes], mark: str, ready: Callable[[], bool],
               what: str) -> None:
    """`kill -9` the build once `ready()`; then no process it started may be left."""
    assert _wait_for(ready), f"{what}: {build.poll()} {_marked(mark)}"
    build.send_signal(signal.SIGKILL)
    build.wait(10)
    assert _wait_for(lambda: not _marked(mark), 5.0), [_command(p) for p in _marked(mark)]


def _reap(build: subprocess.Popen[bytes], mark: str) -> None:
    if build.poll() is None:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
    for pid in _marked(mark):
        os.kill(pid, signal.SIGKILL)


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def test_a_killed_rebuild_leaves_neither_its_helper_nor_the_helper_s_workers(
        arena: Arena) -> None:
    # A rebuild forks a helper that loads WeasyPrint while the content is read, and the
    # PDF workers are forked from the helper, not from the build (engine/warm_workers.py).
    # Killed mid-wave, the build takes both generations with it.
    _student(arena, departments=True)
    first = arena.run("build", "content", "-o", "output", "--offline", "--lang", "en")
    assert first.exit_code == 0, first.stderr
    index = arena.content.root / "ming" / "items" / "optics" / "index.md"
    index.write_text(index.read_text("utf-8") + "\n再補一句。\n", "utf-8")
    arena.freeze()
    mark = uuid.uuid4().hex
    build = _start(arena, mark, "build", "content", "-o", "output", "--offline", "--jobs", "2")
    try:
        def helper_working() -> bool:   # a worker whose parent is not the build
            marked = set(_marked(mark)) - {build.pid}
            return any(_parent(p) in marked for p in marked)

        _kill_when(build, mark, helper_working, "no helper's worker seen")
    finally:
        _reap(build, mark)
    arena.assert_untouched()


def test_an_interrupted_build_leaves_no_temp_files_after_the_next(arena: Arena) -> None:
    # Before: 69 `.tmp` files were left behind after one interrupted build. Now every
    # temporary file is named `.portfolio-tmp-…` and the next command removes them; and
    # what the killed build wrote is still known as the tool's own.
    _slow_video(arena)
    arena.freeze()
    mark = uuid.uuid4().hex
    build = _start(arena, mark, "build", "content", "-o", "output", "--offline", "--skip",
                   "pdf")
    try:
        assert _wait_for(lambda: bool(_temp_files(arena.output)) and any(
            _command(p).endswith("ffmpeg") for p in _marked(mark) if p != build.pid))
        build.send_signal(signal.SIGKILL)
        build.wait(10)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait()
    assert _temp_files(arena.output), "the kill came too late to leave anything"
    outcome = arena.run(*BUILD, "--skip", "upload", "-o", "output")
    assert outcome.exit_code == 0, outcome.output
    assert _temp_files(arena.output) == []
    assert _failures(arena.output) == []     # its own files are not taken for someone else's
    assert (arena.output / "ming" / "items" / "film" / "index.html").is_file()
    arena.assert_untouched()


def _lock_holder(lock: Path) -> bool:
    """Whether some process holds a flock on `lock` (read from /proc/locks, untouched)."""
    try:
        inode = lock.stat().st_ino
    except OSError:
        return False
    return any(f":{inode} " in line and "FLOCK" in line
               for line in Path("/proc/locks").read_text().splitlines())


def test_a_second_command_on_the_same_output_exits_2(arena: Arena) -> None:
    # Before: two builds of one output interleaved their files and temp names. Now the
    # second one stops at once: "another portfolio command is writing to output".
    _student(arena)
    arena.freeze()
    mark = uuid.uuid4().hex
    first = _start(arena, mark, *BUILD, "-o", "output")
    try:
        assert _wait_for(lambda: _lock_holder(arena.output / ".portfolio" / "lock"))
        first.send_signal(signal.SIGSTOP)   # holding the lock for as long as this takes
        for args in (BUILD, ("fit", "content", "--lang", "en"),
                     ("export", "content", "--all", "--offline", "--lang", "en"),
                     ("links", "content", "--lang", "en")):
            outcome = arena.run(*args, "-o", "output")
            assert outcome.exit_code == 2, (args, outcome.output)
            assert "another portfolio command is writing to output" in _err(outcome)
        first.send_signal(signal.SIGCONT)
        assert first.wait(30) == 0, first.stderr.read() if first.stderr else ""
    finally:
        if first.poll() is None:
            first.send_signal(signal.SIGCONT)
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    again = arena.run(*BUILD, "-o", "output")     # consistent: nothing left to redo
    assert again.exit_code == 0 and _failures(arena.output) == []
    log = json.loads((arena.output / ".portfolio" / "build.json").read_text("utf-8"))
    assert log["rendered"] == [] and _temp_files(arena.output) == []
    arena.assert_untouched()


def test_a_lock_held_elsewhere_stops_the_build_before_it_writes(arena: Arena) -> None:
    _student(arena)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    with assert_originals_unchanged(arena.output):
        fd = os.open(arena.output / ".portfolio" / "lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            arena.content.course("essay", subject="國文", submitted=113)
            outcome = arena.run(*BUILD, "-o", "output")
        finally:
            os.close(fd)
    assert outcome.exit_code == 2
    assert "another portfolio command is writing to output" in _err(outcome)


def test_a_lock_held_elsewhere_stops_a_build_with_nothing_to_do(arena: Arena) -> None:
    """A build with nothing to do (its record: engine/build_stamp.py) claims the output all
    the same: another command may be halfway through changing it."""
    _student(arena)
    settle(arena.content.root)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    log = json.loads((arena.output / ".portfolio" / "build.json").read_text("utf-8"))
    assert log["unchanged"] is True
    fd = os.open(arena.output / ".portfolio" / "lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        outcome = arena.run(*BUILD, "-o", "output")
    finally:
        os.close(fd)
    assert outcome.exit_code == 2
    assert "another portfolio command is writing to output" in _err(outcome)


def _damaged(record: dict) -> list[str]:
    """The record of a build with nothing to do, damaged in ways a disk or a hand can: each
    must be no record at all, never a traceback."""
    said = record["said"]
    return ["", "{", "[]", "null", json.dumps({**record, "version": 99}),
            json.dumps({**record, "said": None}),
            json.dumps({**record, "said": {**said, "lang": "fr"}}),
            json.dumps({**record, "said": {**said, "findings": "x"}}),
            json.dumps({**record, "said": {**said, "findings": {**said["findings"],
                                                                "findings": [{"code": 1}]}}}),
            json.dumps({**record, "said": {**said, "notes": [None]}}),
            json.dumps({**record, "until": "later"}),
            "\x00" * 100_000]


def test_a_damaged_record_of_the_last_build_is_no_record(arena: Arena) -> None:
    _student(arena)
    settle(arena.content.root)
    assert arena.run(*BUILD, "-o", "output").exit_code == 0
    stamp = arena.output / ".portfolio" / "stamp.json"
    record = json.loads(stamp.read_text("utf-8"))
    arena.freeze()
    for text_ in _damaged(record):
        stamp.write_text(text_, "utf-8")
        outcome = arena.run(*BUILD, "-o", "output")
        assert outcome.exit_code == 0, (text_[:200], outcome.output)
        assert "Traceback" not in outcome.output
        log = json.loads((arena.output / ".portfolio" / "build.json").read_text("utf-8"))
        assert "unchanged" not in log, text_[:200]
        # The real build records again, and the next one has nothing to do.
        assert json.loads(stamp.read_text("utf-8"))["inputs"] == record["inputs"]
    arena.assert_untouched()


def _planted(entry: dict) -> list[str]:
    """A kept reading of a student folder (content/student_cache.py), damaged or made up:
    each must be no entry at all, never a traceback or a finding of its own."""
    student, found = entry["student"], entry["findings"]
    return ["", "{", "[]", "null", "[" * 200_000, "\x00" * 100_000,
            json.dumps({**entry, "version": 99}),
            json.dumps({**entry, "student": {**student, "slug": ["x"]}}),
            json.dumps({**entry, "student": {**student, "items": "everything"}}),
            json.dumps({**entry, "findings": [["x", "fatal", None, None, None, {}]]}),
            json.dumps({**entry, "findings": [[1, 2]]}),
            json.dumps({**entry, "findings": {"a": found}})]


def test_a_damaged_or_planted_reading_of_a_student_is_read_past(arena: Arena) -> None:
    _student(arena)
    arena.content.performance("contest", category="不存在的類別")   # a finding when read
    settle(arena.content.root)
    assert arena.run(*BUILD, "-o", "output").exit_code == 1    # the error found
    check = ("check", "content", "--offline", "--format", "json", "-o", "output")
    expected = json.loads(arena.run(*check).stdout)
    entry_path = next((arena.output / ".portfolio" / "cache" / "students").glob("*.json"))
    entry = json.loads(entry_path.read_text("utf-8"))
    arena.freeze()
    for text_ in _planted(entry):
        entry_path.write_text(text_, "utf-8")
        outcome = arena.run(*check)
        assert outcome.exit_code == 1 and "Traceback" not in outcome.output, text_[:200]
        assert json.loads(outcome.stdout) == expected, text_[:200]
    # An entry that is a link to a bystander is neither read nor written through.
    entry_path.unlink()
    entry_path.symlink_to(arena.victim / "notes.txt")
    assert json.loads(arena.run(*check).stdout) == expected
    (arena.content.root / "ming" / "items" / "optics" / "index.md").write_text(
        "---\ntype: course\ntitle: 光學\nsubject: 物理\nterm: 1131\n---\n改過了。\n", "utf-8")
    settle(arena.content.root)
    arena.freeze()
    assert arena.run(*BUILD, "-o", "output").exit_code == 1
    # The tool's own entry: the link is replaced by the new reading, never written through.
    assert not entry_path.is_symlink() and json.loads(entry_path.read_text("utf-8"))["key"]
    arena.assert_untouched()


# ----------------------------------------------------------------------------- the disk

def test_a_full_disk_says_so(arena: Arena) -> None:
    # Before: a write that failed for want of room came out as "cannot read content"
    # (or one failure per page). Now: "cannot write …: disk full", exit 2.
    _student(arena)
    arena.freeze()
    outcome = arena.run(*BUILD, "-o", "output", fsize=4096)
    assert outcome.exit_code == 2, outcome.output
    assert "cannot write output/" in _err(outcome) and ": disk full" in _err(outcome)
    assert "cannot read" not in _err(outcome)
    arena.assert_untouched()
    outcome = arena.run(*BUILD, "-o", "output", "--lang", "zh-TW", fsize=4096)
    assert "無法寫入" in _err(outcome) and "磁碟已滿" in _err(outcome)
    # Room again: the next build finishes, over what the failed ones left.
    outcome = arena.run(*BUILD, "-o", "output")
    assert outcome.exit_code == 0, outcome.output
    assert _temp_files(arena.output) == [] and _failures(arena.output) == []


def test_a_file_in_the_way_of_the_output_says_so(arena: Arena) -> None:
    _student(arena)
    (arena.root / "taken").write_text("a file, not a folder\n", "utf-8")
    arena.freeze()
    outcome = arena.run(*BUILD, "-o", "taken/site")
    assert outcome.exit_code == 2
    assert "cannot write taken/site: a file of the same name is in the way" in _err(outcome)
    arena.assert_untouched()
