"""Active content in a student's PDF: found when the file is inspected, removed from
every copy the tool writes.

A PDF can carry more than pages: JavaScript (document-level, in links, in forms),
actions that launch programs or open other files, actions run on opening or on
viewing a page, embedded files and attachments, and links to `javascript:` or
`file:` addresses. None of it belongs in what a reviewer opens, and an upload
system may reject the file for it. One walk over the object graph does both jobs:
`find_active` (read-only, for `check`) and `strip_active` (on a `PdfWriter`, for
every output that copies the student's pages), so what `check` reports is exactly
what `build` removes. Plain http(s)/mailto links and links inside the document stay.

The walk follows only the keys where the PDF specification puts actions (`/A`,
`/PA`, `/OpenAction`, `/AA`, `/Next`…): many harmless dictionaries also have an
`/S` entry (structure elements, border styles, page labels), so a dictionary is
never judged by its `/S` alone.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# The kinds of active content, in the order messages list them (generator/messages/pdf.toml
# names each as `pdf-active-<kind>` in its [ui] table).
KINDS = ("javascript", "launch", "open-action", "additional-actions", "embedded-files",
         "unsafe-link", "other-actions")

# A hostile file can hold millions of tiny objects; a real document, even a long scanned
# one, holds far fewer nodes than this. Past it the walk gives up rather than run for
# minutes, and `strip_active` refuses to vouch for the file.
MAX_NODES = 2_000_000

SAFE_URI_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):", re.I)
# Navigation a viewer offers on its own toolbar anyway.
_SAFE_NAMED = frozenset({"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"})
_ACTION_KIND = {
    "/JavaScript": "javascript",
    "/Launch": "launch", "/GoToR": "launch", "/GoToE": "launch",
}
# Keys that only ever hold active content: removed wherever they appear.
_DROP_KEYS = {
    "/AA": "additional-actions",       # actions on opening a page, focusing a field…
    "/JavaScript": "javascript",       # the document-level scripts (in /Names)
    "/JS": "javascript",               # the script of an action (JavaScript, Rendition)
    "/XFA": "javascript",              # XFA forms: scripted forms inside /AcroForm
    "/EmbeddedFiles": "embedded-files",  # the attachments list (in /Names)
    "/EF": "embedded-files",           # a file specification's embedded file streams
}
_ACTION_KEYS = ("/A", "/PA")
# Annotations that are an embedded file, or play embedded media or 3D (which can script).
_EMBEDDING_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/3D", "/Screen",
                                    "/Movie", "/Sound"})


class ActiveContentError(Exception):
    """The PDF is too large a graph to be walked whole, so it cannot be vouched for."""


def described(kinds: Iterable[str]) -> dict[str, str]:
    """The kinds, said in each language (a finding parameter)."""
    from generator.i18n import LANGS, text

    return {lang: text("pdf-active-separator", lang).join(
        text(f"pdf-active-{k}", lang) for k in kinds) for lang in LANGS}


def find_active(pdf: PdfReader | PdfWriter) -> list[str]:
    """The kinds of active content `pdf` carries (in KINDS order), changing nothing.

    Stops quietly at MAX_NODES: inspection reports what it saw, and the outputs,
    which go through `strip_active`, refuse such a file anyway.
    """
    walk = _Walk(fix=False)
    with contextlib.suppress(ActiveContentError):
        walk.run(_root(pdf))
    return walk.kinds()


def strip_active(writer: PdfWriter) -> list[str]:
    """Remove every piece of active content from `writer` in place; the kinds removed.

    What was removed is also dropped from the objects the writer will write: a script
    no longer referenced must not still sit in the file for a scanner to find.
    Raises ActiveContentError when the document is too large a graph to walk whole.
    """
    walk = _Walk(fix=True)
    walk.run(writer.root_object.indirect_reference)
    # The trailer's other entries (document information, file ID) are kept as they are.
    for extra in (getattr(writer, "_info_obj", None), getattr(writer, "_ID", None)):
        ref = extra if isinstance(extra, IndirectObject) else getattr(extra, "indirect_reference",
                                                                       None)
        if isinstance(ref, IndirectObject) and ref.pdf is writer:
            walk.run(ref)
    _sweep(writer, walk.seen)
    return walk.kinds()


def _sweep(writer: PdfWriter, reachable: set[tuple[int, int]]) -> None:
    """Forget the objects nothing reachable refers to any more. pypdf's own
    `compress_identical_objects` drops only those no object at all refers to, which
    leaves a removed script's name tree and its scripts behind."""
    objects = writer._objects  # the same list pypdf's own cleanup edits
    for n, obj in enumerate(objects):
        if obj is not None and (n + 1, 0) not in reachable:
            objects[n] = None

def clean_pdf(source: Path) -> tuple[bytes, list[str]]:
    """The bytes to copy for the student's PDF `source`, and the kinds removed.

    A file without active content is copied as it is (same bytes, same size); one
    with it is rewritten without it. The original is only read. Raises what pypdf
    raises on a file it cannot take apart, and ActiveContentError.
    """
    data = source.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    if not find_active(reader):
        return data, []
    writer = PdfWriter(clone_from=reader)
    kinds = strip_active(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), kinds


