"""Reading the text files of a content root: YAML, front matter, CSV and TOML.

Every reader returns data or a `ReadError` that says what a student should fix,
with a line number where there is one; none of them raises for bad content.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class ReadError(Exception):
    code: str          # a finding code: encoding-invalid, syntax-error, front-matter-missing
    line: int | None
    detail: str


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReadError("encoding-invalid", line, str(exc)) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(text: str, line_offset: int = 0) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ReadError("syntax-error", line, str(problem)) from None


def read_yaml(path: Path) -> Any:
    return parse_yaml(read_text(path))


def read_front_matter(path: Path) -> tuple[dict[str, Any], str]:
    """The YAML front matter and the Markdown body of an index.md."""
    text = read_text(path)
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ReadError("front-matter-missing", 1, "")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise ReadError("front-matter-missing", len(lines), "no closing ---") from None
    data = parse_yaml("\n".join(lines[1:end]), line_offset=1)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ReadError("syntax-error", 2, "front matter is not a set of `key: value` lines")
    return data, "\n".join(lines[end + 1:]).strip("\n")


def read_csv(path: Path) -> list[dict[str, str]]:
    text = read_text(path)
    try:
        return list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise ReadError("syntax-error", None, str(exc)) from None


def read_toml(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReadError("syntax-error", getattr(exc, "lineno", None), str(exc)) from None
