"""Editing YAML text in place: only the values that changed are rewritten.

A student's `index.md`, `departments.yaml` and `student.yaml` may have been written by
hand, with comments, an order of their own and long texts. Saving a form must leave all
of that as it was and change only the lines of the fields that changed, so `git diff`
(or a counselor comparing versions) sees exactly what the student did.

ruamel.yaml's round-trip loader says where each key and list entry starts (line and
column); the lines of a changed value are replaced by the value rendered alone, a
removed key's lines are cut, a new key is put after the key it follows in the form's
order. Values are rendered by PyYAML, the parser the tool reads with, so `yes`, `001012`
and `2025-03-01` come back as the text, the text and the date they were meant to be.
The result is parsed again and compared with what was intended before anything is
written; a mismatch raises `NotEditable` and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError

from generator.content.text_readers import ReadError, parse_yaml


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()
"""A change's value that removes the key (or the list entry)."""

Path = tuple[str | int, ...]


class NotEditable(Exception):
    """The text cannot be edited in place (unreadable to ruamel.yaml, not the expected
    shape, or the result would not read back as intended): nothing is written."""


class FlowList(list[Any]):
    """A list written on one line, `[a.jpg, b.jpg]`, as people write short lists."""


# ------------------------------------------------------------------ rendering


class _Dumper(yaml.SafeDumper):
    # Lists inside a mapping indented under their key (`  - a`), as the demo writes them.
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _flow(dumper: yaml.SafeDumper, value: FlowList) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(FlowList, _flow)


def render(value: Any) -> list[str]:
    """`value` as YAML lines (a mapping or a list of mappings), no trailing newline."""
    text = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1_000_000)
    return text.rstrip("\n").split("\n")


def _pair(key: str, value: Any, col: int) -> list[str]:
    lines = render({key: value})
    return [lines[0]] + [_at(col, line) for line in lines[1:]]


def _at(col: int, line: str) -> str:
    return " " * col + line if line else line  # a blank line inside a text stays blank


# ------------------------------------------------------------------ reading positions


def _ruamel(text: str) -> Any:
    loader = YAML(typ="rt")
    try:
        return loader.load(text)
    except (RuamelError, ValueError, TypeError, RecursionError) as exc:
        raise NotEditable(str(exc)[:200]) from None


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _trim(lines: list[str], start: int, end: int, col: int) -> int:
    """The end of a span without the blank lines and the comments (at the key's own
    indentation or less) that trail it: those belong between keys, not to the value."""
    while end - 1 > start and (not lines[end - 1].strip() or (
            lines[end - 1].strip().startswith("#") and _indent(lines[end - 1]) <= col)):
        end -= 1
    return end


@dataclass
class _Edit:
    start: int
    end: int
    new: list[str]


