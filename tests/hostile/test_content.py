"""Hostile content: text files built to exhaust the reader, and links out of the root.

Each case runs the real command in a bounded child process (tests/hostile/conftest.py)
and checks the exit code, the finding, that nothing outside the output changed, and
that the content tree itself is as it was.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from PIL import Image

from tests.hostile.conftest import Arena
from tests.originals import assert_originals_unchanged

SECRET = "VICTIM-SECRET-7f3a"


def check(arena: Arena, *extra: str) -> tuple[int, dict]:
    outcome = arena.run("check", "content", "--offline", "--format", "json", *extra)
    assert outcome.exit_code in (0, 1), outcome.output[-2000:]
    return outcome.exit_code, json.loads(outcome.stdout)


def build(arena: Arena, *extra: str) -> tuple[int, dict]:
    outcome = arena.run("build", "content", "-o", "output", "--offline", "-q", *extra)
    assert outcome.exit_code in (0, 1), outcome.output[-2000:]
    report = json.loads((arena.output / "report.json").read_text("utf-8"))
    return outcome.exit_code, report


def having(doc: dict, code: str) -> list[dict]:
    return [f for f in doc["findings"] if f["code"] == code]


def front_matter_file(arena: Arena, item: str, yaml_text: str, body: str = "心得。") -> Path:
    folder = arena.content.root / "ming" / "items" / item
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "index.md"
    path.write_text(f"---\n{yaml_text}---\n{body}\n", "utf-8")
    return path


def output_text(arena: Arena) -> str:
    """Every file the build wrote, as text (binary files decoded loosely)."""
    chunks = []
    for path in arena.output.rglob("*"):
        if path.is_file():
            chunks.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)


# ------------------------------------------------------------------ YAML built to explode
def alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\nsummary: *a9\n"


def test_alias_bomb_in_front_matter_is_refused_at_once(arena: Arena) -> None:
    arena.content.student()
    front_matter_file(arena, "bomb", "type: course\ntitle: 炸彈\n" + alias_bomb())
    arena.content.course("fine")
    arena.freeze()
    code, doc = check(arena)
    (f,) = having(doc, "yaml-too-complex")
    assert (f["item"], f["file"], f["severity"]) == ("bomb", "index.md", "error")
    assert len(f["message"]) < 400
    assert code == 1
    # The other item is still read.
    assert not [g for g in doc["findings"] if g["item"] == "fine"]
    arena.assert_untouched()


def test_alias_bomb_in_a_build(arena: Arena) -> None:
    arena.content.student()
    front_matter_file(arena, "bomb", "type: course\ntitle: 炸彈\n" + alias_bomb())
    arena.freeze()
    code, report = build(arena, "--skip", "pdf")
    assert code == 1 and having(report, "yaml-too-complex")
    arena.assert_untouched()


def test_100000_deep_nesting_is_a_finding_not_a_crash(arena: Arena) -> None:
    arena.content.student()
    student = arena.content.root / "ming" / "student.yaml"
    student.write_text(student.read_text("utf-8") + "x: " + "[" * 100_000 + "]" * 100_000
                       + "\n", "utf-8")
    front_matter_file(arena, "deep", "type: course\ntitle: 深\nsummary: "
                      + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n")
    arena.freeze()
    code, doc = check(arena)
    found = {(f["item"], f["file"]) for f in having(doc, "yaml-too-complex")}
    assert found == {(None, "student.yaml"), ("deep", "index.md")}
    assert code == 1
    arena.assert_untouched()


def test_20000_deep_nesting_says_where(arena: Arena) -> None:
    arena.content.student()
    arena.content.departments([{"code": "001012", "name": "資工系"}])
    deps = arena.content.root / "ming" / "departments.yaml"
    deps.write_text(deps.read_text("utf-8") + "- " + "- " * 20_000 + "x\n", "utf-8")
    arena.freeze()
    outcome = arena.run("check", "content", "--offline", "--lang", "en")
    assert outcome.exit_code == 1
    assert "RecursionError" not in outcome.output
    assert "[yaml-too-complex] departments.yaml" in outcome.output
    assert "40 levels" in outcome.output
    arena.assert_untouched()


def test_block_style_nesting_and_self_reference(arena: Arena) -> None:
    arena.content.student()
    deep = "".join("  " * i + f"k{i}:\n" for i in range(200))  # 40 KB of indentation
    front_matter_file(arena, "blocks", "type: course\ntitle: 深\ndetails:\n"
                      + "\n".join("  " + line for line in deep.splitlines()) + "\n")
    # A list that holds itself: an alias to an anchor that is not finished yet.
    front_matter_file(arena, "itself", "type: course\ntitle: 自己\nimages: &a [*a]\n")
    arena.freeze()
    code, doc = check(arena)
    assert having(doc, "yaml-too-complex")[0]["item"] == "blocks"
    (bad,) = having(doc, "syntax-error")
    assert bad["item"] == "itself" and "alias" in bad["message"]
    assert code == 1
    arena.assert_untouched()


# ------------------------------------------------------------------ files too large
def sparse(path: Path, head: str, size: int) -> None:
    """A file of `size` bytes that starts with `head` and costs nothing to write."""
    with path.open("wb") as fh:
        fh.write(head.encode("utf-8"))
        fh.truncate(size)


def test_50_mb_reflection_is_not_read(arena: Arena) -> None:
    arena.content.student()
    arena.content.course("fine")
    path = front_matter_file(arena, "huge", "type: course\ntitle: 巨大\n")
    sparse(path, path.read_text("utf-8"), 50 * 2**20)
    arena.freeze()
    code, doc = check(arena)
    (f,) = having(doc, "text-too-large")
    assert (f["item"], f["file"]) == ("huge", "index.md")
    assert "52.4 MB" in f["message"] and "1 MB" in f["message"]
    assert code == 1
    code, report = build(arena, "--skip", "pdf")
    assert code == 1 and having(report, "text-too-large")
    assert (arena.output / "ming" / "items" / "fine" / "index.html").is_file()
    assert not (arena.output / "ming" / "items" / "huge").exists()
    arena.assert_untouched()


def test_every_text_file_has_the_cap(arena: Arena) -> None:
    arena.content.student()
    folder = arena.content.root / "ming"
    for name in ("courses.csv", "cadres.yaml", "departments.yaml"):
        sparse(folder / name, "", 3_000_000)
    sparse(arena.content.root / "portfolio.toml", 'today = "2026-11-20"\n', 2_000_000)
    sparse(folder / "reviews.yaml", "general: 好\n", 2_000_000)
    arena.freeze()
    code, doc = check(arena, "--lang", "en")
    files = {f["file"] for f in having(doc, "text-too-large")}
    assert files == {"courses.csv", "cadres.yaml", "departments.yaml", "portfolio.toml"}
    (review,) = having(doc, "review-unreadable")
    assert "over the 1 MB limit" in review["message"]
    assert code == 1
    arena.assert_untouched()


def test_a_school_may_raise_the_cap(arena: Arena) -> None:
    arena.content.student()
    arena.content.settings("[files]\ntext_max_mb = 3\n")
    arena.content.course("long", body="長" * 700_000)  # 2.1 MB of UTF-8
    arena.freeze()
    _code, doc = check(arena)
    assert not having(doc, "text-too-large")
    arena.content.settings("[files]\ntext_max_mb = 0.5\n")
    _code, doc = check(arena)
    assert having(doc, "text-too-large")[0]["item"] == "long"


# ------------------------------------------------------------------ duplicate keys
def test_duplicate_keys_are_found_and_the_later_value_kept(arena: Arena) -> None:
    arena.content.student()
    front_matter_file(arena, "twice", "type: course\ntitle: 第一個標題\nsubject: 物理\n"
                      "term: 1131\ntitle: 第二個標題\nsummary: 簡述。\n")
    student = arena.content.root / "ming" / "student.yaml"
    student.write_text(student.read_text("utf-8") + "name: 另一個名字\n", "utf-8")
    arena.freeze()
    code, doc = check(arena, "--lang", "en")
    found = {(f["item"], f["file"]): f for f in having(doc, "key-duplicate")}
    assert set(found) == {("twice", "index.md"), (None, "student.yaml")}
    said = found[("twice", "index.md")]["message"]
    assert "title on line 6" in said and "line 3" in said and "later value" in said
    assert found[("twice", "index.md")]["severity"] == "error"
    assert code == 1
    build(arena, "--skip", "pdf")
    page = (arena.output / "ming" / "items" / "twice" / "index.html").read_text("utf-8")
    assert "第二個標題" in page and "第一個標題" not in page
    arena.assert_untouched()


# ------------------------------------------------------------------ out of the root
def assert_secret_nowhere(arena: Arena) -> None:
    assert SECRET not in output_text(arena)
    for name in ("report.json", "findings.csv"):
        assert (arena.output / name).is_file(), name


def test_student_yaml_and_courses_csv_linked_out_of_the_root(arena: Arena) -> None:
    folder = arena.content.student()
    arena.content.course("fine")
    (arena.victim / "passwd").write_text(f"name: {SECRET}\nstudent_id: '{SECRET}'\n", "utf-8")
    (arena.victim / "grades.csv").write_text(
        f"term,subject,grade,credits,score\n1131,{SECRET},1,2,90\n", "utf-8")
    (arena.victim / "cadres.yaml").write_text(f"- unit: {SECRET}\n", "utf-8")
    (arena.victim / "index.md").write_text(
        f"---\ntype: course\ntitle: {SECRET}\n---\n{SECRET}\n", "utf-8")
    (arena.victim / "secret.jpg").write_bytes(arena.content.media.jpg.read_bytes())
    (folder / "student.yaml").unlink()
    os.symlink(arena.victim / "passwd", folder / "student.yaml")
    os.symlink(arena.victim / "grades.csv", folder / "courses.csv")
    os.symlink(Path("..", "..", "victim", "cadres.yaml"), folder / "cadres.yaml")
    linked = arena.content.course("linked")
    (linked / "index.md").unlink()
    os.symlink(arena.victim / "index.md", linked / "index.md")
    # A picture a department's text names, by `..` out of the root.
    arena.content.departments([{"code": "001012", "name": "資工系",
                                "statement": "![我](../../victim/secret.jpg)"}])
    arena.freeze()
    code, doc = check(arena)
    assert {(f["item"], f["file"]) for f in having(doc, "path-outside")} == {
        (None, "student.yaml"), (None, "courses.csv"), (None, "cadres.yaml"),
        ("linked", "index.md"), (None, "../../victim/secret.jpg")}
    assert SECRET not in json.dumps(doc, ensure_ascii=False)
    assert code == 1
    code, report = build(arena, "--skip", "pdf")
    assert code == 1 and len(having(report, "path-outside")) == 5
    assert not list(arena.output.rglob("*secret*"))
    assert_secret_nowhere(arena)
    arena.assert_untouched()


def test_an_item_folder_linked_out_of_the_root(arena: Arena) -> None:
    arena.content.student()
    arena.content.course("fine")
    elsewhere = arena.victim / "stolen-item"
    elsewhere.mkdir()
    (elsewhere / "index.md").write_text(
        f"---\ntype: course\ntitle: {SECRET}\nsubject: 物理\nterm: 1131\n"
        f"images: [photo.jpg]\n---\n{SECRET}\n", "utf-8")
    arena.content.file("fine", "photo.jpg", arena.content.media.jpg)
    (elsewhere / "photo.jpg").write_bytes(arena.content.media.jpg.read_bytes())
    os.symlink(elsewhere, arena.content.root / "ming" / "items" / "stolen")
    arena.freeze()
    code, doc = check(arena)
    (f,) = having(doc, "path-outside")
    assert (f["item"], f["file"]) == ("stolen", "items/stolen")
    assert code == 1
    code, report = build(arena, "--skip", "pdf")
    assert code == 1 and having(report, "path-outside")
    assert not (arena.output / "ming" / "items" / "stolen").exists()
    assert_secret_nowhere(arena)
    arena.assert_untouched()


def test_a_student_folder_and_items_folder_linked_out_of_the_root(arena: Arena) -> None:
    arena.content.student()
    arena.content.course("fine")
    other = arena.victim / "other-student"
    (other / "items").mkdir(parents=True)
    (other / "student.yaml").write_text(f"name: {SECRET}\nstudent_id: '1'\n", "utf-8")
    os.symlink(other, arena.content.root / "stranger")
    second = arena.content.student("hua", student_id="11301235")
    (second / "items").rmdir()
    os.symlink(other / "items", second / "items")
    arena.freeze()
    code, doc = check(arena)
    assert {(f["student"], f["file"]) for f in having(doc, "path-outside")} == {
        (None, "stranger"), ("11301235", "items")}
    assert SECRET not in json.dumps(doc, ensure_ascii=False)
    assert code == 1
    arena.assert_untouched()


def test_links_that_stay_inside_the_root_are_fine(arena: Arena) -> None:
    arena.content.student()
    arena.content.course("real", document="report.pdf")
    arena.content.file("real", "report.pdf", arena.content.media.pdf)
    shared = arena.content.root / "_shared"
    shared.mkdir()
    arena.content.course("moved", slug="_shared")
    os.symlink(Path("..", "..", "_shared", "items", "moved"),
               arena.content.root / "ming" / "items" / "alias")
    arena.freeze()
    code, doc = check(arena)
    assert not having(doc, "path-outside")
    assert code == 0, doc["findings"]
    arena.assert_untouched()


def test_reviews_linked_out_of_the_root(arena: Arena) -> None:
    arena.content.student()
    (arena.victim / "reviews.yaml").write_text(f"general: {SECRET}\n", "utf-8")
    os.symlink(arena.victim / "reviews.yaml", arena.content.root / "ming" / "reviews.yaml")
    arena.freeze()
    code, doc = check(arena, "--lang", "en")
    (f,) = having(doc, "review-unreadable")
    assert "leads outside" in f["message"]
    assert code == 0  # a comments file is the counselor's: a warning
    build(arena, "--skip", "pdf")
    assert_secret_nowhere(arena)
    arena.assert_untouched()


# ------------------------------------------------------------------ one verdict per picture
def truncated_jpeg() -> bytes:
    """A JPEG whose headers are whole and whose picture data stops halfway."""
    img = Image.effect_mandelbrot((240, 180), (-2.0, -1.5, 1.0, 1.5), 60).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    data = buf.getvalue()
    return data[: len(data) * 6 // 10]


def test_truncated_jpeg_is_damaged_in_check_build_and_check_again(arena: Arena) -> None:
    arena.content.student()
    arena.content.course("photo", images=["cut.jpg"])
    arena.content.file("photo", "cut.jpg", truncated_jpeg())
    arena.freeze()

    def damaged(doc: dict) -> bool:
        return [f["file"] for f in having(doc, "file-unreadable")] == ["cut.jpg"]

    # The PDF step imports WeasyPrint, which turns Pillow's truncated-image switch on:
    # a build that inspects first, then a check that trusts what the build cached.
    code, report = build(arena)
    assert damaged(report) and code == 1
    code, doc = check(arena)
    assert damaged(doc) and code == 1
    # And the other way round, from an empty cache.
    for path in (arena.content.root / ".portfolio").rglob("*.json"):
        path.unlink()
    code, doc = check(arena)
    assert damaged(doc) and code == 1
    code, report = build(arena)
    assert damaged(report) and code == 1
    code, doc = check(arena)
    assert damaged(doc) and code == 1
    arena.assert_untouched()


def test_an_old_cached_verdict_is_not_trusted(arena: Arena) -> None:
    import hashlib

    arena.content.student()
    arena.content.course("photo", images=["cut.jpg"])
    path = arena.content.file("photo", "cut.jpg", truncated_jpeg())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    st = path.stat()
    build(arena, "--skip", "pdf")        # an output of ours, whose cache `check` then reads
    cache = arena.output / ".portfolio" / "cache" / "files.json"
    fine = {"size": st.st_size, "sha256": digest, "kind": "jpg", "width": 240, "height": 180}
    # What an earlier version wrote after a build had passed the truncated file.
    cache.write_text(json.dumps({"version": 3, "by_hash": {f"{digest}:60000000": fine},
                                 "by_stat": {f"{path}:{st.st_size}:{st.st_mtime_ns}": digest}}),
                     "utf-8")
    arena.freeze()
    code, doc = check(arena)
    assert having(doc, "file-unreadable") and code == 1
    arena.assert_untouched()


# ------------------------------------------------------------------ names and messages
def test_angle_bracket_image_name_with_a_space(arena: Arena) -> None:
    arena.content.student()
    arena.content.course("spaced", body="裝置照片：\n\n![裝置](<with space.jpg>)\n\n"
                         "![另一張](<圖 二.jpg> \"標題\")\n")
    arena.content.file("spaced", "with space.jpg", arena.content.media.jpg)
    arena.content.file("spaced", "圖 二.jpg", arena.content.media.jpg)
    arena.freeze()
    code, doc = check(arena)
    assert doc["findings"] == [] and code == 0
    build(arena, "--skip", "pdf")
    page = (arena.output / "ming" / "items" / "spaced" / "index.html").read_text("utf-8")
    assert 'src="files/with%20space.jpg.' in page and "%E5%9C%96%20%E4%BA%8C.jpg." in page
    arena.assert_untouched()


def test_a_huge_value_is_quoted_as_a_short_excerpt(arena: Arena) -> None:
    arena.content.student()
    values = ", ".join(f"value{i}" for i in range(20_000))
    front_matter_file(arena, "long", f"type: course\ntitle: [{values}]\nsubject: 物理\n"
                      f"term: 1131\nsummary: 簡述。\nunknown_{'x' * 1000}: 1\n"
                      f"form: {'y' * 100_000}\n")
    arena.freeze()
    code, doc = check(arena, "--lang", "en")
    assert code == 1
    for f in doc["findings"]:
        assert len(f["message"]) < 600, f["message"][:300]
    assert any("…" in f["message"] for f in having(doc, "field-invalid"))


def test_an_impossible_date_is_a_field_finding(arena: Arena) -> None:
    arena.content.student()
    arena.content.performance("when", date="2025-13-09")
    path = arena.content.root / "ming" / "items" / "when" / "index.md"
    path.write_text(path.read_text("utf-8").replace("'2025-13-09'", "2025-13-09"), "utf-8")
    arena.freeze()
    code, doc = check(arena)
    (f,) = having(doc, "field-invalid")
    assert (f["item"], code) == ("when", 1)
    arena.assert_untouched()



def test_a_cache_folder_linked_out_of_the_root_is_not_used(arena: Arena) -> None:
    arena.content.student()
    arena.content.course("photo", images=["cut.jpg"])
    arena.content.file("photo", "cut.jpg", truncated_jpeg())
    planted = arena.victim / "planted"
    (planted / "cache").mkdir(parents=True)
    (planted / "cache" / "files.json").write_text("[]", "utf-8")
    os.symlink(planted, arena.content.root / ".portfolio")
    # Nothing of the tool's lives in the content root any more; a planted `.portfolio`
    # there is neither read nor written. Watch the whole tree, the link's target too.
    # Neither read (a planted verdict) nor written (a file outside the root).
    with assert_originals_unchanged(arena.root, skip=[arena.output]):
        code, doc = check(arena)
    assert having(doc, "file-unreadable") and code == 1


def test_a_damaged_cache_is_ignored(arena: Arena) -> None:
    arena.content.student()
    arena.content.course("photo", images=["cut.jpg"])
    path = arena.content.file("photo", "cut.jpg", truncated_jpeg())
    build(arena, "--skip", "pdf")        # an output of ours, whose cache `check` then reads
    cache = arena.output / ".portfolio" / "cache" / "files.json"
    import hashlib

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for planted in ("[]", '{"version": 4, "by_hash": [], "by_stat": 3}',
                    json.dumps({"version": 4, "by_hash": {f"{digest}:60000000:v4": {"x": 1}},
                                "by_stat": {}})):
        cache.write_text(planted, "utf-8")
        code, doc = check(arena)
        assert having(doc, "file-unreadable") and code == 1


def test_a_megabyte_of_brackets_is_read_in_one_pass(arena: Arena) -> None:
    arena.content.student()
    arena.content.course("brackets", body="![" * 400_000)
    arena.content.course("opened", body="![x](" + "[" * 800_000)
    arena.content.departments([{"code": "001012", "name": "資工系",
                                "reflection": "![" * 400_000,
                                "other": "[a](" * 300_000}])   # R: read for its files
    arena.freeze()
    outcome = arena.run("check", "content", "--offline", "--format", "json")
    assert outcome.exit_code == 1, outcome.output[-2000:]  # the reflection is too long
    assert outcome.cpu < 10, outcome.cpu                   # one pass, not minutes
    arena.assert_untouched()


def test_deeply_nested_toml_is_a_syntax_error(arena: Arena) -> None:
    arena.content.student()
    arena.content.settings("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    arena.freeze()
    code, doc = check(arena, "--lang", "en")
    (f,) = having(doc, "syntax-error")
    assert f["file"] == "portfolio.toml" and "nested too deeply" in f["message"]
    assert code == 1
    arena.assert_untouched()


def test_receipts_yaml_is_bounded_and_stays_in_the_root(arena: Arena) -> None:
    """receipts.yaml (issue 15's new input) is read like every student file: a link out of
    the root is not followed, a file over the cap is not read, an alias bomb is refused."""
    folder = arena.content.student()
    (arena.victim / "receipts.yaml").write_text(f'"1132 修課紀錄":\n  wrong: {SECRET}\n', "utf-8")
    os.symlink(arena.victim / "receipts.yaml", folder / "receipts.yaml")
    arena.freeze()
    _, doc = check(arena)
    assert [(f["file"]) for f in having(doc, "path-outside")] == ["receipts.yaml"]
    assert SECRET not in json.dumps(doc, ensure_ascii=False)
    _, report = build(arena, "--skip", "pdf")
    assert having(report, "path-outside")
    assert_secret_nowhere(arena)
    (folder / "receipts.yaml").unlink()
    sparse(folder / "receipts.yaml", "", 3_000_000)
    arena.freeze()
    _, doc = check(arena)
    assert [f["file"] for f in having(doc, "text-too-large")] == ["receipts.yaml"]
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{n}: &a{n} [*a{n - 1}, *a{n - 1}, *a{n - 1}, *a{n - 1}, *a{n - 1}, *a{n - 1}]\n"
        for n in range(1, 10)) + '"1132 修課紀錄": *a9\n'
    (folder / "receipts.yaml").unlink()
    (folder / "receipts.yaml").write_text(bomb, "utf-8")
    arena.freeze()
    _, doc = check(arena)
    assert [f["file"] for f in having(doc, "yaml-too-complex")] == ["receipts.yaml"]
    arena.assert_untouched()
