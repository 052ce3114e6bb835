"""The editor in each student's own track: a 技專 student (`track: tech` in student.yaml)
in a class on the university track gets B-1…D-3 in every form, and the fields the form
lacked before (the review code, a course outcome's status, a department's `other`) are
written in place, as people write them."""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.content.text_readers import parse_yaml
from tests.browserkit import CHROMIUM, BrowserThread
from tests.editor.conftest import Editor, start_editor

DEMO = Path(__file__).resolve().parents[2] / "content"
TECH = "zhang-zhihao"        # the demo's 技專 student; the class (portfolio.toml) is university
UNIVERSITY = "wang-xiaoming"
TECH_ITEM_CODES = ["B-1", "B-2", *(f"C-{n}" for n in range(1, 9)), "D-3"]


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Editor]:
    base = tmp_path_factory.mktemp("editor-tracks")
    root = base / "content"
    shutil.copytree(DEMO, root)
    assert "track" not in (root / "portfolio.toml").read_text("utf-8")
    running = start_editor(root, base / "output")
    yield running
    running.stop()


def fields(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in form["fields"]}


def values(shown: dict[str, Any], **changed: Any) -> dict[str, Any]:
    return {**{f["key"]: f["value"] for f in shown["fields"]}, **changed}


def diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_a_tech_student_in_a_university_class_gets_the_tech_codes(editor: Editor) -> None:
    status, listed = editor.request(f"/api/student?s={TECH}")
    assert status == 200
    schema = listed["schema"]
    assert schema["track"] == "tech"
    codes = [c["code"] for c in schema["codes"]]
    assert "B-1" in codes and "D-3" in codes and "N" not in codes
    kinds = {k["kind"]: k["code"] for k in schema["kinds"]}
    assert kinds["competition"] == "C-5" and kinds["certificate"] == "C-7"
    # 技專 sets no per-department count of courses or performances, nor a 綜整心得 length
    assert schema["limits"]["courses"] is None and schema["limits"]["reflection"] is None
    assert [p["code"] for p in schema["parts"]] == ["D-2", "D-2", "D-2"]
    # …and the university student beside them keeps A–R
    university = editor.request(f"/api/student?s={UNIVERSITY}")[1]["schema"]
    assert university["track"] == "university" and university["limits"]["courses"] == 3
    assert "J" in [c["code"] for c in university["codes"]]

    status, new = editor.request(f"/api/new?s={TECH}&kind=course")
    assert status == 200
    code = fields(new)["code"]
    assert [c for c, _label in code["choices"]] == TECH_ITEM_CODES
    assert "B-2" in code["blank"]                    # a course outcome's default on 技專
    form = fields(editor.request(f"/api/item?s={UNIVERSITY}&i=light-refraction")[1])
    assert [c for c, _ in form["code"]["choices"]][:3] == ["B", "C", "D"]


def test_a_b1_course_outcome_is_saved_and_read_back(editor: Editor) -> None:
    new = editor.request(f"/api/new?s={TECH}&kind=course")[1]
    given = values(new, title="數位邏輯實習：紅綠燈控制器",
                   summary="用 74 系列 IC 做出紅綠燈控制器。", subject="數位邏輯實習",
                   term="1132", form="practical", status="certified", code="B-1",
                   submitted="114")
    status, saved = editor.request("/api/item/save", {
        "s": TECH, "i": None, "new_id": "traffic-light", "kind": "course",
        "values": given, "files": {}, "body": "心得"})
    assert status == 200, saved
    path = editor.root / TECH / "items" / "traffic-light" / "index.md"
    front = parse_yaml(path.read_text("utf-8").split("---")[1])[0]
    assert front["code"] == "B-1" and front["status"] == "certified"
    assert "certified" not in front                  # a new file says it one way
    shown = fields(saved)
    assert shown["code"]["value"] == "B-1" and shown["status"]["value"] == "certified"
    # No finding about the code: B-1 is a code of this student's track.
    assert not [f for f in saved["findings"] if f["place"] == "code"]
    # Saved again unchanged: not a byte moves.
    before = path.read_bytes()
    status, _ = editor.request("/api/item/save", {
        "s": TECH, "i": "traffic-light", "base": saved["hash"], "values": values(saved),
        "files": saved["files"], "body": saved["body"]})
    assert status == 200 and path.read_bytes() == before
    # The draft check takes B-1 too, while a university code is refused by the track.
    status, draft = editor.request("/api/item/draft", {
        "s": TECH, "i": "traffic-light", "values": values(saved, code="J"),
        "files": saved["files"], "body": saved["body"]})
    assert status == 200
    assert any(f["code"] == "field-invalid" and "B-1" in f["message"]
               for f in draft["findings"])