def _root(pdf: PdfReader | PdfWriter) -> Any:
    if isinstance(pdf, PdfWriter):
        return pdf.root_object.indirect_reference
    return pdf.trailer.raw_get("/Root") if "/Root" in pdf.trailer else None


class _Walk:
    """One pass over every dictionary and array reachable from the catalog."""

    def __init__(self, fix: bool):
        self.fix = fix
        self.found: set[str] = set()
        self.seen: set[tuple[int, int]] = set()
        self.seen_direct: set[int] = set()
        self.nodes = 0

    def kinds(self) -> list[str]:
        return [k for k in KINDS if k in self.found]

    def run(self, start: Any) -> None:
        stack: list[Any] = [start]
        while stack:
            node = self._resolve(stack.pop())
            if node is None:
                continue
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise ActiveContentError(f"more than {MAX_NODES} objects")
            if isinstance(node, DictionaryObject):
                stack.extend(self._dictionary(node))
            elif isinstance(node, ArrayObject):
                stack.extend(node)

    def _resolve(self, obj: Any) -> Any:
        """The dictionary or array `obj` stands for, None when already seen or unreadable."""
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in self.seen:
                return None
            self.seen.add(key)
            try:
                obj = obj.get_object()
            except Exception:  # a dangling or damaged reference: nothing to run there
                return None
        elif isinstance(obj, DictionaryObject | ArrayObject):
            # A direct object may still be shared between two parents in a writer.
            if id(obj) in self.seen_direct:
                return None
            self.seen_direct.add(id(obj))
        return obj if isinstance(obj, DictionaryObject | ArrayObject) else None

    def _dictionary(self, node: DictionaryObject) -> Iterator[Any]:
        """Judge one dictionary's entries; yield what is left to walk."""
        for key in list(node.keys()):
            value = node.raw_get(key)  # not node[key], which would resolve references
            kind = _DROP_KEYS.get(key)
            if kind is not None:
                self._remove(node, key, {kind})
            elif key == "/OpenAction":
                # A plain destination (open at page 1) is not active; it goes all the same,
                # since it would point at pages that are not where the copy puts them.
                kinds = _action_kinds(value)
                self._remove(node, key, kinds | {"open-action"} if kinds else set())
            elif key in _ACTION_KEYS and (kinds := _action_kinds(value)):
                self._remove(node, key, kinds)
            elif key == "/Annots":
                yield from self._annotations(value)
            else:
                yield value

    def _annotations(self, value: Any) -> Iterator[Any]:
        annots = _get(value)
        if not isinstance(annots, ArrayObject):
            yield value
            return
        kept = []
        for entry in annots:
            annot = _get(entry)
            if isinstance(annot, DictionaryObject) and _get(annot.raw_get("/Subtype")) in \
                    _EMBEDDING_ANNOTATIONS:
                self.found.add("embedded-files")
                continue
            kept.append(entry)
        if self.fix and len(kept) != len(annots):
            annots[:] = kept
        yield from (kept if self.fix else annots)

    def _remove(self, node: DictionaryObject, key: str, kinds: set[str]) -> None:
        self.found |= kinds
        if self.fix:
            del node[key]


def _get(obj: Any) -> Any:
    try:
        return obj.get_object() if isinstance(obj, IndirectObject) else obj
    except Exception:
        return None


def _action_kinds(value: Any) -> set[str]:
    """The kinds of active content in an action and the actions chained after it (`/Next`);
    empty for a harmless action (go to a page, open a web address) or a destination."""
    kinds: set[str] = set()
    seen: set[int] = set()
    todo = [value]
    while todo:
        action = _get(todo.pop())
        if id(action) in seen:  # a chain that loops
            continue
        if len(seen) > 10_000:  # no honest document chains this many: not shown harmless
            kinds.add("other-actions")
            break
        seen.add(id(action))
        if isinstance(action, ArrayObject):  # /Next may be an array of actions
            todo.extend(action)
            continue
        if not isinstance(action, DictionaryObject) or "/S" not in action:
            continue  # a destination, or not an action at all
        try:
            kinds |= _one_action(action)
        except Exception:  # a damaged action cannot be shown harmless: it goes
            kinds.add("other-actions")
        if "/Next" in action:
            todo.append(action.raw_get("/Next"))
    return kinds


def _one_action(action: DictionaryObject) -> set[str]:
    subtype = _get(action.raw_get("/S"))
    kinds = {"javascript"} if "/JS" in action else set()
    if subtype == "/GoTo":
        return kinds
    if subtype == "/URI":
        uri = _get(action.raw_get("/URI")) if "/URI" in action else None
        m = _SCHEME.match(str(uri) if uri is not None else "")
        if m is None or m.group(1).lower() not in SAFE_URI_SCHEMES:
            kinds.add("unsafe-link")
        return kinds
    if subtype == "/Named" and "/N" in action and _get(action.raw_get("/N")) in _SAFE_NAMED:
        return kinds
    name = str(subtype) if isinstance(subtype, NameObject) else ""
    return kinds | {_ACTION_KIND.get(name, "other-actions")}
