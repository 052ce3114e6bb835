"""One meaning per name: a public class name is defined once under `generator/`, so a
reader (or an import) never has to ask which `ItemView` or `Settings` is meant."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import generator

ROOT = Path(generator.__file__).parent


def public_classes() -> dict[str, list[str]]:
    """Every public class name under generator/, with where each is defined."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                found[node.name].append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_public_class_name_is_defined_twice() -> None:
    twice = {name: places for name, places in public_classes().items() if len(places) > 1}
    assert twice == {}
