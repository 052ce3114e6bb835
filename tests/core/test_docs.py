"""The documentation stays true and whole: every link in README.md, ARCHITECTURE.md and
docs/*.md leads to a file of this repository (and to a heading there, for a #fragment),
the content format names every field of the model, and its tables of forms and
categories are the rules table's own."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

from generator.model import CadreRecord, CourseRecord, Department, FrontMatter, StudentInfo
from generator.rules import load_rules
from generator.rules.reference import categories_reference, forms_table

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]
FORMAT = ROOT / "docs" / "content-format.md"


def _tokens(path: Path) -> list:
    return MarkdownIt("commonmark").enable("table").parse(path.read_text("utf-8"))


def _links(path: Path) -> list[str]:
    """Every link and picture address outside code (a code block's examples are not links)."""
    out = []
    for token in _tokens(path):
        for child in token.children or []:
            if child.type == "link_open":
                out.append(str(child.attrs["href"]))
            elif child.type == "image":
                out.append(str(child.attrs["src"]))
    return out


def _slug(text: str) -> str:
    # GitHub's anchors: lower case, punctuation dropped (letters of any script kept),
    # spaces to hyphens.
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    tokens = _tokens(path)
    seen: dict[str, int] = {}
    out = set()
    for opening, inline in pairwise(tokens):
        if opening.type != "heading_open":
            continue
        words = "".join(c.content for c in inline.children or []
                        if c.type in ("text", "code_inline"))
        slug = _slug(words)
        out.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return out


LINKS = [(doc, link) for doc in DOCS for link in _links(doc)]


def test_there_is_a_content_format_and_the_readme_points_to_it() -> None:
    assert FORMAT.is_file()
    assert "docs/content-format.md" in _links(ROOT / "README.md")


@pytest.mark.parametrize(("doc", "link"), LINKS,
                         ids=[f"{d.name}:{link}" for d, link in LINKS])
def test_every_relative_link_leads_to_a_file_of_the_repository(doc: Path, link: str) -> None:
    parts = urlsplit(link)
    if parts.scheme or link.startswith("//"):
        return  # a web address: not the repository's to hold
    assert "shared" not in Path(parts.path).parts, link
    target = (doc.parent / unquote(parts.path)).resolve() if parts.path else doc
    assert target.is_relative_to(ROOT), f"{doc.name}: {link} leads out of the repository"
    assert target.exists(), f"{doc.name}: {link} leads nowhere"
    if parts.fragment and target.suffix == ".md":
        # Markdown writes a heading's non-ASCII letters percent-encoded in the link.
        assert unquote(parts.fragment) in _anchors(target), f"{doc.name}: no heading for {link}"


@pytest.mark.parametrize("model", [FrontMatter, StudentInfo, CourseRecord, CadreRecord,
                                   Department])
def test_the_content_format_names_every_field(model: type) -> None:
    said = FORMAT.read_text("utf-8")
    for name in model.model_fields:
        assert f"| `{name}` |" in said, f"{model.__name__}.{name} is not in {FORMAT.name}"


@pytest.mark.parametrize(("what", "made"), [
    ("forms", lambda rules: forms_table(rules, "en")),
    ("categories", lambda rules: categories_reference(rules, "en", 4))])
def test_the_tables_of_the_content_format_are_the_rules_tables(what: str, made) -> None:
    said = FORMAT.read_text("utf-8")
    block = re.search(rf"<!-- generated: {what} [^>]*-->\n(.*?)\n<!-- end generated -->",
                      said, re.S)
    assert block, f"no generated {what} block"
    assert block.group(1) == made(load_rules()), \
        f"docs/content-format.md's {what} differ from official.toml: regenerate them"


def test_the_step_by_step_example_passes_check(content, media) -> None:
    """A newcomer copies the content format's example into an item folder, adds the two
    files it names, and `check` has nothing to say about the item."""
    said = FORMAT.read_text("utf-8")
    section = said.split("## Adding an item, step by step", 1)[1]
    example = re.search(r"```yaml\n(---\n.*?)```", section, re.S)
    assert example
    content.student()  # entered in 113, as the example's term and year assume
    folder = content.root / "ming" / "items" / "light-refraction"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(example.group(1), "utf-8")
    content.file("light-refraction", "report.pdf", media.pdf)
    content.file("light-refraction", "setup.jpg", media.jpg)
    run = content.check()
    assert [f for f in run.doc["findings"] if f["item"] == "light-refraction"] == []
    assert run.exit_code == 0
