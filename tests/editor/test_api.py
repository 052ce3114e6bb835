"""What the editor's page asks of the server, asked directly: a form saved unchanged
leaves every file as it was, dropped files never replace one, a file is judged by its
bytes, and departments, profiles and new students are written as people write them."""

from __future__ import annotations

import difflib
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.content.text_readers import parse_yaml
from tests.builder import ContentBuilder
from tests.editor.conftest import Editor, start_editor
from tests.mediafactory import MediaFactory

DEMO = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Editor]:
    base = tmp_path_factory.mktemp("editor-api")
    root = base / "content"
    shutil.copytree(DEMO, root)
    content = ContentBuilder.__new__(ContentBuilder)
    content.root, content.media = root, MediaFactory(base / "media")
    content.student("hua", name="李小華", student_id="011300003", enrolled=113)
    content.write(root / "hua" / "items" / "odd" / "index.md",
                  "---\ntype: course\ntitle: 手寫的\nterm: '1131'\nsubject: 物理\n"
                  "date_note: 自己加的\nsummary: |\n  兩行的\n  簡述\n---\n心得\n")
    # A date no one can read one way only (March 1st or January 3rd): 2025/03/01 is read.
    content.write(root / "hua" / "items" / "bad-date" / "index.md",
                  "---\ntype: performance\ncategory: 服務學習紀錄\ntitle: 志工\n"
                  "date: 03/01/2025\ndetails:\n  時數: 8\n---\n")
    content.student("lin", name="林小安", student_id="11300002")
    content.write(root / "lin" / "items" / "broken" / "index.md",
                  "---\ntype: course\ntitle: [沒有關起來\n---\n心得\n")
    content.write(root / "lin" / "departments.yaml", "- code: 001\n  name: [壞掉\n")
    running = start_editor(root, base / "output")
    yield running
    running.stop()


def form_of(editor: Editor, slug: str, item: str) -> dict[str, Any]:
    status, form = editor.request(f"/api/item?s={slug}&i={item}")
    assert status == 200, form
    return form


def unchanged(form: dict[str, Any], slug: str, **values: Any) -> dict[str, Any]:
    given = {f["key"]: f["value"] for f in form["fields"]}
    return {"s": slug, "i": form["id"], "base": form["hash"], "values": {**given, **values},
            "files": form["files"], "body": form["body"]}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_saving_any_form_unchanged_changes_no_byte(editor: Editor) -> None:
    items = sorted(p.parent for p in editor.root.glob("*/items/*/index.md"))
    assert len(items) >= 16
    before = {p: digest(p / "index.md") for p in items}
    for folder in items:
        slug, item = folder.parent.parent.name, folder.name
        form = form_of(editor, slug, item)
        if not form["editable"]:
            continue  # an unreadable file: the next test
        status, saved = editor.request("/api/item/save", unchanged(form, slug))
        assert status == 200, (item, saved)
        assert digest(folder / "index.md") == before[folder], item
    for slug in ("wang-xiaoming", "hua"):  # lin's departments.yaml cannot be read
        deps = editor.request(f"/api/departments?s={slug}")[1]
        path = editor.root / slug / "departments.yaml"
        was = path.read_bytes() if path.exists() else None
        status, _ = editor.request("/api/departments/save",
                                   {"s": slug, "base": deps["hash"],
                                    "departments": deps["departments"]})
        assert status == 200 and (path.read_bytes() if path.exists() else None) == was
        profile = editor.request(f"/api/profile?s={slug}")[1]
        was = (editor.root / slug / "student.yaml").read_bytes()
        status, _ = editor.request("/api/profile/save", {
            "s": slug, "base": profile["hash"],
            "values": {f["key"]: f["value"] for f in profile["fields"]}})
        assert status == 200 and (editor.root / slug / "student.yaml").read_bytes() == was


def test_a_file_that_cannot_be_read_is_shown_not_edited(editor: Editor) -> None:
    path = editor.root / "lin" / "items" / "broken" / "index.md"
    was = path.read_bytes()
    form = form_of(editor, "lin", "broken")
    assert not form["editable"] and form["problem"]["code"] == "syntax-error"
    status, said = editor.request("/api/item/save", {
        "s": "lin", "i": "broken", "base": form["hash"], "values": {"title": "x"},
        "files": {}, "body": "x"})
    assert status == 409 and said["error"] == "edit-not-editable"
    assert path.read_bytes() == was
    deps = editor.request("/api/departments?s=lin")[1]
    assert not deps["editable"] and deps["problem"]["code"] == "syntax-error"
    listed = editor.request("/api/student?s=lin")[1]
    assert [i["id"] for i in listed["items"] if i.get("broken")] == ["broken"]


def test_a_dropped_file_never_replaces_one(editor: Editor, media: MediaFactory) -> None:
    folder = editor.root / "wang-xiaoming" / "items" / "ee-camp"
    was = digest(folder / "camp.jpg")
    names = []
    for _ in range(2):
        form = form_of(editor, "wang-xiaoming", "ee-camp")
        status, got = editor.request(
            f"/api/upload?s=wang-xiaoming&i=ee-camp&slot=images&name=camp.jpg&base={form['hash']}",
            raw=media.jpg.read_bytes())
        assert status == 200, got
        names.append(got["received"])
    assert names == ["camp-2.jpg", "camp-3.jpg"]
    assert digest(folder / "camp.jpg") == was
    assert got["files"]["images"][-2:] == ["camp-2.jpg", "camp-3.jpg"]
    # A stale form (the file changed since) takes no file at all.
    status, _ = editor.request(
        f"/api/upload?s=wang-xiaoming&i=ee-camp&slot=images&name=x.jpg&base={form['hash']}",
        raw=media.jpg.read_bytes())
    assert status == 409 and not (folder / "x.jpg").exists()


