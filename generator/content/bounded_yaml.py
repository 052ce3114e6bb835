"""YAML read in bounded time and memory, with duplicate keys reported.

PyYAML's own composer recurses once per nesting level (a 100,000-deep `[[[…]]]`
overflows the C stack) and shares aliased nodes, so nine lines of `&a [*b, *b, …]`
stand for billions of values that the first `str()` or validation walks. Here the
parser's events are composed into nodes by a loop, not by recursion, counting as it
goes: nesting deeper than `MAX_DEPTH`, more than `MAX_ALIASES` alias uses, or more
than `MAX_VALUES` values with every alias expanded stop the reading at once with
`TooComplex`. Real content is a few levels deep with a few dozen values and no
aliases at all, so the limits are far from anything a student writes.

Construction is PyYAML's `SafeConstructor` (breadth-first, so it does not recurse
per level either), with two changes: a key given twice in a mapping is recorded in
`duplicates` (the later value is kept, as PyYAML and most YAML readers do), and a
scalar that looks like a date or number but is none (`2025-13-09`) stays text.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

# libyaml's parser is a state machine with its own heap stack: events come out of it
# one by one whatever the depth. The pure-Python parser is the same, only slower.
_EventLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = 40          # nested lists and mappings; front matter uses three or four
MAX_ALIASES = 100       # uses of `*name`; a student's files have none
MAX_VALUES = 100_000    # values of the document with every alias expanded
_MERGE_TAG = "tag:yaml.org,2002:merge"
_INT_BITS = 64



def _mark(event: Any) -> Mark | None:
    # Events from libyaml carry its own Mark type, which PyYAML's errors take as well.
    mark: Mark | None = event.start_mark
    return mark


def _line(event: Any) -> int:
    mark = event.start_mark
    return int(mark.line) + 1 if mark is not None else 0

class TooComplex(Exception):
    """The document nests too deeply or expands too much; `line` is 1-based."""

    def __init__(self, why: str, line: int):
        super().__init__(why)
        self.why = why
        self.line = line


@dataclass(frozen=True)
class Duplicate:
    key: str
    line: int    # where the key is given again (1-based)
    first: int   # where it was first given


@dataclass
class _Open:
    """A list or mapping whose end has not been read yet."""

    node: SequenceNode | MappingNode
    anchor: str | None
    values: int = 1   # this node and everything under it, aliases expanded
    height: int = 1   # levels of nesting from here down
    key: Node | None = None  # a mapping's key waiting for its value


@dataclass
class _Composer:
    resolver: Resolver = field(default_factory=Resolver)
    stack: list[_Open] = field(default_factory=list)
    anchors: dict[str, tuple[Node, int, int]] = field(default_factory=dict)
    root: Node | None = None
    aliases: int = 0
    values: int = 0  # every value so far, aliases expanded

    def compose(self, text: str) -> Node | None:
        documents = 0
        for event in yaml.parse(text, Loader=_EventLoader):
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise ComposerError("expected a single document in the stream", None,
                                        "but found another document", _mark(event))
            elif isinstance(event, AliasEvent):
                self._alias(event)
            elif isinstance(event, ScalarEvent):
                tag = event.tag
                if tag is None or tag == "!":
                    tag = self.resolver.resolve(ScalarNode, event.value, event.implicit)
                node = ScalarNode(tag, event.value, _mark(event), None, event.style)
                self._count(event)
                self._add(node, 1, 1, event.anchor)
            elif isinstance(event, CollectionStartEvent):
                self._open(event)
            elif isinstance(event, SequenceEndEvent | MappingEndEvent):
                done = self.stack.pop()
                self._add(done.node, done.values, done.height, done.anchor)
        return self.root

    def _open(self, event: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise TooComplex("depth", event.start_mark.line + 1)
        kind = MappingNode if isinstance(event, MappingStartEvent) else SequenceNode
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(kind, None, event.implicit)
        node = kind(tag, [], event.start_mark, None, event.flow_style)
        self._count(event)
        self.stack.append(_Open(node, event.anchor))

    def _count(self, event: Any) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            raise TooComplex("size", event.start_mark.line + 1)

    def _alias(self, event: AliasEvent) -> None:
        line = _line(event)
        if event.anchor not in self.anchors:
            # An anchor is known once its node is complete, so `&a [*a]` (a list that
            # holds itself, which nothing downstream could print) is refused here too.
            raise ComposerError(None, None, f"found undefined alias {event.anchor!r}",
                                _mark(event))
        node, values, height = self.anchors[event.anchor]
        self.aliases += 1
        self.values += values
        if self.aliases > MAX_ALIASES or self.values > MAX_VALUES:
            raise TooComplex("aliases", line)
        if len(self.stack) + height > MAX_DEPTH:
            raise TooComplex("depth", line)
        self._add(node, values, height, None)

    def _add(self, node: Node, values: int, height: int, anchor: str | None) -> None:
        if anchor is not None:
            self.anchors[anchor] = (node, values, height)
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        parent.values += values
        parent.height = max(parent.height, height + 1)
        if isinstance(parent.node, SequenceNode):
            parent.node.value.append(node)
        elif parent.key is None:
            parent.key = node
        else:
            parent.node.value.append((parent.key, node))
            parent.key = None


class _Constructor(SafeConstructor):
    def __init__(self) -> None:
        super().__init__()
        self.duplicates: list[Duplicate] = []

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            # `2025-13-09` looks like a date and `1…` (5,000 digits) like a number, but
            # neither can be one: keep the text, so the field that expected a date or
            # a number says so, instead of the whole file failing.
            if isinstance(node, ScalarNode):
                self.constructed_objects[node] = node.value
                self.recursive_objects.pop(node, None)
                return node.value
            raise ConstructorError(None, None, str(exc)[:200], node.start_mark) from None

    # The base class promises an int; a code written 001012 is deliberately its text.
    def construct_yaml_int(self, node: ScalarNode) -> int | str:  # type: ignore[override]
        # A leading zero is how a code is written (校系代碼 001012, student numbers), never
        # an octal number as YAML 1.1 would have it (001012 → 522): it stays the text.
        digits = node.value.lstrip("+-")
        if len(digits) > 1 and digits[0] == "0" and digits.isdigit():
            return node.value
        number = super().construct_yaml_int(node)
        # No field holds a number this long, and Python refuses to print one over
        # 4,300 digits: it stays the text it is.
        return node.value if abs(number).bit_length() > _INT_BITS else number

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Only the keys written in this mapping count: a merged `<<: *base` key that the
        # mapping overrides is what merging is for.
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # refused by PyYAML below, with its own message
            line = key_node.start_mark.line + 1
            if key in seen:
                self.duplicates.append(Duplicate(str(key), line, seen[key]))
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


# PyYAML's stubs type add_constructor for Loader classes only; a constructor is what it
# really takes (this is how SafeConstructor registers its own).
_Constructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:int", _Constructor.construct_yaml_int)


def load(text: str) -> tuple[Any, list[Duplicate]]:
    """The one document in `text` and the keys it gives twice.

    Raises `TooComplex`, or `yaml.YAMLError` for what is not YAML (with its mark).
    """
    root = _Composer().compose(text)
    if root is None:
        return None, []
    constructor = _Constructor()
    return constructor.construct_document(root), constructor.duplicates
