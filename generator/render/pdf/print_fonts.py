"""Which characters the print theme's fonts can draw: no silent empty box in a PDF.

A character no font has is drawn by WeasyPrint as `.notdef`, an empty box (tofu), and
its text is lost to some readers. So the PDF step checks the text an item prints (title,
簡述, reflection, the category's fields) against the fonts fontconfig resolves for the
print theme's `font-family` stacks — the same sorted fallback list Pango draws from
(`fc-match -s`) — reading each font's character map with fontTools, and says which
character of which item would print as a box (`glyph-missing`, a warning).

This runs in the PDF step, not in `check`: what prints depends on the print theme and on
the fonts installed where the PDF is made (a counselor's `check` on a laptop should not
disagree with the build server), and only a build that makes PDFs prints anything. The
fonts are resolved once per process; each character is looked up once.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from generator.findings import Finding, make
from generator.model import Item
from generator.support.atomic import write_bytes
from generator.support.records import read_record

_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)")
_FACE = re.compile(r"@font-face\s*{([^}]*)}")
_LOCAL = re.compile(r"local\(\s*[\"']?([^\"')]+)")
# Characters nobody sees as a glyph of their own: joiners, variation selectors, tags,
# direction marks, controls (a line break), spaces (every font has one or none is needed).
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}
MAX_PER_ITEM = 10   # the first few characters of one item are enough to act on


def families(css: str) -> tuple[str, ...]:
    """Every family named by a `font-family` of `css`, in order of first use; a name an
    `@font-face` gives to `local()` fonts stands for those."""
    aliases: dict[str, list[str]] = {}
    for face in _FACE.findall(css):
        named = _FAMILY.search(face)
        if named and _names(named.group(1)):
            aliases[_names(named.group(1))[0]] = _LOCAL.findall(face)
    rules = _FACE.sub("", css)
    out: dict[str, None] = {}
    for value in _FAMILY.findall(rules):
        for family in _names(value):
            for real in aliases.get(family, [family]):
                out.setdefault(real.strip(), None)
    return tuple(out)


def _names(value: str) -> list[str]:
    names = (n.strip().strip("\"'").strip() for n in value.split(","))
    return [n for n in names if n and not n.startswith("var(")]


@cache
def resolved(stack: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """The font files (and index in a collection) fontconfig sorts for `stack`."""
    fc_match = shutil.which("fc-match")
    if fc_match is None or not stack:
        return ()
    pattern = ",".join(name.replace(",", r"\,") for name in stack)
    try:
        run = subprocess.run([fc_match, "-s", "--format", "%{file}\t%{index}\n", pattern],
                             capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ()
    fonts: dict[tuple[str, int], None] = {}
    for line in run.stdout.splitlines():
        file, _, index = line.partition("\t")
        if file:
            fonts.setdefault((file, int(index or 0)), None)
    return tuple(fonts)


def fonts_digest(css: str) -> str:
    """What the print theme's text is drawn with here: a changed font set (an emoji font
    installed) makes the PDFs again."""
    h = hashlib.sha256()
    for file, index in resolved(families(css)):
        try:
            size = Path(file).stat().st_size
        except OSError:
            size = -1
        h.update(f"{file}\0{index}\0{size}\n".encode())
    return h.hexdigest()


class _Covered:
    """The code points a font has, as sorted ranges (a CJK font's cmap is some 44,000
    entries in a few thousand runs)."""

    def __init__(self, ranges: list[tuple[int, int]]):
        self.starts = [a for a, _ in ranges]
        self.ranges = ranges

    def __contains__(self, codepoint: int) -> bool:
        at = bisect_right(self.starts, codepoint) - 1
        return at >= 0 and codepoint <= self.ranges[at][1]


@cache
def _cmap(file: str, index: int, cache_dir: Path | None = None) -> _Covered:
    """What `file` covers; with `cache_dir`, kept there (fontTools reads a CJK font's
    cmap in about 0.15 s, which every build that printed a portfolio paid again)."""
    kept = None
    if cache_dir is not None:
        try:
            stat = Path(file).stat()
            key = hashlib.sha256(f"{file}\0{index}\0{stat.st_size}\0{stat.st_mtime_ns}"
                                 .encode()).hexdigest()[:40]
            kept = cache_dir / "cmaps" / f"{key}.json"
            return _Covered([(int(a), int(b)) for a, b in json.loads(read_record(kept))])
        except (OSError, ValueError, TypeError):
            pass
    from fontTools.ttLib import TTFont, TTLibError  # read once per font, then kept

    try:
        with TTFont(file, fontNumber=index, lazy=True) as font:
            points = sorted(font.getBestCmap() or {})
    except (OSError, TTLibError, KeyError, ValueError, AssertionError):
        points = []   # a bitmap or Type 1 font fontTools cannot read: no help
    ranges: list[tuple[int, int]] = []
    for cp in points:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    if kept is not None:
        write_bytes(kept, json.dumps(ranges, separators=(",", ":")).encode())
    return _Covered(ranges)


@cache
def has_glyph(stack: tuple[str, ...], codepoint: int, cache_dir: Path | None = None) -> bool:
    return any(codepoint in _cmap(file, index, cache_dir) for file, index in resolved(stack))


def _visible(char: str) -> bool:
    if unicodedata.category(char) in _INVISIBLE:
        return False
    cp = ord(char)
    return not (0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF)  # variation selectors


def missing(stack: tuple[str, ...], text: str, cache_dir: Path | None = None) -> list[str]:
    """The characters of `text` (each once, in order) that no font of `stack` has."""
    seen: dict[str, None] = {}
    for char in text:
        if char not in seen and _visible(char) and not has_glyph(stack, ord(char), cache_dir):
            seen[char] = None
    return list(seen)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def item_texts(item: Item) -> Iterator[tuple[str, str]]:
    """(field, text) of what an item prints that a student wrote."""
    yield "title", item.title
    if item.summary:
        yield "summary", item.summary
    if item.body:
        yield "reflection", item.body
    for key, value in item.details.items():
        for text in _strings(value):
            yield str(key), text
    for name in ("subject",):
        value = getattr(item, name)
        if value:
            yield name, value


def glyph_findings(student: str, items: Iterable[Item], css: str,
                   cache_dir: Path | None = None) -> list[Finding]:
    """`glyph-missing` for each character of each item that would print as a box (what
    the fonts cover kept in `cache_dir`)."""
    stack = families(css)
    if not resolved(stack):
        return []   # no fontconfig here: nothing to tell (WeasyPrint would not run either)
    found: list[Finding] = []
    for item in items:
        told: dict[str, None] = {}
        for field, text in item_texts(item):
            for char in missing(stack, text, cache_dir):
                if char in told or len(told) >= MAX_PER_ITEM:
                    continue
                told[char] = None
                found.append(make("glyph-missing", student, item.id, None, char=char,
                                  codepoint=f"U+{ord(char):04X}", field=field))
    return found
