"""What tomllib does not tell about a TOML file: where each key is written, and the dates
it refuses.

tomllib returns plain values without positions, so a finding about `[link_check]
timout` finds its line by scanning the text for the key within its table. And TOML
refuses a date that is not a real day (`end = 2026-13-01`) as a syntax error of the
whole file, with a misleading message ("Unclosed inline table"); such a date is read
as text instead, so the one option it belongs to is reported and the rest still counts.

Both scan the text with strings and comments blanked out (`mask`), so a `#` or a key
inside a string is never mistaken for one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

# A date-shaped bare value (TOML's own dates are YYYY-MM-DD; 2026-1-5 is a student's).
_DATE_LIKE = re.compile(r"(?<![\w.:+-])\d{4}-\d{1,2}-\d{1,2}(?![\w.:+-]| \d)")
_AT_LINE = re.compile(r"\(at line (\d+)")
_KEY_PART = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*""")


def mask(text: str) -> str:
    """`text` with the inside of every string and every comment blanked out: the same
    length and the same lines, so a position in one is a position in the other."""
    out = list(text)
    i, n = 0, len(text)

    def blank(start: int, end: int) -> None:
        for k in range(start, min(end, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith(('"""', "'''"), i):
            quote = text[i:i + 3]
            end = _closing(text, i + 3, quote, escapes=quote == '"""', multiline=True)
            blank(i + 3, end)
            i = end + 3
        elif c in "\"'":
            end = _closing(text, i + 1, c, escapes=c == '"', multiline=False)
            blank(i + 1, end)
            i = end + 1
        elif c == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        else:
            i += 1
    return "".join(out)


def _closing(text: str, start: int, quote: str, *, escapes: bool, multiline: bool) -> int:
    """Where the string opened just before `start` closes (or where the line or text
    ends, for one that never does)."""
    i, n = start, len(text)
    while i < n:
        if escapes and text[i] == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i
        if text[i] == "\n" and not multiline:
            return i
        i += 1
    return n


def error_line(message: str) -> int | None:
    """The line a TOMLDecodeError names (Python 3.11 says it only in its message)."""
    found = _AT_LINE.search(message)
    return int(found.group(1)) if found else None


def quote_impossible_dates(text: str) -> str | None:
    """`text` with every date-shaped bare value that is not a real date put in quotes,
    or None when there is none (the syntax error is something else)."""
    masked = mask(text)
    spans = [m.span() for m in _DATE_LIKE.finditer(masked) if not _real_date(m.group())]
    if not spans:
        return None
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start], '"', text[start:end], '"']
        last = end
    return "".join([*parts, text[last:]])


def _real_date(token: str) -> bool:
    try:
        dt.date.fromisoformat(token)
    except ValueError:
        return False
    return True


class KeyLines:
    """The line each key of a TOML text is first written on, by its full path.

    `[a.b]` and `[[a.b]]` headers open tables (the n-th `[[a.b]]` is also (a, b, n));
    `x.y = …` lines give keys under the open table. A key written inside an inline
    table (`link_check = { timout = 5 }`) is found on the lines of its parent.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[str] = []
        self._first: dict[tuple[str | int, ...], int] = {}
        self._headers: list[int] = []
        self._read = False

    def _index(self) -> None:
        """Scan the text, the first time a line is asked for (a file without problems
        is never scanned)."""
        self._read = True
        self._lines = self._text.split("\n")
        masked = mask(self._text).split("\n")
        table: tuple[str | int, ...] = ()
        counts: dict[tuple[str | int, ...], int] = {}
        for number, (line, code) in enumerate(zip(self._lines, masked, strict=True), 1):
            stripped = code.strip()
            if stripped.startswith("["):
                double = stripped.startswith("[[")
                start = code.index("[") + (2 if double else 1)
                end = code.find("]", start)
                if end < 0:
                    continue
                self._headers.append(number)
                table = tuple(split_key(line[start:end]) or ())
                self._note(table, number)
                if double:
                    index = counts.get(table, 0)
                    counts[table] = index + 1
                    self._note((*table, index), number)
                continue
            equals = code.find("=")
            key = split_key(line[:equals]) if equals > 0 else None
            if key:  # not a line inside a multi-line array or inline table
                self._note((*table, *key), number)

    def _note(self, path: tuple[str | int, ...], number: int) -> None:
        for depth in range(1, len(path) + 1):
            self._first.setdefault(path[:depth], number)

    def line(self, path: Sequence[str | int]) -> int | None:
        """The line of the key at `path`, else of its nearest written parent."""
        if not self._read:
            self._index()
        path = tuple(path)
        if path in self._first:
            return self._first[path]
        for depth in range(len(path) - 1, 0, -1):
            parent = path[:depth]
            if parent in self._first:
                return self._inline(self._first[parent], path[depth])
        return None

    def _inline(self, start: int, key: str | int) -> int:
        """The line, from `start` to the next table header, where `key = ` is written
        (inside an inline table), else `start` itself."""
        if isinstance(key, int):
            return start
        pattern = re.compile(r"(?:^|[{,\s])(?:" + re.escape(key) + r"|\"" + re.escape(key)
                             + r"\"|'" + re.escape(key) + r"')\s*=")
        stop = next((h for h in self._headers if h > start), len(self._lines) + 1)
        for number in range(start, stop):
            if pattern.search(self._lines[number - 1]):
                return number
        return start


def split_key(written: str) -> list[str] | None:
    """The parts of a dotted TOML key as written: `a."b.c".d` → [a, b.c, d]; None when
    `written` is not a key."""
    parts: list[str] = []
    for piece in _split_dots(written):
        m = _KEY_PART.fullmatch(piece)
        if m is None:
            return None
        parts.append(next(g for g in m.groups() if g is not None))
    return parts


def _split_dots(written: str) -> list[str]:
    pieces, current, quote = [], [], ""
    for c in written:
        if quote:
            current.append(c)
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
            current.append(c)
        elif c == ".":
            pieces.append("".join(current))
            current = []
        else:
            current.append(c)
    pieces.append("".join(current))
    return pieces