def test_status_is_written_the_way_the_file_writes_it(editor: Editor) -> None:
    path = editor.root / TECH / "items" / "transformer-efficiency" / "index.md"
    form = editor.request(f"/api/item?s={TECH}&i=transformer-efficiency")[1]
    assert fields(form)["status"]["value"] == "certified"      # from `certified: true`
    assert [c for c, _ in fields(form)["status"]["choices"]] == ["draft", "sent", "certified"]
    before = path.read_text("utf-8")
    status, saved = editor.request("/api/item/save", {
        "s": TECH, "i": "transformer-efficiency", "base": form["hash"],
        "values": values(form, status="sent"), "files": form["files"], "body": form["body"]})
    assert status == 200, saved
    after = path.read_text("utf-8")
    # `sent` can only be said by `status`; the older `certified: true` is kept in agreement.
    assert diff(before, after) == ["-certified: true", "+certified: false", "+status: sent"]
    assert not [f for f in saved["findings"] if f["code"] == "field-invalid"]
    status, _ = editor.request("/api/item/save", {
        "s": TECH, "i": "transformer-efficiency", "base": saved["hash"],
        "values": values(saved, status="certified"), "files": saved["files"],
        "body": saved["body"]})
    assert status == 200
    assert diff(before, path.read_text("utf-8")) == ["+status: certified"]


def test_a_departments_other_text_is_edited_in_place(editor: Editor) -> None:
    path = editor.root / TECH / "departments.yaml"
    deps = editor.request(f"/api/departments?s={TECH}")[1]
    assert deps["schema"]["other_code"] == "D-3"
    before = path.read_text("utf-8")
    # Saved as it is (自述 parts written as `|` blocks): not a byte moves.
    status, deps = editor.request("/api/departments/save", {
        "s": TECH, "base": deps["hash"], "departments": deps["departments"]})
    assert status == 200 and path.read_text("utf-8") == before
    first = deps["departments"][0]
    assert first["other"] == ""
    first["other"] = "競賽作品的設計圖。\n\n[作品集](portfolio.pdf)"
    status, saved = editor.request("/api/departments/save", {
        "s": TECH, "base": deps["hash"], "departments": deps["departments"]})
    assert status == 200, saved
    after = path.read_text("utf-8")
    assert after.startswith(before.split("\n")[0])             # the comment on top stays
    added = diff(before, after)
    assert all(line.startswith("+") for line in added) and "+  other: |" in added
    data, problems = parse_yaml(after)
    assert not problems and data[0]["other"].startswith("競賽作品的設計圖。")
    assert saved["departments"][0]["other"].startswith("競賽作品的設計圖。")
    # What the department asks for now counts D-3 as given (the tally is the student's track's)
    status, draft = editor.request("/api/departments/draft", {
        "s": TECH, "departments": [{**saved["departments"][0], "wants": ["D-3"]}]})
    assert status == 200 and draft["states"][0]["wants"] == [{"code": "D-3", "ok": True}]
    # A department's own cap (not on the page, kept as written) counts in the live tally.
    status, draft = editor.request("/api/departments/draft", {
        "s": TECH, "departments": [{**saved["departments"][0], "limits": {"B-1": 0}}]})
    assert status == 200
    assert [f["code"] for f in draft["states"][0]["findings"]] == ["department-limit"]
    # A page that sends no `other` leaves it as it is.
    for dep in saved["departments"]:
        dep.pop("other")
    status, _ = editor.request("/api/departments/save", {
        "s": TECH, "base": saved["hash"], "departments": saved["departments"]})
    assert status == 200 and path.read_text("utf-8") == after


# ------------------------------------------------------------------ in Chromium

@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")
def test_the_page_draws_a_tech_students_forms_in_tech_terms(chromium: BrowserThread,
                                                           editor: Editor) -> None:
    seen = chromium.run(lambda browser: _look(browser, editor))
    options, parts, other, counts, errors = seen
    assert "B-1 專題實作及實習科目學習成果" in options and "J 競賽表現" not in options
    assert parts == ["D-2 學習歷程反思", "D-2 就讀動機", "D-2 未來學習計畫與生涯規劃"]
    assert other == "D-3 其他有利審查資料"
    assert counts == ["已選 2 件", "已選 2 件"]       # 技專: no cap of 3 and 10 to count against
    assert errors == []


def _look(browser: Any, editor: Editor) -> tuple[list[str], list[str], str, list[str],
                                                 list[str]]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(editor.url)
    page.goto(f"{editor.base}/#/s/{TECH}/new/course")
    page.wait_for_selector('[name="code"]')
    options = page.eval_on_selector_all('[name="code"] option', "els => els.map(e => e.text)")
    page.goto(f"{editor.base}/#/s/{TECH}/departments")
    page.wait_for_selector("#d0-part-plan")
    parts = [page.locator(f'label[for="d0-part-{k}"]').inner_text()
             for k in ("reflection", "motivation", "plan")]
    other = page.locator('label[for="d0-other"]').inner_text()
    counts = page.eval_on_selector_all("[data-count]", "els => els.map(e => e.textContent)")
    page.close()
    return options, parts, other, counts[:2], errors
