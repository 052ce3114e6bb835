"""A student's folder is read again only when something in it changed
(content/student_cache.py): what the reading made comes back the same from the cache."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from generator.content import loader
from generator.content.student_cache import FOLDER, StudentCache
from generator.findings import make
from generator.model import Portfolio
from generator.support import tree_state
from generator.support.ownership import cache_dir, holding
from tests.builder import ContentBuilder, settle


@pytest.fixture
def two(content: ContentBuilder) -> ContentBuilder:
    content.student("ming")
    content.course("optics", slug="ming")
    # A finding made while reading (an unknown category), with figures in two languages.
    content.performance("contest", slug="ming", category="不存在的類別",
                        date=dt.date(2025, 5, 4))
    content.student("hua", name="李小華", student_id="11305678")
    content.performance("service", slug="hua", category="service")
    content.departments([{"code": "001", "name": "某大學 物理學系", "courses": ["optics"]}],
                        slug="ming")
    settle(content.root)
    return content


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The student folders `load_student` reads, in order."""
    folders: list[str] = []
    real = loader.load_student

    def counting(folder: Path, *args: object, **kwargs: object) -> object:
        folders.append(folder.name)
        return real(folder, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_student", counting)
    return folders


def _load(root: Path, out: Path) -> tuple[Portfolio, list]:
    with holding(out, root):
        return loader.load_portfolio(root, cache_dir=cache_dir(out))


def test_an_unchanged_folder_is_taken_from_the_cache(two: ContentBuilder, tmp_path: Path,
                                                      read: list[str]) -> None:
    out = tmp_path / "out"
    first, found = _load(two.root, out)
    assert sorted(read) == ["hua", "ming"]
    assert "field-invalid" in [f.code for f in found]
    read.clear()
    again, found_again = _load(two.root, out)
    assert read == []                       # neither folder was read
    assert again.students == first.students
    assert found_again == found             # the reading's findings, figures and all
    # The items' files are still resolved and inspected each time.
    assert [i.files for s in again.students for i in s.items] \
        == [i.files for s in first.students for i in s.items]


def test_an_edit_reads_that_folder_again(two: ContentBuilder, tmp_path: Path,
                                         read: list[str]) -> None:
    out = tmp_path / "out"
    _load(two.root, out)
    index = two.root / "ming" / "items" / "optics" / "index.md"
    # The same length and the same modification time: the change time still tells it.
    before = index.stat()
    index.write_text(index.read_text("utf-8").replace("這次的心得", "那次的心得"), "utf-8")
    os.utime(index, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert index.stat().st_size == before.st_size
    read.clear()
    portfolio, _ = _load(two.root, out)
    assert read == ["ming"]
    assert "那次的心得" in portfolio.student("ming").item("optics").body  # type: ignore[union-attr]
    # A student renamed away: its kept reading goes with it.
    kept = cache_dir(out) / FOLDER
    assert len(list(kept.iterdir())) == 2
    (two.root / "hua").rename(two.root / "hua2")
    read.clear()
    _load(two.root, out)
    assert read == ["hua2"] and len(list(kept.iterdir())) == 2


def test_what_cannot_be_trusted_is_read_every_time(two: ContentBuilder, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   read: list[str]) -> None:
    out = tmp_path / "out"
    # hua's folder holds a link (what it leads to may change while the folder does not).
    (two.root / "hua" / "items" / "service" / "note.md").symlink_to(
        two.root / "ming" / "student.yaml")
    # ming's was written just now: a disk keeping times to the second could hide an edit.
    two.course("fresh", slug="ming")
    for _ in range(2):
        read.clear()
        _load(two.root, out)
        assert sorted(read) == ["hua", "ming"]
    # Another version of the tool reads everything again.
    settle(two.root)
    _load(two.root, out)
    (two.root / "hua" / "items" / "service" / "note.md").unlink()
    settle(two.root)
    _load(two.root, out)
    read.clear()
    _load(two.root, out)
    assert read == []
    monkeypatch.setattr(tree_state, "PACKAGE", tmp_path / "another-tool")
    _load(two.root, out)
    assert sorted(read) == ["hua", "ming"]


def test_only_a_command_holding_the_output_keeps_readings(two: ContentBuilder,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    loader.load_portfolio(two.root, cache_dir=cache_dir(out))   # as `check -o` reads
    assert not (cache_dir(out) / FOLDER).exists()


def test_a_reading_json_would_change_is_not_kept(two: ContentBuilder, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with holding(out, two.root):
        portfolio, _ = loader.load_portfolio(two.root)
        student = portfolio.student("ming")
        cache = StudentCache.open(cache_dir(out), two.root, portfolio.rules, "university",
                                  (10, 10))
        assert cache.get(student.path) is None
        # A figure JSON would bring back as text: nothing is kept.
        cache.put(student.path, student, [make("field-invalid", "x", when=dt.date(2025, 1, 1))])
        assert not (cache_dir(out) / FOLDER).exists()
        cache.put(student.path, student, [make("field-invalid", "x", when="2025-01-01")])
        assert len(list((cache_dir(out) / FOLDER).iterdir())) == 1
        assert cache.get(student.path) == (student, [make("field-invalid", "x",
                                                          when="2025-01-01")])
        os.utime(student.path, None)     # now: too recent to trust
        assert cache.get(student.path) is None


@pytest.mark.parametrize("where", ["links", "body", "document"])
def test_a_reading_with_a_password_in_an_address_is_never_kept(
        two: ContentBuilder, tmp_path: Path, read: list[str], where: str) -> None:
    """The password is in the student's own file; the tool writes it nowhere, its cache
    included (support/url_credentials.py)."""
    secret = "http://alice:s3cret-Pw0rd@example.com/x"
    front = {"type": "performance", "title": "機器人", "summary": "參加比賽的過程與收穫。",
             "category": "competition", "date": dt.date(2025, 3, 1)}
    body = "這次的心得。"
    if where == "body":
        body = f"心得，作品在 [這裡]({secret.replace('http:', 'https:')})。"
    else:
        front[where] = [secret] if where == "links" else secret
    two.item("robot", body=body, slug="hua", **front)
    settle(two.root)
    out = tmp_path / "out"
    _load(two.root, out)
    read.clear()
    _load(two.root, out)
    kept = list((cache_dir(out) / FOLDER).iterdir())
    assert not [p for p in kept if b"s3cret" in p.read_bytes()]
    if where == "document":
        # The reading holds the address as shown, the password already cut: kept.
        assert read == [] and len(kept) == 2
    else:
        assert read == ["hua"]              # read again: its reading was not kept
        assert len(kept) == 1               # ming's, which has no password


def test_an_entry_of_other_inputs_is_no_entry(two: ContentBuilder, tmp_path: Path,
                                              read: list[str]) -> None:
    out = tmp_path / "out"
    _load(two.root, out)
    entry = next((cache_dir(out) / FOLDER).glob("*.json"))
    data = json.loads(entry.read_text("utf-8"))
    # Another student's reading under this folder's name, but for another key.
    data["key"] = "0" * 64
    entry.write_text(json.dumps(data), "utf-8")
    read.clear()
    _load(two.root, out)
    assert len(read) == 1
