"""The round-trip writer: a save changes the lines of the fields that changed, nothing else."""

from __future__ import annotations

import copy
import datetime as dt
import difflib

import pytest

from generator.content.text_readers import parse_yaml
from generator.editor import forms
from generator.editor.roundtrip import (
    DELETE,
    FlowList,
    FrontMatterText,
    NotEditable,
    edit_yaml,
    new_index,
)

HAND_WRITTEN = """---
# 我自己寫的：順序跟範例不一樣
summary: 和同學研究糖水濃度與折射率。   # 之後再改
title: 科展：糖水濃度與折射率
type: performance

# 比賽細節
details:
  award: 佳作
  競賽等級: 縣市級  # 用中文名稱寫的
date: 2026-03-10
category: competition
images: [poster.jpg]
student_note: 這個欄位工具不認得，但要留著
---

我們配製了九種濃度的糖水。

## 過程
""" + "很長的心得。" * 400 + "\n"


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def edit_front(text: str, changes: dict, order=forms.ORDER) -> str:
    doc = FrontMatterText.parse(text)
    data, _ = parse_yaml(doc.yaml)
    doc.yaml = edit_yaml(doc.yaml, changes, forms.apply(data, changes), order)
    return doc.text()


@pytest.mark.parametrize(("changes", "expected"), [
    ({("title",): "科展佳作"}, ["-title: 科展：糖水濃度與折射率", "+title: 科展佳作"]),
    ({("summary",): "新的簡述：有冒號"},
     ["-summary: 和同學研究糖水濃度與折射率。   # 之後再改",
      "+summary: 新的簡述：有冒號   # 之後再改"]),
    ({("details", "award"): "優等"}, ["-  award: 佳作", "+  award: 優等"]),
    ({("details", "競賽等級"): "全國"},
     ["-  競賽等級: 縣市級  # 用中文名稱寫的", "+  競賽等級: 全國  # 用中文名稱寫的"]),
    ({("images",): FlowList(["poster.jpg", "team 1.jpg"])},
     ["-images: [poster.jpg]", "+images: [poster.jpg, team 1.jpg]"]),
    ({("details", "award"): DELETE}, ["-  award: 佳作"]),
    ({("summary",): "yes"}, ["-summary: 和同學研究糖水濃度與折射率。   # 之後再改",
                             "+summary: 'yes'   # 之後再改"]),
])
def test_one_field_changes_one_line(changes: dict, expected: list[str]) -> None:
    after = edit_front(HAND_WRITTEN, changes)
    assert changed_lines(HAND_WRITTEN, after) == expected
    # The tool reads back exactly what was meant (`yes` stays text, not true).
    data, problems = parse_yaml(FrontMatterText.parse(after).yaml)
    original, _ = parse_yaml(FrontMatterText.parse(HAND_WRITTEN).yaml)
    assert not problems and data == forms.apply(original, changes)


def test_a_new_key_goes_where_people_put_it() -> None:
    after = edit_front(HAND_WRITTEN, {("end",): dt.date(2026, 3, 12),
                                      ("submitted",): 114})
    lines = after.splitlines()
    assert lines[lines.index("date: 2026-03-10") + 1] == "end: 2026-03-12"
    assert "submitted: 114" in lines
    assert len(changed_lines(HAND_WRITTEN, after)) == 2


def test_the_body_and_unknown_keys_are_kept_byte_for_byte() -> None:
    doc = FrontMatterText.parse(HAND_WRITTEN)
    after = edit_front(HAND_WRITTEN, {("title",): "x"})
    assert after.split("---\n", 2)[2] == HAND_WRITTEN.split("---\n", 2)[2]
    assert "student_note: 這個欄位工具不認得，但要留著" in after
    doc.with_body(doc.body + "\n\n多一段。")
    assert doc.text().startswith(HAND_WRITTEN.rstrip("\n"))
    assert changed_lines(HAND_WRITTEN, doc.text()) == ["+", "+多一段。"]


def test_line_endings_and_bom_are_kept() -> None:
    text = "\ufeff---\r\ntitle: a\r\ntype: course\r\n---\r\nbody\r\n"
    doc = FrontMatterText.parse(text)
    data, _ = parse_yaml(doc.yaml)
    doc.yaml = edit_yaml(doc.yaml, {("title",): "b"}, {**data, "title": "b"})
    assert doc.text() == "\ufeff---\r\ntitle: b\r\ntype: course\r\n---\r\nbody\r\n"


def test_texts_read_back_as_the_text_they_are() -> None:
    for value in ("001012", "2025-13-09", "true", "no", "null", "~", "#tag", "a: b", "- x",
                  "'quoted'", "1e3", "0x10", "👨‍👩‍👧 臺灣", "line one\nline two\n"):
        out = edit_yaml("name: a\n", {("name",): value}, {"name": value})
        assert parse_yaml(out)[0] == {"name": value}, (value, out)


def test_departments_entries_change_add_and_go() -> None:
    text = ("# 我的校系\n- code: \"001012\"\n  name: 臺大電機\n  courses: [a, b]\n"
            "  performances:\n    - c\n  reflection: |\n    第一段\n\n    第二段\n"
            "\n# 第二志願\n- code: \"011202\"\n  name: 成大資工\n")
    data, _ = parse_yaml(text)
    changed = copy.deepcopy(data)
    changed[0]["performances"] = ["c", "d"]
    out = edit_yaml(text, {(0, "performances"): ["c", "d"]}, changed)
    assert changed_lines(text, out) == ["+    - d"]
    grown = [*copy.deepcopy(data), {"code": "002", "name": "新的"}]
    out = edit_yaml(text, {(2,): {"code": "002", "name": "新的"}}, grown)
    assert out.startswith(text) and out.endswith("- code: '002'\n  name: 新的\n")
    out = edit_yaml(text, {(0,): DELETE}, data[1:])
    assert out == "# 我的校系\n\n# 第二志願\n- code: \"011202\"\n  name: 成大資工\n"


def test_what_cannot_be_edited_in_place_is_refused() -> None:
    with pytest.raises(NotEditable):
        edit_yaml("details: {a: 1}\n", {("details", "a"): 2}, {"details": {"a": 2}})
    with pytest.raises(NotEditable):  # ruamel.yaml cannot read it: nothing is guessed
        edit_yaml("a: [1\n", {("a",): 2}, {"a": 2})


def test_a_new_index_is_written_as_a_person_would() -> None:
    text = new_index({"type": "performance", "title": "x", "date": dt.date(2025, 1, 2),
                      "details": {"level": "校級"}, "images": FlowList(["a.jpg"])}, "心得")
    assert text == ("---\ntype: performance\ntitle: x\ndate: 2025-01-02\ndetails:\n"
                    "  level: 校級\nimages: [a.jpg]\n---\n心得\n")
