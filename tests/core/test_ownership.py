"""support.atomic and support.ownership on their own: the writer and the record."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.support import atomic
from generator.support.ownership import OutputRefused, claim, holding, is_ours, read_state


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out" / "page.html"
    with pytest.raises(RuntimeError), atomic.replacing(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("the encoder died")
    assert not target.exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_temp_files_have_one_recognisable_name(tmp_path: Path) -> None:
    seen: list[str] = []
    with atomic.replacing(tmp_path / "a.mp4") as tmp:
        seen.append(tmp.name)
        tmp.write_bytes(b"x")
    assert seen[0].startswith(atomic.TEMP_PREFIX) and seen[0].endswith(".mp4")
    (tmp_path / f"{atomic.TEMP_PREFIX}left").write_bytes(b"")
    (tmp_path / "sub" / f"{atomic.TEMP_PREFIX}dir").mkdir(parents=True)
    assert atomic.sweep(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.mp4", "sub"]


def test_the_guard_writes_only_over_its_own_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with holding(out) as folder:
        assert atomic.write_text(out / "a" / "page.html", "ours")
        (out / "a" / "theirs.html").write_text("theirs", "utf-8")
        assert not atomic.write_text(out / "a" / "theirs.html", "ours")
        assert not atomic.remove(out / "a" / "theirs.html")
        assert atomic.write_text(out / "a" / "page.html", "ours again")
        assert folder.refusals() == ["a/theirs.html"]
    state = json.loads((out / ".portfolio" / "state.json").read_text("utf-8"))
    assert state["owned"] == ["a/page.html"] and state["dirs"] == ["a"]
    assert (out / "a" / "theirs.html").read_text("utf-8") == "theirs"
    assert atomic._guard is None


def test_what_a_forked_worker_writes_is_recorded(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with holding(out) as folder:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0 if atomic.write_text(out / "w" / "page.html", "by a worker") else 1
            os._exit(code)
        assert os.waitpid(pid, 0)[1] == 0
        assert folder.owns(out / "w" / "page.html")
        assert atomic.write_text(out / "w" / "page.html", "by the parent")
    state = json.loads((out / ".portfolio" / "state.json").read_text("utf-8"))
    assert "w/page.html" in state["owned"]


def test_the_journal_kept_open_loses_nothing_once_the_record_took_it_in(
        tmp_path: Path) -> None:
    """Each process keeps its journal open; once the record has taken the journal in and
    removed it, a worker's next note and the parent's own go to a new one."""
    out = tmp_path / "out"
    journal = out / ".portfolio" / "journal"
    with holding(out) as folder:
        assert atomic.write_text(out / "a.html", "first")
        to_worker, to_parent = os.pipe(), os.pipe()
        pid = os.fork()
        if pid == 0:  # a worker, which opens its journal before the parent saves
            ok = atomic.write_text(out / "w1.html", "before the save")
            os.write(to_parent[1], b"x")
            os.read(to_worker[0], 1)           # until the parent has saved the record
            ok = atomic.write_text(out / "w2.html", "after the save") and ok
            os._exit(0 if ok else 1)
        os.read(to_parent[0], 1)
        folder.save()
        assert not journal.exists()
        os.write(to_worker[1], b"x")
        assert os.waitpid(pid, 0)[1] == 0
        assert atomic.write_text(out / "b.html", "after the save too")
        assert journal.read_text("utf-8").splitlines() == ["f w2.html", "f b.html"]
    state = json.loads((out / ".portfolio" / "state.json").read_text("utf-8"))
    assert state["owned"] == ["a.html", "b.html", "w1.html", "w2.html"]


def test_a_killed_command_s_journal_is_folded_in(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with holding(out):
        pass
    (out / "x").mkdir()
    (out / "x" / "page.html").write_text("written just before the kill", "utf-8")
    (out / ".portfolio" / "journal").write_text("d x\nf x/page.html\nx y/refused\n", "utf-8")
    with holding(out) as folder:
        assert folder.owns(out / "x" / "page.html") and folder.refusals() == []
        assert atomic.remove(out / "x" / "page.html")
        folder.prune(out / "x")
    assert not (out / "x").exists()


def test_pruning_keeps_folders_it_did_not_make(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with holding(out) as folder:
        (out / "theirs").mkdir()
        assert atomic.write_text(out / "theirs" / "mine" / "p.html", "x")
        assert atomic.remove(out / "theirs" / "mine" / "p.html")
        folder.prune(out / "theirs" / "mine")
    assert (out / "theirs").is_dir() and not (out / "theirs" / "mine").exists()


def test_an_output_from_before_the_record_is_adopted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".portfolio").mkdir(parents=True)
    (out / ".portfolio" / "state.json").write_text('{"version": 1, "outputs": {}}', "utf-8")
    (out / "report.json").write_text("{}", "utf-8")
    assert is_ours(out)
    with holding(out):
        assert atomic.write_text(out / "report.json", "{}\n")


def test_a_link_out_of_the_output_is_not_followed(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    with holding(out):
        assert atomic.write_text(out / "s" / "index.html", "x")
    (out / "s" / "index.html").unlink()
    (out / "s").rmdir()
    (out / "s").symlink_to(elsewhere)
    with holding(out) as folder:
        assert not atomic.write_text(out / "s" / "index.html", "x")
        assert folder.refusals() == ["s"]      # the link is what is in the way
    assert list(elsewhere.iterdir()) == []


def test_a_file_of_the_record_replaced_by_a_link_is_no_longer_ours(tmp_path: Path) -> None:
    """The claim measures its record by one walk of the output that follows no link: a
    page of the tool's that someone replaced by a link is theirs now, left alone and said,
    and neither the link nor what it leads to is written."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("mine", "utf-8")
    with holding(out):
        assert atomic.write_text(out / "s" / "index.html", "x")
        assert atomic.write_text(out / "s" / "other.html", "x")
    (out / "s" / "index.html").unlink()
    (out / "s" / "index.html").symlink_to(elsewhere / "notes.txt")
    with holding(out) as folder:
        assert "s/index.html" not in folder.owned and "s/other.html" in folder.owned
        assert not atomic.write_text(out / "s" / "index.html", "y")
        assert atomic.write_text(out / "s" / "other.html", "y")
        assert folder.refusals() == ["s/index.html"]
    assert (out / "s" / "index.html").is_symlink()
    assert (elsewhere / "notes.txt").read_text("utf-8") == "mine"


