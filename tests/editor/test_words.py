"""Every word the editor's page shows comes from the catalog, in both languages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import regex

import generator

EDITOR = Path(generator.__file__).parent / "editor"
CATALOG = Path(generator.__file__).parent / "messages" / "editor.toml"
HAN = regex.compile(r"\p{Han}")


def test_the_script_asks_the_catalog_for_every_word() -> None:
    script = (EDITOR / "static" / "editor.js").read_text("utf-8")
    ui = tomllib.loads(CATALOG.read_text("utf-8"))["ui"]
    asked = set(re.findall(r'\bt\("([a-z0-9-]+)"', script))
    for template in re.findall(r"\bt\(`([a-z0-9${}-]+)`", script):   # t(`slot-${slot}`)
        pattern = re.escape(template).replace(r"\$\{", "(").replace(r"\}", ")")
        pattern = re.sub(r"\(\w+\)", "[a-z]+", pattern)
        found = {k[len("edit-"):] for k in ui if re.fullmatch(pattern, k[len("edit-"):])}
        assert found, template
        asked |= found
    assert asked and all(f"edit-{key}" in ui for key in asked), sorted(
        k for k in asked if f"edit-{k}" not in ui)
    assert all(ui[f"edit-{k}"]["zh-TW"] and ui[f"edit-{k}"]["en"] for k in asked)


def test_no_word_is_written_into_the_page_or_the_script() -> None:
    for path in (EDITOR / "static" / "editor.js", EDITOR / "templates" / "app.html"):
        code = "\n".join(line for line in path.read_text("utf-8").splitlines()
                         if not line.strip().startswith(("/*", "*", "//")))
        assert not HAN.search(code), path.name