def test_a_file_is_judged_by_its_bytes(editor: Editor, media: MediaFactory) -> None:
    form = form_of(editor, "hua", "odd")
    status, got = editor.request(
        f"/api/upload?s=hua&i=odd&slot=document&name=report.pdf&base={form['hash']}",
        raw=media.png.read_bytes())             # a picture renamed .pdf
    assert status == 200
    mine = [f for f in got["findings"] if f["place"] == "file:report.pdf"]
    assert [f["code"] for f in mine] == ["file-type-mismatch"]
    assert "PNG" in mine[0]["message"].upper()


def test_a_hand_written_oddity_survives_a_save(editor: Editor) -> None:
    path = editor.root / "hua" / "items" / "bad-date" / "index.md"
    form = form_of(editor, "hua", "bad-date")
    shown = {f["key"]: f["value"] for f in form["fields"]}
    assert shown["date"] == "03/01/2025" and shown["details.hours"] == "8"
    assert any(f["code"] == "field-invalid" and f["place"] == "date" for f in form["findings"])
    before = path.read_text("utf-8")
    status, _ = editor.request("/api/item/save", unchanged(form, "hua", **{
        "details.hours": "10"}))
    assert status == 200
    assert _diff(before, path.read_text("utf-8")) == ["-  時數: 8", "+  時數: 10"]


def test_departments_are_written_in_place(editor: Editor) -> None:
    path = editor.root / "wang-xiaoming" / "departments.yaml"
    deps = editor.request("/api/departments?s=wang-xiaoming")[1]
    first = deps["departments"][0]
    assert first["parts"] and first["parts"]["motivation"].startswith("我喜歡做")
    before = path.read_text("utf-8")
    first["parts"]["plan"] += "\n- **補充**：多讀論文。"
    first["performances"] = first["performances"][:-1]
    new = {"index": None, "code": "012345", "name": "國立清華大學 物理學系", "courses": [],
           "performances": ["science-fair"], "wants": ["J", "N"],
           "parts": {"reflection": "", "motivation": "喜歡物理。", "plan": ""},
           "reflection": "做科展的收穫。\n\n第二段。"}
    status, draft = editor.request("/api/departments/draft", {
        "s": "wang-xiaoming", "departments": [*deps["departments"], new]})
    assert status == 200
    state = draft["states"][-1]
    assert (state["courses"], state["performances"]) == (0, 1)
    assert state["wants"] == [{"code": "J", "ok": True}, {"code": "N", "ok": True}]
    assert state["minutes"] >= 1
    status, saved = editor.request("/api/departments/save", {
        "s": "wang-xiaoming", "base": deps["hash"],
        "departments": [*deps["departments"], new]})
    assert status == 200, saved
    after = path.read_text("utf-8")
    changes = _diff(before, after)
    assert [c for c in changes if c.startswith("-")] == ["-    - ee-camp"]
    assert changes[1] == "+    - **補充**：多讀論文。"
    assert after.startswith(before.split("\n")[0])            # the comment on top stays
    data, problems = parse_yaml(after)
    assert not problems and data[-1] == {
        "code": "012345", "name": "國立清華大學 物理學系", "performances": ["science-fair"],
        "wants": ["J", "N"], "statement": {"motivation": "喜歡物理。"},
        "reflection": "做科展的收穫。\n\n第二段。\n"}


def test_a_profile_and_a_new_student(editor: Editor) -> None:
    path = editor.root / "hua" / "student.yaml"
    profile = editor.request("/api/profile?s=hua")[1]
    values = {f["key"]: f["value"] for f in profile["fields"]}
    before = path.read_text("utf-8")
    status, _ = editor.request("/api/profile/save", {"s": "hua", "base": profile["hash"],
                                                     "values": {**values, "name": "李小華同學"}})
    assert status == 200
    assert _diff(before, path.read_text("utf-8")) == ["-name: 李小華", "+name: 李小華同學"]
    assert parse_yaml(path.read_text("utf-8"))[0]["student_id"] == "011300003"  # still text

    status, made = editor.request("/api/student/new", {"slug": "chen", "values": {
        "name": "陳小美", "student_id": "001", "enrolled": "114"}})
    assert status == 200 and made == {"slug": "chen"}
    data, _ = parse_yaml((editor.root / "chen" / "student.yaml").read_text("utf-8"))
    assert data == {"name": "陳小美", "student_id": "001", "enrolled": 114}
    assert (editor.root / "chen" / "items").is_dir()
    status, _ = editor.request("/api/student/new", {"slug": "chen", "values": {}})
    assert status == 409


def test_the_reflection_preview_is_sanitised_like_the_site(editor: Editor) -> None:
    status, got = editor.request("/api/markdown", {
        "s": "wang-xiaoming", "i": "light-refraction",
        "text": "## 過程\n\n**粗體**<script>alert(1)</script>\n\n![裝置](setup.jpg)\n\n"
                "![外面](../../../student.yaml)<img src=x onerror=alert(1)>"})
    assert status == 200
    html = got["html"]
    assert "<h3" in html and "<strong>粗體</strong>" in html
    assert "<script" not in html and "onerror" not in html
    assert 'src="/api/file?s=wang-xiaoming&amp;i=light-refraction&amp;name=setup.jpg"' in html
    assert "student.yaml" not in html
    status, _ = editor.request("/api/file?s=wang-xiaoming&i=light-refraction&name=report.pdf")
    assert status == 404                                   # only pictures are shown


def _diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