def test_a_link_deep_in_the_output_or_to_a_folder_of_it_is_not_followed(
        tmp_path: Path) -> None:
    """Folders are looked at one by one from the top, and a folder found in place is
    remembered: a link further down, or one leading to another folder of the output,
    is still refused, whichever folder was written to first; and no folder is made
    through a link (which would make it outside the output)."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    with holding(out):
        assert atomic.write_text(out / "a" / "b" / "page.html", "x")
        assert atomic.write_text(out / "other" / "page.html", "x")
    (out / "a" / "c").symlink_to(elsewhere)
    (out / "a" / "d").symlink_to(out / "other")
    with holding(out) as folder:
        assert atomic.write_text(out / "a" / "b" / "again.html", "x")   # a/ is in place
        assert not atomic.write_text(out / "a" / "c" / "deep" / "page.html", "x")
        assert not atomic.write_text(out / "a" / "d" / "page.html", "y")
        assert sorted(folder.refusals()) == ["a/c", "a/d"]
    assert list(elsewhere.iterdir()) == []
    assert (out / "other" / "page.html").read_text("utf-8") == "x"


def test_files_gone_are_forgotten_by_the_next_walk_or_the_next_save(tmp_path: Path) -> None:
    """The claim's walk measures the record, so its first save looks at nothing again; a
    claim held on (serve's rebuilds) looks at what it records from then on."""
    out = tmp_path / "out"
    with holding(out) as folder:
        for name in ("a", "b", "c"):
            assert atomic.write_text(out / f"{name}.html", name)
        folder.save()
        (out / "b.html").unlink()          # gone while the claim is held
        assert atomic.write_text(out / "d.html", "d")
        folder.save()
        assert "b.html" not in read_state(out)["owned"]
        (out / "c.html").unlink()
    assert "c.html" in read_state(out)["owned"]       # the held claim's last save kept it
    with holding(out) as folder:
        assert sorted(folder.owned) == ["a.html", "d.html"]   # the walk forgot it
        (out / "c.html").write_text("someone else's", "utf-8")
        assert not atomic.write_text(out / "c.html", "c")
    assert (out / "c.html").read_text("utf-8") == "someone else's"


def test_no_write_goes_through_a_link_in_the_tool_s_own_folder(tmp_path: Path) -> None:
    """A link planted in `.portfolio/` while the claim is held (the claim's walk removes
    those it finds): writes, folders and removals there are refused like anywhere else
    in the output, and what the link leads to is left alone."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "theirs.json").write_text("theirs", "utf-8")
    with holding(out) as folder:
        cache = out / ".portfolio" / "cache"
        assert atomic.write_text(cache / "a" / "entry.json", "ours")
        (cache / "b").symlink_to(elsewhere, target_is_directory=True)
        assert not atomic.write_text(cache / "b" / "entry.json", "x")
        assert not atomic.write_text(cache / "b" / "deep" / "entry.json", "x")
        assert not atomic.remove(cache / "b" / "theirs.json")
        with pytest.raises(NotADirectoryError):
            atomic.make_dirs(cache / "b")
        with pytest.raises(NotADirectoryError), atomic.replacing_dir(cache / "b" / "key"):
            pass
        assert folder.refusals() == [".portfolio/cache/b"]
    assert sorted(p.name for p in elsewhere.iterdir()) == ["theirs.json"]
    assert (out / ".portfolio" / "cache" / "a" / "entry.json").read_text("utf-8") == "ours"
    with holding(out):    # the next claim's walk takes the link away, and only the link
        assert not (out / ".portfolio" / "cache" / "b").exists()
    assert (elsewhere / "theirs.json").read_text("utf-8") == "theirs"


def test_one_claim_at_a_time(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with holding(out):
        with pytest.raises(OutputRefused) as refused:
            claim(out)
        assert refused.value.key == "output-busy"
    claim(out).release()


def test_the_record_is_written_once_compact_and_only_when_it_changed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    state = out / ".portfolio" / "state.json"
    with holding(out):
        assert state.is_file()  # a new output is marked as ours at once
        assert atomic.write_text(out / "a" / "page.html", "ours")
    assert "\n" not in state.read_text("utf-8")  # compact, read by programs only
    written = state.stat().st_ino  # each write replaces the file: a new inode
    with holding(out):
        pass
    assert state.stat().st_ino == written  # nothing changed: the record is left alone
    with holding(out) as folder:
        folder.save({"a/page.html": {"fp": "1", "by": "site"}})
        saved = state.stat().st_ino
        assert saved != written
    assert state.stat().st_ino == saved  # the claim's end had nothing more to say
    with holding(out) as folder:
        assert atomic.remove(out / "a" / "page.html")
        folder.prune(out / "a")
    data = json.loads(state.read_text("utf-8"))
    assert data["owned"] == [] and data["dirs"] == [] and "a/page.html" in data["outputs"]


def test_linking_the_same_file_again_leaves_no_temporary_file(tmp_path):
    # rename(2) of a hard link over another link to the same file does nothing: the
    # temporary name must still go (a media copy linked again on every rebuild).
    source = tmp_path / "cache" / "entry.webp"
    source.parent.mkdir()
    source.write_bytes(b"RIFF")
    target = tmp_path / "out" / "files" / "photo.webp"
    for _ in range(2):
        assert atomic.copy_file(source, target, link=True)
    assert sorted(p.name for p in target.parent.iterdir()) == ["photo.webp"]
    assert target.read_bytes() == b"RIFF"
    assert atomic.write_bytes(target, b"new") and sorted(target.parent.iterdir()) == [target]
