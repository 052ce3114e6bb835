"""The theme's templates as Jinja2 environments, compiled once per theme and machine:
the site's pages (`environment`) and the print theme's (render/pdf/print_theme.py) keep
their compiled templates in the build's cache (`CompiledTemplates`).

Imported only where a page is rendered: a build that renders no page (a no-op) does not
load Jinja2 at all.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2.bccache import Bucket

from generator.support.atomic import guarded, write_bytes

_ENVS: dict[tuple[tuple[str, ...], Path | None, str], Environment] = {}


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in the build's cache: compiling the theme's templates is
    about a second of every build's CPU, however few pages it renders. Jinja checks
    each against its template's source, so an edited template compiles again.

    Not Jinja's FileSystemBytecodeCache: its temporary files are its own, so a killed
    build would leave them where the next build's cleanup does not look, and it wants
    its folder made first; `write_bytes` is the one atomic writer of the output."""

    def __init__(self, folder: Path):
        self.folder = folder

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with open(self.folder / f"{bucket.key}.cache", "rb") as f:
                bucket.load_bytecode(f)   # a bad or stale entry is ignored by Jinja
        except OSError:
            pass

    def dump_bytecode(self, bucket: Bucket) -> None:
        if not guarded():
            # A process with no claim on the output writes nothing there: the PDF step's
            # helper loads the templates before the build has claimed it.
            return
        out = io.BytesIO()
        bucket.write_bytecode(out)
        with contextlib.suppress(OSError):  # no cache, only a slower next build
            write_bytes(self.folder / f"{bucket.key}.cache", out.getvalue())


def environment(search_path: list[str], cache: Path | None = None,
                digest: str = "") -> Environment:
    """One Jinja2 environment per theme and process (templates compile once), and with
    `cache` (a folder of the build's cache) once per theme and machine.

    `digest`, the theme's templates as they are now (Theme.digest): the environment is
    that version's, and never looks at the files again. Without one, every use of a
    template first checks that its file did not change: three looks at the disk for
    each page (the page, base.html and macros.html)."""
    key = (tuple(search_path), cache, digest)
    if key not in _ENVS:
        env = Environment(loader=FileSystemLoader(search_path),
                          autoescape=select_autoescape(["html", "xml"], default=True),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                          keep_trailing_newline=True, auto_reload=not digest,
                          bytecode_cache=CompiledTemplates(cache) if cache else None)
        if digest:   # the theme's earlier versions (`serve`, the theme edited) are done with
            for old in [k for k in _ENVS if k[:2] == key[:2] and k[2]]:
                del _ENVS[old]
        _ENVS[key] = env
    return _ENVS[key]