class _Editor:
    def __init__(self, text: str):
        self.lines = text.split("\n") if text else []
        self.edits: list[_Edit] = []

    # A mapping's keys, each with the span of lines it takes.
    def spans(self, node: CommentedMap, end: int) -> list[tuple[str, int, int, int]]:
        keys = list(node)
        out = []
        for n, key in enumerate(keys):
            line, col = node.lc.key(key)
            nxt = node.lc.key(keys[n + 1])[0] if n + 1 < len(keys) else end
            out.append((str(key), line, _trim(self.lines, line, nxt, col), col))
        return out

    def mapping(self, node: Any, start: int, end: int, col: int,
                changes: dict[Path, Any], order: Sequence[str]) -> None:
        if node is None:
            node = CommentedMap()
        if not isinstance(node, CommentedMap) or (len(node) and node.fa.flow_style()):
            raise NotEditable("not a block mapping")
        spans = {key: (s, e, c) for key, s, e, c in self.spans(node, end)}
        if spans:
            col = next(iter(spans.values()))[2]
        by_key: dict[str, dict[Path, Any]] = {}
        for path, value in changes.items():
            by_key.setdefault(str(path[0]), {})[path[1:]] = value
        inserts: dict[int, list[str]] = {}
        for key, sub in by_key.items():
            if key in spans:
                s, e, c = spans[key]
                child = node[_original_key(node, key)]
                if () in sub:
                    self.replace(node, key, s, e, c, sub[()])
                elif isinstance(child, CommentedMap) and child and not child.fa.flow_style():
                    first = child.lc.key(next(iter(child)))[0]
                    if first == s:  # `key: {…}` spread over lines, or odd layout
                        raise NotEditable("nested mapping on its key's line")
                    self.mapping(child, first, e, child.lc.key(next(iter(child)))[1], sub,
                                 order)
                else:
                    raise NotEditable(f"cannot edit inside {key}")
            else:
                if () not in sub or sub[()] is DELETE:
                    if () in sub:
                        continue  # removing what is not there
                    raise NotEditable(f"cannot edit inside missing {key}")
                at = self._insert_at(spans, key, order, start)
                new = _pair(key, sub[()], col)
                new[0] = " " * col + new[0]
                inserts.setdefault(at, []).extend(new)
        for at, new in inserts.items():
            self.edits.append(_Edit(at, at, new))

    def _insert_at(self, spans: dict[str, tuple[int, int, int]], key: str,
                   order: Sequence[str], start: int) -> int:
        """Right after the present key that comes just before `key` in the form's order;
        else before the present key that comes just after it; else at the end."""
        rank = {k: n for n, k in enumerate(order)}
        mine = rank.get(key, len(order))
        before = [(rank[k], e) for k, (_s, e, _c) in spans.items() if rank.get(k, mine) < mine]
        if before:
            return max(before)[1]
        after = [(rank[k], s) for k, (s, _e, _c) in spans.items()
                 if rank.get(k, -1) > mine]
        if after:
            return min(after)[1]
        if spans:
            return max(e for _s, e, _c in spans.values())
        return start

    def replace(self, node: CommentedMap, key: str, start: int, end: int, col: int,
                value: Any) -> None:
        line = self.lines[start]
        prefix = line[:col]
        if value is DELETE:
            if prefix.strip():  # the first key of a list entry carries its `- `
                raise NotEditable(f"cannot remove {key}, which starts its entry")
            self.edits.append(_Edit(start, end, []))
            return
        new = _pair(key, value, col)
        comment = _same_line_comment(node, key, start)
        if comment is not None and end - start == 1 and len(new) == 1:
            gap = comment - len(line[:comment].rstrip())
            new[0] += " " * max(1, gap) + line[comment:]
        new[0] = prefix + new[0]
        self.edits.append(_Edit(start, end, new))

    def sequence(self, node: Any, end: int, changes: dict[Path, Any],
                 order: Sequence[str]) -> None:
        if node is None:
            node = CommentedSeq()
        if not isinstance(node, CommentedSeq) or (len(node) and node.fa.flow_style()):
            raise NotEditable("not a block list")
        starts = [node.lc.item(i)[0] for i in range(len(node))]
        dash = 0
        if starts:
            dash = _indent(self.lines[starts[0]])
        by_index: dict[int, dict[Path, Any]] = {}
        for path, value in changes.items():
            if not isinstance(path[0], int):
                raise NotEditable("a list is changed by position")
            by_index.setdefault(path[0], {})[path[1:]] = value
        appended: list[Any] = []
        for index in sorted(by_index):
            sub = by_index[index]
            if index >= len(node):
                if () not in sub or sub[()] is DELETE:
                    raise NotEditable("only whole new entries can be added")
                appended.append(sub[()])
                continue
            s = starts[index]
            e = _trim(self.lines, s, starts[index + 1] if index + 1 < len(node) else end, dash)
            if () in sub:
                if sub[()] is DELETE:
                    self.edits.append(_Edit(s, e, []))
                else:
                    new = render([sub[()]])
                    self.edits.append(_Edit(s, e, [_at(dash, x) for x in new]))
                continue
            entry = node[index]
            if not isinstance(entry, CommentedMap) or entry.fa.flow_style():
                raise NotEditable("a list entry that is not a block mapping")
            first_col = entry.lc.key(next(iter(entry)))[1] if entry else dash + 2
            self.mapping(entry, s, e, first_col, sub, order)
        if appended:
            at = _trim(self.lines, starts[-1], end, dash) if starts else end
            while at > 0 and not self.lines[at - 1].strip() and not starts:
                at -= 1
            new = [_at(dash, x) for x in render(appended)]
            self.edits.append(_Edit(at, at, new))

    def result(self) -> str:
        lines = list(self.lines)
        for edit in sorted(self.edits, key=lambda e: (e.start, e.end), reverse=True):
            lines[edit.start:edit.end] = edit.new
        return "\n".join(lines)


def _original_key(node: CommentedMap, key: str) -> Any:
    return next(k for k in node if str(k) == key)


