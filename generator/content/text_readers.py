"""Reading the text files of a content root: YAML, front matter, CSV and TOML.

Every reader returns data or a `ReadError` that says what a student should fix,
with a line number where there is one; none of them raises for bad content.

A `TextReader` reads only what is really inside its root (a symbolic link or a `..`
that leads elsewhere is `path-outside`, and the file is not opened), and no more than
its byte cap (`text-too-large`, read no further). YAML is read by `boundedyaml`, so
no nesting or alias trick costs more than the cap's worth of work; keys given twice
come back as `key-duplicate` problems next to the data.
"""

from __future__ import annotations

import csv
import io
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.content.item_paths import RealPaths, real_inside
from generator.content.toml_text import error_line, quote_impossible_dates
from generator.i18n import said
from generator.rules import format_size


@dataclass(frozen=True)
class ReadError(Exception):
    code: str          # a finding code: encoding-invalid, syntax-error, path-outside, …
    line: int | None
    detail: str
    # More figures for the finding's message (size and limit, the key given twice…).
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class TextReader:
    """Reads the text files under `root`, each up to `max_bytes`."""

    root: Path       # as given; compared by where it really is
    max_bytes: int
    megabyte: int    # the rules': sizes are said the way the rules count them
    # Each folder looked up once while this reader reads (a reader is one reading).
    paths: RealPaths = field(default_factory=RealPaths, compare=False, hash=False, repr=False)

    def real(self, path: Path) -> Path:
        """Where `path` really is, or `path-outside` when that is not under the root."""
        real = real_inside(self.root, path, self.paths)
        if real is None:
            raise ReadError("path-outside", None, "")
        return real

    def read_text(self, path: Path) -> str:
        real = self.real(path)
        with real.open("rb") as fh:
            # One byte past the cap is enough to know the file is over it; the size
            # the message gives comes from the file system, not from reading it all.
            data = fh.read(self.max_bytes + 1)
            if len(data) > self.max_bytes:
                size = max(os.fstat(fh.fileno()).st_size, len(data))
                raise ReadError("text-too-large", None, "", {
                    "size": format_size(size, self.megabyte, trim=True),
                    "limit": format_size(self.max_bytes, self.megabyte, trim=True)})
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ReadError("encoding-invalid", line, str(exc)) from None
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def read_yaml(self, path: Path) -> tuple[Any, list[ReadError]]:
        return parse_yaml(self.read_text(path))

    def read_front_matter(self, path: Path) -> tuple[dict[str, Any], str, list[ReadError]]:
        """The YAML front matter and the Markdown body of an index.md, and its problems."""
        text = self.read_text(path)
        lines = text.split("\n")
        if not lines or lines[0].strip() != "---":
            raise ReadError("front-matter-missing", 1, "")
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
        except StopIteration:
            raise ReadError("front-matter-missing", len(lines), "no closing ---") from None
        data, problems = parse_yaml("\n".join(lines[1:end]), line_offset=1)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ReadError("syntax-error", 2, "front matter is not a set of `key: value` lines")
        return data, "\n".join(lines[end + 1:]).strip("\n"), problems

    def read_csv(self, path: Path) -> list[dict[str, str]]:
        text = self.read_text(path)
        try:
            return list(csv.DictReader(io.StringIO(text)))
        except csv.Error as exc:
            raise ReadError("syntax-error", None, str(exc)) from None

    def read_toml(self, path: Path) -> dict[str, Any]:
        return parse_toml(self.read_text(path))


def parse_toml(text: str) -> dict[str, Any]:
    """The TOML document in `text`; `syntax-error` (with the line) when it cannot be used.

    A date that is not a real day (2026-13-01) is read as text, for the option it belongs
    to to report, instead of making the whole file a syntax error."""
    try:
        return _loads(text)
    except tomllib.TOMLDecodeError as exc:
        error = exc
    repaired = quote_impossible_dates(text)
    if repaired is not None:
        # Quoting keeps every line where it was: a later error is told at its own line.
        try:
            return _loads(repaired)
        except tomllib.TOMLDecodeError as exc:
            error = exc
    line = getattr(error, "lineno", None) or error_line(str(error))
    raise ReadError("syntax-error", line, str(error))


def _loads(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except RecursionError:
        # tomllib recurses once per nested `[` or `{`: a few hundred are enough.
        raise ReadError("syntax-error", None, "", {"detail": said("toml-depth")}) from None


def parse_yaml(text: str, line_offset: int = 0) -> tuple[Any, list[ReadError]]:
    """The YAML document in `text` and its `key-duplicate` problems (the later value is
    kept); `yaml-too-complex` or `syntax-error` when it cannot be used at all."""
    # Imported when first needed: a build whose students' readings are all kept (the
    # student cache) parses no YAML, and PyYAML is a hundredth of a second to load.
    import yaml

    from generator.content import bounded_yaml as boundedyaml

    try:
        data, duplicates = boundedyaml.load(text)
    except boundedyaml.TooComplex as exc:
        limit = boundedyaml.MAX_DEPTH if exc.why == "depth" else boundedyaml.MAX_VALUES
        raise ReadError("yaml-too-complex", exc.line + line_offset, exc.why,
                        {"limit": limit, "aliases": boundedyaml.MAX_ALIASES}) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ReadError("syntax-error", line, str(problem)) from None
    problems = [ReadError("key-duplicate", d.line + line_offset, d.key,
                          {"key": d.key, "first": d.first + line_offset}) for d in duplicates]
    return data, problems

