"""The print theme: where its templates live and how a view becomes HTML.

A content root may carry its own `themes/<name>/print/`; otherwise the shipped
`themes/<name>/print/`, and any template a theme lacks falls back to the default
theme's, so a school can restyle the cover without copying every file.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from generator.i18n import text

SHIPPED = Path(__file__).resolve().parents[3] / "themes"
DEFAULT = "default"


class PrintTheme:
    def __init__(self, name: str = DEFAULT, content_root: Path | None = None):
        dirs: list[Path] = []
        for base in ([content_root / "themes"] if content_root else []) + [SHIPPED]:
            for theme in dict.fromkeys((name, DEFAULT)):
                folder = base / theme / "print"
                if folder.is_dir() and folder not in dirs:
                    dirs.append(folder)
        if not dirs:
            raise FileNotFoundError(f"no print theme under {SHIPPED}")
        self.dirs = dirs
        self.env = _environment(tuple(dirs))

    def css(self) -> str:
        return self.env.loader.get_source(self.env, "print.css")[0]  # type: ignore[union-attr]

    def fingerprint(self) -> str:
        """A hash of every file the theme is made of: a changed theme renders again."""
        h = hashlib.sha256()
        for folder in self.dirs:
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                h.update(str(path.relative_to(folder)).encode())
                h.update(path.read_bytes())
        return h.hexdigest()

    def render(self, template: str, lang: str, **context: Any) -> str:
        def t(key: str, **params: Any) -> str:
            return text(f"pdf-{key}", lang, **params)

        return self.env.get_template(template).render(t=t, css=self.css(), **context)


@cache
def _environment(dirs: tuple[Path, ...]) -> Environment:
    loader = ChoiceLoader([FileSystemLoader(str(d)) for d in dirs])
    return Environment(loader=loader, autoescape=True, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False)
