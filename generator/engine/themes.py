"""Themes: templates and static files, overridable file by file from the content root.

A theme is a folder (`templates/`, `static/`, `print/`…). The theme named in
portfolio.toml is looked up first in `<content>/themes/<name>/`, then among the
themes shipped in `themes/`, and `themes/default/` fills in every file neither has:
a school restyles its pages by dropping in one `static/site.css`, nothing more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

# generator/themes is the repository's themes/ (a symlink), installed as package data.
BUILTIN = Path(__file__).resolve().parents[1] / "themes"
DEFAULT = "default"


@dataclass
class Theme:
    name: str
    dirs: list[Path]                         # first one that has a file wins
    missing: bool = False                    # the named theme exists nowhere
    _digests: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def resolve(cls, content_root: Path | None, name: str | None) -> Theme:
        name = (name or DEFAULT).strip() or DEFAULT
        dirs: list[Path] = []
        for base in ([content_root / "themes"] if content_root else []) + [BUILTIN]:
            for candidate in dict.fromkeys([name, DEFAULT]):
                folder = base / candidate
                if folder.is_dir() and folder not in dirs and ".." not in Path(candidate).parts:
                    dirs.append(folder)
        missing = not any(d.name == name for d in dirs) and name != DEFAULT
        # The named theme's own folders come before any `default`, wherever they are.
        dirs.sort(key=lambda d: d.name != name)
        return cls(name, dirs, missing)

    def find(self, rel: str) -> Path | None:
        for folder in self.dirs:
            path = folder / rel
            if path.is_file():
                return path
        return None

    def files(self, subdir: str) -> dict[str, Path]:
        """Every file under `subdir` as the theme resolves it: relative name → path."""
        out: dict[str, Path] = {}
        for folder in reversed(self.dirs):
            base = folder / subdir
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.is_file() and not path.name.startswith("."):
                        out[path.relative_to(base).as_posix()] = path
        return dict(sorted(out.items()))

    def digest(self, subdir: str) -> str:
        """A hash of every effective file under `subdir`: a fingerprint part for its outputs."""
        if subdir not in self._digests:
            h = hashlib.sha256()
            for rel, path in self.files(subdir).items():
                h.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
            self._digests[subdir] = h.hexdigest()
        return self._digests[subdir]

    def search_path(self, subdir: str) -> list[str]:
        """Folders for a Jinja2 FileSystemLoader, so templates override file by file."""
        return [str(d / subdir) for d in self.dirs if (d / subdir).is_dir()]
