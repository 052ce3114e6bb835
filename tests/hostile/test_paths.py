"""Hostile names (issue 12): department codes that would leave the output, names too long
for a disk, item folders whose names break URLs. Every output path comes from
generator/engine/output_paths.py; these run the real command and look at what it wrote."""

from __future__ import annotations

import json
import posixpath
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.hostile.conftest import Arena

GOOD = "001012"
BAD_NAME = "壞掉的校系"


def _report(arena: Arena) -> list[dict[str, Any]]:
    return json.loads((arena.output / "report.json").read_text("utf-8"))["findings"]


def _check(arena: Arena) -> list[dict[str, Any]]:
    outcome = arena.run("check", "content", "--offline", "--format", "json", "--lang", "en")
    assert outcome.exit_code in (0, 1), outcome.output[-2000:]
    return json.loads(outcome.stdout)["findings"]


def _two_items(arena: Arena) -> None:
    arena.content.student()
    arena.content.course("c1", submitted=113)
    arena.content.performance("p1", submitted=113)


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src", "poster", "data"):
                self.urls.append(value)
            elif value and name in ("srcset", "imagesrcset"):
                self.urls += [p.strip().split(" ")[0] for p in value.split(",") if p.strip()]


def broken_links(output: Path, pages: list[Path]) -> list[str]:
    """Every local href/src of `pages` that does not lead to a file of the output."""
    broken = []
    for page in pages:
        parser = _Refs()
        parser.feed(page.read_text("utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # the web, or an anchor on the same page
            assert not parts.query, f"{page}: {url} has a query: a name was not encoded"
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(output.resolve()) or not target.is_file():
                broken.append(f"{page.relative_to(output)} → {url}")
    return broken


# ----------------------------------------------------------------- department codes

@pytest.mark.parametrize("code", ["../../../ESCAPED", "..", ".", "資工 A/B", "A" * 300],
                         ids=["escape", "dotdot", "dot", "space-slash", "300-chars"])
def test_a_department_code_that_is_not_a_safe_name(arena: Arena, code: str) -> None:
    _two_items(arena)
    arena.content.departments([
        {"code": code, "name": BAD_NAME, "courses": ["c1"]},
        {"code": GOOD, "name": "好的校系", "courses": ["c1"], "performances": ["p1"]}])
    arena.freeze()

    found = _check(arena)
    refused = [f for f in found if f["code"] == "field-invalid"
               and f["file"] == "departments.yaml"]
    assert len(refused) == 1 and "code" in refused[0]["message"]
    assert "letters, digits" in refused[0]["message"]

    outcome = arena.run("export", "content", "-o", "output", "--all", "--offline")
    assert outcome.exit_code == 1, outcome.output[-2000:]   # the refused department says so
    assert "field-invalid" in outcome.output
    assert "field-invalid" in [f["code"] for f in _report(arena)]

    departments = arena.output / "ming" / "departments"
    assert sorted(p.name for p in departments.iterdir()) == [GOOD, f"{GOOD}.zip"]
    assert (departments / GOOD / "index.html").is_file()
    assert (departments / GOOD / "portfolio.pdf").is_file()
    for page in arena.output.rglob("*.html"):    # no page links to (or names) it
        assert BAD_NAME not in page.read_text("utf-8"), page
    # The site links to the department's PDF where the PDF step wrote it.
    assert broken_links(arena.output, list(arena.output.rglob("*.html"))) == []
    with zipfile.ZipFile(departments / f"{GOOD}.zip") as bundle:
        names = bundle.namelist()
    assert names and "index.html" in names        # the bundle opens at its own page
    for name in names:
        parts = name.split("/")
        assert not name.startswith("/") and "\\" not in name and ":" not in name, name
        assert all(p not in ("", ".", "..") for p in parts), name
    arena.assert_untouched()
    assert not (arena.root / "ESCAPED").exists()


def test_a_repeated_code_builds_one_department(arena: Arena) -> None:
    _two_items(arena)
    arena.content.departments([{"code": "abc", "name": "甲", "courses": ["c1"]},
                               {"code": "ABC", "name": BAD_NAME, "courses": ["c1"]}])
    arena.freeze()
    outcome = arena.run("build", "content", "-o", "output", "--offline", "--skip", "pdf")
    assert outcome.exit_code == 1
    assert [f["code"] for f in _report(arena) if f["file"] == "departments.yaml"] \
        == ["field-invalid"]
    assert [p.name for p in (arena.output / "ming" / "departments").iterdir()] == ["abc"]
    assert BAD_NAME not in (arena.output / "ming" / "index.html").read_text("utf-8")
    arena.assert_untouched()


# ----------------------------------------------------------------- names too long

def test_an_80_character_chinese_attachment_name(arena: Arena) -> None:
    name = "實驗報告" * 20 + ".pdf"                  # 240 bytes of name, 244 with .pdf
    photo = "照片" * 40 + ".jpg"
    arena.content.student()
    arena.content.file("c1", name, arena.content.media.pdf_with_text("折射實驗", pages=1))
    arena.content.file("c1", photo, arena.content.media.jpg)
    arena.content.course("c1", submitted=113, document=name, images=[photo])
    arena.freeze()

    outcome = arena.run("build", "content", "-o", "output", "--offline", "--lang", "en")
    assert outcome.exit_code in (0, 1), outcome.output[-2000:]
    assert "Could not make" not in outcome.output, outcome.output[-2000:]
    assert (arena.output / "ming" / "upload" / "c1" / "1131-物理-課程成果 c1.pdf").is_file()
    assert (arena.output / "ming" / "portfolio.pdf").is_file()
    files = list((arena.output / "ming" / "items" / "c1" / "files").iterdir())
    assert len(files) >= 3 and all(len(p.name.encode()) <= 160 for p in files)
    assert any(p.name.startswith("實驗報告實驗報告") and p.suffix == ".pdf" for p in files)
    pages = list((arena.output / "ming").rglob("*.html"))
    assert broken_links(arena.output, pages) == []
    arena.assert_untouched()


def test_a_300_character_document_name(arena: Arena) -> None:
    # 300 characters in all: folders inside the item make it a file that can exist...
    deep = "資料" * 40 + "/" + "附件" * 40 + "/" + "目錄" * 20 + "/" + "a" * 93 + ".pdf"
    assert len(deep) == 300
    # ...and 300 characters in one name cannot exist on any disk (255 bytes at most).
    impossible = "長" * 296 + ".pdf"
    arena.content.student()
    arena.content.file("c1", deep, arena.content.media.pdf_with_text("深層", pages=1))
    arena.content.course("c1", submitted=113, document=deep)
    arena.content.course("c2", submitted=113, document=impossible)
    arena.freeze()

    found = _check(arena)
    assert [(f["code"], f["item"]) for f in found if f["severity"] == "error"] \
        == [("attachment-missing", "c2")]

    outcome = arena.run("build", "content", "-o", "output", "--offline", "--lang", "en")
    assert outcome.exit_code == 1, outcome.output[-2000:]     # c2's missing file, not exit 2
    assert "Could not make" not in outcome.output, outcome.output[-2000:]
    assert "attachment-missing" in [f["code"] for f in _report(arena)]
    assert (arena.output / "ming" / "upload" / "c1" / "1131-物理-課程成果 c1.pdf").is_file()
    assert (arena.output / "ming" / "portfolio.pdf").is_file()
    copies = [p.name for p in (arena.output / "ming" / "items" / "c1" / "files").iterdir()]
    assert copies and all(len(n.encode()) <= 160 for n in copies)
    arena.assert_untouched()


# ----------------------------------------------------------------- names that break URLs

@pytest.mark.parametrize("item_id", ["x#y?z", "two words", "50%off"])
def test_an_item_folder_name_that_breaks_urls(arena: Arena, item_id: str) -> None:
    media = arena.content.media
    arena.content.student()
    arena.content.file(item_id, "photo one.jpg", media.jpg)
    arena.content.file(item_id, "report #1?.pdf", media.pdf_with_text("報告", pages=1))
    arena.content.course(item_id, submitted=113, document="report #1?.pdf",
                         images=["photo one.jpg"])
    arena.content.performance("p1", submitted=113)
    arena.content.departments([{"code": GOOD, "name": "好的校系", "courses": [item_id],
                                "performances": ["p1"]}])
    arena.freeze()

    outcome = arena.run("build", "content", "-o", "output", "--offline", "--skip", "pdf",
                        "--lang", "en")
    assert outcome.exit_code == 0, outcome.output[-2000:]
    assert [f for f in _report(arena) if f["severity"] == "error"] == []
    item_dir = arena.output / "ming" / "items" / item_id
    assert (item_dir / "index.html").is_file()
    pages = [*sorted((arena.output / "ming").rglob("*.html")), arena.output / "index.html"]
    assert broken_links(arena.output, pages) == []
    # The student page links to the item with its name encoded, not cut at # or ?.
    html = (arena.output / "ming" / "index.html").read_text("utf-8")
    encoded = posixpath.join("items", item_id.replace("%", "%25").replace("#", "%23")
                             .replace("?", "%3F").replace(" ", "%20"), "index.html")
    assert f'href="{encoded}"' in html
    arena.assert_untouched()


def test_a_link_to_a_file_outside_the_output_stays_out_of_the_bundle(arena: Arena) -> None:
    secret = arena.victim / "notes.txt"
    arena.content.student()
    arena.content.course("c1", submitted=113, body=(
        f'見 <a href="{secret}">筆記</a> 與 <img src="file://{secret}" alt="">'
        ' <a href="../../../../victim/notes.txt">另一份</a>'))
    arena.content.departments([{"code": GOOD, "name": "好的校系", "courses": ["c1"]}])
    arena.freeze()

    outcome = arena.run("export", "content", "-o", "output", "--all", "--offline")
    assert outcome.exit_code == 0, outcome.output[-2000:]
    with zipfile.ZipFile(arena.output / "ming" / "departments" / f"{GOOD}.zip") as bundle:
        names = bundle.namelist()
        assert "index.html" in names and any(n.startswith("uploads/01-") for n in names), names
        assert all(not n.startswith("/") and ".." not in n.split("/") for n in names), names
        assert not any(bundle.read(n) == secret.read_bytes() for n in names)
    arena.assert_untouched()


def test_a_departments_uploaded_pdf_outside_the_folder_is_never_read(arena: Arena) -> None:
    """A 技專 department's `uploads` naming a file out of the student's folder, by `..` or
    by a symbolic link: `path-outside`, and no byte of it in the kit, the page or the
    bundle."""
    secret = arena.victim / "secret.pdf"
    secret.write_bytes(arena.content.media.pdf.read_bytes())
    folder = arena.content.student(track="tech")
    arena.content.course("c1", submitted=113, code="B-1")
    (folder / "uploads").mkdir()
    (folder / "uploads" / "linked.pdf").symlink_to(secret)
    arena.content.departments([{"code": GOOD, "name": "好的校系", "courses": ["c1"],
                                "uploads": {"C-1": "uploads/linked.pdf",
                                            "C-2": "../../victim/secret.pdf"}}])
    arena.freeze()

    outcome = arena.run("export", "content", "-o", "output", "--all", "--offline",
                        "--force")  # the bundle is made even so: nothing of it leaks
    assert outcome.exit_code == 0, outcome.output[-2000:]   # forced
    found = _check(arena)
    outside = {f["file"] for f in found if f["code"] == "path-outside"}
    assert outside == {"uploads/linked.pdf", "../../victim/secret.pdf"}, found
    written = [p for p in arena.output.rglob("*") if p.is_file() and not p.is_symlink()]
    assert not any(p.read_bytes() == secret.read_bytes() for p in written)
    with zipfile.ZipFile(arena.output / "ming" / "departments" / f"{GOOD}.zip") as bundle:
        assert not any(bundle.read(n) == secret.read_bytes() for n in bundle.namelist())
    arena.assert_untouched()


def test_real_paths_resolve_as_path_resolve_does(tmp_path: Path) -> None:
    """The loader's folder lookups (content/item_paths.RealPaths, each folder looked up once
    per reading) land where `Path.resolve` does, links, loops, `..` and missing names too."""
    from generator.content.item_paths import RealPaths, real_inside

    root = tmp_path / "content"
    item = root / "s1" / "items" / "a"
    item.mkdir(parents=True)
    (item / "photo.jpg").write_bytes(b"x")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("no", "utf-8")
    (root / "s1" / "items" / "b").symlink_to(item)                   # a link inside
    (root / "s1" / "items" / "out").symlink_to(outside)              # a link out
    (item / "loop").symlink_to(item / "loop2")
    (item / "loop2").symlink_to(item / "loop")                       # a loop
    (item / "up").symlink_to(root / "s1")                            # a link, then `..`
    (tmp_path / "root-link").symlink_to(root)                        # the root itself a link
    paths = RealPaths()
    asked = [item, item / "photo.jpg", root / "s1" / "items" / "b" / "photo.jpg",
             root / "s1" / "items" / "out" / "secret.txt", item / "missing" / "deeper.pdf",
             item / "up" / ".." / "s1", item / ".." / "b", tmp_path / "root-link" / "s1",
             Path(str(item) + "/./photo.jpg"), item / ("長" * 300)]
    for path in asked * 2:   # the second time from what was learned the first
        assert paths.resolve(path) == path.resolve(), path
    with pytest.raises(RuntimeError):
        Path(item / "loop").resolve()
    with pytest.raises(RuntimeError):
        paths.resolve(item / "loop" / "x")
    assert real_inside(root, root / "s1" / "items" / "out" / "secret.txt", paths) is None
    assert real_inside(tmp_path / "root-link", root / "s1" / "items" / "b", paths) == item
    assert real_inside(root, item / "loop", paths) is None