def _same_line_comment(node: CommentedMap, key: str, line: int) -> int | None:
    """The column of a `# comment` after the value on the key's own line."""
    entry = node.ca.items.get(_original_key(node, key))
    if not entry or len(entry) < 3 or entry[2] is None:
        return None
    token = entry[2]
    if getattr(token, "start_mark", None) is not None and token.start_mark.line == line:
        return int(token.start_mark.column)
    return None


# ------------------------------------------------------------------ the public part


def edit_yaml(text: str, changes: dict[Path, Any], expected: Any,
              order: Sequence[str] = ()) -> str:
    """`text` with `changes` made: path → new value (or DELETE).

    A path is a tuple of mapping keys and list positions: `("summary",)`,
    `("details", "level")`, `(0, "courses")` for the first entry of a list; a position
    past the end adds a whole entry. `expected` is the document as the changes should
    leave it (as the tool's reader gives it); `order` is where new keys go. Raises
    NotEditable, leaving everything to the caller, when the edit cannot be made in place.
    """
    if not changes:
        return text
    tail = "\n" if text.endswith("\n") else ""
    body = text[:-1] if tail else text
    node = _ruamel(body) if body.strip() else None
    editor = _Editor(body)
    end = len(editor.lines)
    if isinstance(node, CommentedSeq) or (node is None and all(
            isinstance(p[0], int) for p in changes)):
        editor.sequence(node, end, changes, order)
    else:
        editor.mapping(node, 0, end, 0, changes, order)
    result = editor.result()
    if tail or not body:  # as it ended; a new file ends with a newline like any text file
        result += "\n"
    verify(result, expected)
    return result


def verify(text: str, expected: Any) -> None:
    try:
        data, problems = parse_yaml(text)
    except ReadError as err:
        raise NotEditable(f"{err.code}: {err.detail}") from None
    if problems or _plain(data) != _plain(expected):
        raise NotEditable("the edited text does not read back as intended")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def keeping_layout(text: str, edit: Callable[[str], str]) -> str:
    """`edit` applied to `text` with its byte-order mark and line endings taken off,
    then put back: a file saved on Windows stays a Windows file."""
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    crlf = "\r\n" in body
    out = edit(body.replace("\r\n", "\n").replace("\r", "\n"))
    if crlf:
        out = out.replace("\n", "\r\n")
    return ("\ufeff" if bom else "") + out


# ------------------------------------------------------------------ index.md


@dataclass
class FrontMatterText:
    """An index.md cut where the reader cuts it: the settings block and the body."""

    head: list[str]       # the opening `---` line
    yaml: str             # the lines between, joined
    close: str            # the closing `---` (or `...`) line
    body_lines: list[str]  # everything after, as written
    crlf: bool
    bom: bool

    @classmethod
    def parse(cls, raw: str) -> FrontMatterText:
        bom = raw.startswith("\ufeff")
        text = raw[1:] if bom else raw
        crlf = "\r\n" in text
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if not lines or lines[0].strip() != "---":
            raise NotEditable("no front matter")
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
        except StopIteration:
            raise NotEditable("no closing ---") from None
        return cls(lines[:1], "\n".join(lines[1:end]), lines[end], lines[end + 1:], crlf, bom)

    @property
    def body(self) -> str:
        return "\n".join(self.body_lines).strip("\n")

    def with_body(self, body: str) -> None:
        """The body replaced, keeping the blank lines written before it."""
        lead = 0
        while lead < len(self.body_lines) - 1 and not self.body_lines[lead].strip():
            lead += 1
        text = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        self.body_lines = [""] * lead + (text.split("\n") if text else []) + [""]

    def text(self) -> str:
        yaml_part = self.yaml if self.yaml.endswith("\n") or not self.yaml else self.yaml + "\n"
        out = "\n".join(self.head) + "\n" + yaml_part + self.close + "\n" + "\n".join(
            self.body_lines)
        if self.crlf:
            out = out.replace("\n", "\r\n")
        return ("\ufeff" if self.bom else "") + out


def new_index(front: dict[str, Any], body: str) -> str:
    """A new item's index.md, as a person would write it."""
    yaml_text = "\n".join(render(front)) + "\n" if front else ""
    text = body.replace("\r\n", "\n").strip("\n")
    return "---\n" + yaml_text + "---\n" + (text + "\n" if text else "")
