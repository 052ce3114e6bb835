"""`portfolio new`: a root to start from, a guide to adding an item, sample items that are
said to be samples until they are the student's own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.rules import load_rules
from tests.builder import run_cli


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "mine"
    assert run_cli("new", str(target), "--today", "2026-11-20").exit_code == 0
    return target


def _check(root: Path, *extra: str):
    return run_cli("check", str(root), "--offline", "--format", "json", *extra)


def _samples(root: Path) -> list[str]:
    return sorted(f["item"] for f in _check(root).having("sample-content"))


def _front(index: Path) -> tuple[dict, str]:
    _, front, body = index.read_text("utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def test_fresh_root_warns_about_each_sample_item_in_both_languages(root: Path) -> None:
    run = _check(root)
    assert run.exit_code == 0
    found = run.having("sample-content")
    assert sorted(f["item"] for f in found) == ["sample-course", "sample-performance"]
    assert all(f["severity"] == "warning" and f["file"] == "index.md" for f in found)
    assert "範例項目" in found[0]["message"] and "單擺週期實驗報告" in "".join(
        f["message"] for f in found)
    english = _check(root, "--lang", "en").having("sample-content")
    assert all("sample item" in f["message"] for f in english)


def test_the_student_has_a_name_of_their_own(root: Path) -> None:
    info = yaml.safe_load((root / "my-portfolio" / "student.yaml").read_text("utf-8"))
    assert info["name"] and info["name"] != "王小明"


@pytest.mark.parametrize("field", ["title", "summary", "body"])
def test_a_sample_made_ones_own_no_longer_warns(root: Path, field: str) -> None:
    index = root / "my-portfolio" / "items" / "sample-course" / "index.md"
    text = index.read_text("utf-8")
    front, body = _front(index)
    if field == "body":
        changed = text.replace(body, "我自己的心得：量了十次擺長。\n")
    else:
        changed = text.replace(front[field], front[field] + "（我的版本）", 1)
    index.write_text(changed, "utf-8")
    assert _samples(root) == ["sample-performance"]


def test_whitespace_and_line_endings_alone_do_not_make_a_sample_ones_own(root: Path) -> None:
    index = root / "my-portfolio" / "items" / "sample-course" / "index.md"
    index.write_bytes(index.read_text("utf-8").replace("\n", "\r\n").encode() + b"\r\n\r\n")
    assert _samples(root) == ["sample-course", "sample-performance"]


def test_a_deleted_sample_or_marker_no_longer_warns(root: Path) -> None:
    items = root / "my-portfolio" / "items"
    for path in (items / "sample-performance").iterdir():
        path.unlink()
    (items / "sample-performance").rmdir()
    index = items / "sample-course" / "index.md"
    index.write_text("\n".join(line for line in index.read_text("utf-8").splitlines()
                               if not line.startswith("sample:")) + "\n", "utf-8")
    run = _check(root)
    assert run.exit_code == 0 and run.doc["findings"] == []


def test_a_hand_written_sample_true_warns_until_removed(root: Path) -> None:
    index = root / "my-portfolio" / "items" / "sample-course" / "index.md"
    text = index.read_text("utf-8")
    marker = next(line for line in text.splitlines() if line.startswith("sample:"))
    index.write_text(text.replace(marker, "sample: true").replace("單擺", "我的單擺"), "utf-8")
    assert "sample-course" in _samples(root)


def test_the_guide_lists_every_category_and_field_of_the_rules_table(root: Path) -> None:
    guide = root / "my-portfolio" / "items" / "新增項目說明.md"
    said = guide.read_text("utf-8")
    rules = load_rules()
    for key, category in rules.categories.items():
        assert f"`category: {key}`" in said and category.zh in said
        for name, spec in category.fields.items():
            assert f"| `{name}` | {spec.zh} |" in said
            for choice in spec.choices:
                assert choice in said
    for key, form in rules.forms.items():
        assert f"| `{key}` | {form.zh} | {form.code} |" in said
    assert "portfolio edit" in said and f"{rules.files.document_max_mb:g} MB" in said
    # The examples in the guide are what check accepts: they are real front matter.
    examples = [block for block in said.split("\n\n") if block.startswith("    ---")]
    assert len(examples) == 2


def test_the_guides_examples_pass_check(root: Path, tmp_path: Path) -> None:
    """Follow the guide: copy each example into an item folder, as a newcomer would."""
    said = (root / "my-portfolio" / "items" / "新增項目說明.md").read_text("utf-8")
    blocks = [b for b in said.split("\n\n") if b.startswith("    ---")]
    items = root / "my-portfolio" / "items"
    for n, block in enumerate(blocks):
        folder = items / f"mine-{n}"
        folder.mkdir()
        text = "\n".join(line.removeprefix("    ") for line in block.splitlines()) + "\n"
        (folder / "index.md").write_text(text, "utf-8")
        front, _ = _front(folder / "index.md")
        for name in [front.get("document"), *front.get("images", [])]:
            if name:
                source = items / "sample-course" / "setup.png"
                if name.endswith(".pdf"):
                    from weasyprint import HTML

                    HTML(string="<p>報告</p>").write_pdf(folder / name)
                else:
                    from PIL import Image

                    Image.open(source).convert("RGB").save(folder / name)
    run = _check(root)
    assert run.exit_code == 0, run.output
    mine = [f for f in run.doc["findings"] if f["item"] and f["item"].startswith("mine-")]
    assert mine == [], mine
