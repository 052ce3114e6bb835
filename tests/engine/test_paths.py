"""generator/engine/output_paths.py with hostile names: every path stays inside the output,
no two names share one, and every link leads to its file."""

from __future__ import annotations

import posixpath
import random
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.engine import output_paths as paths
from generator.rules import path_rules

HOSTILE = [
    "", ".", "..", "...", "../x", "../../../ESCAPED", "/etc/passwd", "a/b", "a_b", "a\\b",
    "C:", "C:\\x", "x\x00y", "x\ny", "\t", " ", ".hidden", "%2e%2e", "%2F", "x#y?z",
    "two words", "50%off", "index.html", "INDEX.HTML", "assets", "findings.csv",
    "長" * 80 + ".jpg", "長" * 80 + ".png", "長" * 300 + ".pdf", "a" * 300, "a" * 255,
    "a" * 100, "a" * 101, "x~0123456789", "x~0123456789.jpg", "photo.jpg.480.webp",
    "photo.jpg", "資工 A/B", "👨‍👩‍👧.jpg", "e\u0301", "\udcff.jpg", "a:b", "~",
]
GENERICS = ["copy.pdf", "copy.mp4", "w.480.webp", "w.1920.jpg", "p.960.webp", "poster.480.jpg"]


def assert_inside(rel: str, output: Path) -> None:
    """A relative POSIX path whose every part is a real name that fits on a disk."""
    assert not rel.startswith("/") and "\\" not in rel, rel
    parts = rel.split("/")
    assert all(p not in ("", ".", "..") for p in parts), rel
    assert all(len(p.encode("utf-8", "surrogatepass")) <= 255 for p in parts), rel
    assert all(not any(ord(c) < 32 for c in p) for p in parts), rel
    assert posixpath.normpath(rel) == rel, rel
    assert (output / rel).resolve().is_relative_to(output.resolve()), rel


def _builders() -> dict[str, Callable[[str], str]]:
    return {
        "student_dir": paths.student_dir,
        "student_page": paths.student_page,
        "item_page": lambda n: paths.item_page(n, n),
        "item_files_dir": lambda n: paths.item_files_dir("ming", n),
        "upload_dir": lambda n: paths.upload_dir(n, n),
        "upload_file": lambda n: paths.upload_file("ming", n, "document.pdf"),
        "upload_name": lambda n: paths.upload_file("ming", "c1", n),
        "checklist": lambda n: paths.checklist_page(n, 113),
        "counselor": paths.counselor_page,
        "department": lambda n: paths.department_pdf(n, "001012"),
        **{f"media {g}": (lambda n, g=g: paths.media_file(
            paths.item_files_dir("ming", n), n, g)) for g in GENERICS},
    }


def _fuzz(count: int, seed: int = 12) -> list[str]:
    rng = random.Random(seed)
    alphabet = [*"ab07.~/\\:%#? -_", "..", "長", "\x00", "\n", "é", "👨‍👩‍👧", ".jpg", "page1"]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
            for _ in range(count)]


@pytest.mark.parametrize("kind", sorted(_builders()))
def test_every_path_stays_inside_the_output(kind: str, tmp_path: Path) -> None:
    build = _builders()[kind]
    for name in HOSTILE + _fuzz(400):
        assert_inside(build(name), tmp_path / "output")


def test_no_two_names_share_a_segment() -> None:
    names = list(dict.fromkeys(HOSTILE + _fuzz(3000)))
    segments = [paths.segment(n) for n in names]
    assert len(set(segments)) == len(names)
    # A kept name never looks derived, so it cannot be another name's derived one.
    for name, seg in zip(names, segments, strict=True):
        assert seg == name or seg == paths.derived_name(name)
    # Long names that differ only past the budget still differ.
    a, b = "長" * 80 + "甲.jpg", "長" * 80 + "乙.jpg"
    assert paths.segment(a) != paths.segment(b)


def test_media_copies_and_variants_never_collide() -> None:
    names = ["photo.jpg", "photo.jpg.480.webp", "a.pdf", "a.pdf.page1.960.webp", "a.pdf.page1",
             "v.mp4", "v.mp4.poster", "v.mp4.poster.480.jpg", "V.MP4.POSTER.480.JPG",
             "長" * 90 + ".pdf", *_fuzz(500, seed=3)]
    variants = [g for g in GENERICS if not g.startswith("copy.")]
    made = [paths.media_file("ming/items/c1/files", n, g) for n in dict.fromkeys(names)
            for g in ["copy.bin", *variants]]
    assert len(set(made)) == len(made)


def test_long_names_keep_a_readable_prefix_and_their_type() -> None:
    name = "長" * 80 + ".jpg"
    seg = paths.segment(name)
    assert seg.startswith("長" * 30) and seg.endswith(".jpg")
    assert len(seg.encode()) <= path_rules().name_max_bytes + 1 + paths.HASH_CHARS + 5
    assert paths.segment("photo.jpg") == "photo.jpg"          # a safe name is kept
    assert paths.segment("x#y?z") == "x#y?z"                  # encoded in links, not renamed


def test_reserved_top_level_names_get_their_own() -> None:
    assert paths.student_dir("index.html") != "index.html"
    assert paths.student_dir("assets") != "assets"
    assert paths.upload_dir("ming", "index.html") != "ming/upload/index.html"


@pytest.mark.parametrize("code,ok", [
    ("001012", True), ("A", True), ("abc-DEF-123", True), ("a" * 16, True),
    ("", False), ("a" * 17, False), ("..", False), (".", False), ("../../../ESCAPED", False),
    ("資工 A/B", False), ("a b", False), ("a_b", False), ("a.b", False), ("001012\n", False),
    ("０１", False), ("A" * 300, False),
])
def test_department_codes(code: str, ok: bool) -> None:
    assert paths.department_code_ok(code) is ok
    if ok:
        assert paths.department_zip("ming", code) == f"ming/departments/{code}.zip"
    else:
        with pytest.raises(paths.UnsafePath):
            paths.department_dir("ming", code)


@pytest.mark.parametrize("rel", ["", "/x", "../x", "a/../b", "a//b", "a/./b", "a/", "a\\b",
                                 "a/\x00", "..", "."])
def test_checked_refuses(rel: str) -> None:
    with pytest.raises(paths.UnsafePath):
        paths.checked(rel)
    with pytest.raises(paths.UnsafePath):
        paths.zip_entry(rel)


def test_zip_entries_refuse_drives() -> None:
    with pytest.raises(paths.UnsafePath):
        paths.zip_entry("C:/x")
    assert paths.zip_entry("ming/departments/001012/index.html")


@pytest.mark.parametrize("slug,item", [("ming", "x#y?z"), ("ming", "two words"),
                                       ("a#b", "50%off"), ("小 明", "長" * 90),
                                       ("ming", "a:b")])
def test_links_lead_to_their_files(slug: str, item: str) -> None:
    pages = [paths.index_page(), paths.student_page(slug), paths.item_page(slug, item),
             paths.department_page(slug, "001012"), paths.uploads_page(slug)]
    targets = [*pages, paths.upload_file(slug, item, "document.pdf"), paths.asset("site.css"),
               paths.media_file(paths.item_files_dir(slug, item), "a b#.jpg", "w.480.webp")]
    for page in pages:
        for target in targets:
            url = paths.href(page, target)
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc and not parts.query
            assert not parts.fragment and "#" not in url and "?" not in url
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page),
                                                         unquote(parts.path)))
            assert resolved == target, (page, target, url)
    assert paths.href(pages[1], pages[2], "x#y").endswith("#x%23y")
