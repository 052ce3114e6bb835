"""Laid-out parts joined into one PDF, and one laid-out batch cut into parts (pikepdf).

fragments.py decides what the parts are and in which order their pages go; this module
does the PDF work, with qpdf (through pikepdf) rather than pypdf: qpdf copies pages,
their resources and structure elements between documents in C++, and reads only the
objects it is asked for. A realistic department copy (47 pages from 14 parts) took
pypdf 2.6 s to parse, clone, deduplicate and write; qpdf joins it in a tenth of that.

`join` makes the whole from the front matter, the item fragments and the chrome:

- the pages, in the order given, each copied once with what it uses;
- the named destinations (every anchor, so the lists reach the fragments) and the
  front's links to them, which WeasyPrint dropped since their targets were elsewhere;
- the outline, from the parts' bookmarks, made by WeasyPrint's own tree code;
- one structure tree: a Document element holding each part's elements in reading
  order, `/StructParents` renumbered into one ParentTree;
- the chrome (running name, n / N) stamped over each page as an artifact Form XObject;
- fonts and pictures that several parts carry (fragments laid out in one batch share a
  font subset) written once;
- `/ID` from the output's own bytes (qpdf's deterministic id): same parts, same bytes.

`cut` splits a batch laid out as one document into parts of given page ranges, each
with its share of the structure tree and only the pictures its pages draw.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

from generator.render.pdf.pdf_assembly import Laid, load_weasyprint

_REFERENCE = re.compile(rb"\d+ \d+ R")
Order = list[tuple[int, int]]   # (part, page of that part) for each page of the whole; -1: front


def cut(pdf: bytes, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """Pages start..end of a batch for each range, as PDFs of their own, each with its
    share of the batch's structure tree (the Document's children whose first page is in
    it, see `_owners`) and the ParentTree entries of its pages and their annotations,
    numbered from 0."""
    source = Pdf.open(io.BytesIO(pdf))
    for page in source.pages:
        # WeasyPrint gives every page of a document one /Resources: a part cut from a
        # batch would carry every picture of the batch.
        page.remove_unreferenced_resources()
    located = document_kids(source, located=True)
    owners = _owners(located, [start for start, _ in ranges], len(source.pages))
    tree = _Tree(source)
    out = []
    for k, (start, end) in enumerate(ranges):
        part = Pdf.new()
        for n in range(start, end):
            part.pages.append(source.pages[n])
        if tree.doc is not None:
            chosen = [kid for (_, kid), owner in zip(located, owners, strict=True)
                      if owner == k]
            _share(part, source, tree, chosen, range(start, end))
        out.append(_save(part, deterministic=False))
    return out


def _owners(located: list[tuple[int, Any]], starts: Sequence[int], pages: int) -> list[int]:
    """Which part (by its first page, `starts`) each of the Document element's children
    belongs to: the one its first page is in; a child on no page (the hidden part title)
    goes with the next."""
    firsts = [page for page, _ in located]
    owner: list[int] = []
    for n in range(len(located)):
        page = next((p for p in firsts[n:] if p >= 0), pages - 1)
        owner.append(max(k for k, s in enumerate(starts) if s <= page))
    return owner


class _Tree:
    """A source's structure tree with its Document's children cut loose (their /P
    removed): copying an element into another PDF then never drags the Document, the
    tree root, its ParentTree and every page along. `tops` says, for the elements of a
    ParentTree value, which of the Document's children (or margin boxes, whose parent is
    the Document without being among its /K) they hang from: those get the new /P."""

    def __init__(self, pdf: Pdf):
        self.doc = _document(pdf)
        root = pdf.Root.get("/StructTreeRoot")
        self.values = _parent_tree(root) if root is not None else {}
        self._top: dict[tuple[int, int], Any] = {}
        if self.doc is None:
            return
        kids = self.doc.get("/K")
        for kid in (kids if isinstance(kids, Array) else [kids]):
            if isinstance(kid, Dictionary) and "/P" in kid:
                del kid["/P"]

    def tops(self, value: Any) -> list[Any]:
        found = []
        for elem in (value if isinstance(value, Array) else [value]):
            top = self._climb(elem)
            if top is not None:
                found.append(top)
        return found

    def _climb(self, elem: Any) -> Any:
        path: list[Any] = []
        at = elem
        while isinstance(at, Dictionary) and len(path) < 100:
            if at.is_indirect and at.objgen in self._top:
                top = self._top[at.objgen]
                break
            path.append(at)
            parent = at.get("/P")
            if parent is None:
                top = at
                break
            if self.doc is not None and parent.is_indirect and parent.objgen == self.doc.objgen:
                del at["/P"]
                top = at
                break
            at = parent
        else:
            return None
        for seen in path:
            if seen.is_indirect:
                self._top[seen.objgen] = top
        return top


def _share(part: Pdf, source: Pdf, tree: _Tree, chosen: list[Any], pages: range) -> None:
    """A part's own structure tree from its share of the batch's (see `cut`)."""
    document, tree_root = _new_tree(part)
    nums = Array()
    tops: list[Any] = list(chosen)
    kids = Array([part.copy_foreign(kid) for kid in chosen])
    for page, n in zip(part.pages, pages, strict=True):
        original = source.pages[n].obj
        holders = [(page.obj, original.get("/StructParents"), "/StructParents"),
                   *((annot, annot.get("/StructParent"), "/StructParent")
                     for annot in page.obj.get("/Annots") or [])]
        for holder, old_value, field in holders:
            if old_value is None:
                continue
            holder[field] = len(nums) // 2
            value = tree.values.get(int(old_value))
            nums.append(len(nums) // 2)
            if value is None:
                nums.append(Array())
                continue
            tops += tree.tops(value)
            nums.append(_copy(part, source, value))
    _adopt(part, tops, document)
    document.K = kids
    tree_root.ParentTree = part.make_indirect(Dictionary(Nums=nums))
    tree_root.ParentTreeNextKey = len(nums) // 2
    part.Root.StructTreeRoot = tree_root


def _copy(pdf: Pdf, source: Pdf, value: Any) -> Any:
    """`value` of `source` in `pdf`: a dictionary or array made an object there first
    (qpdf copies only objects), a number or name as it is."""
    if value.is_indirect:
        return pdf.copy_foreign(value)
    if isinstance(value, (Dictionary, Array)):
        return pdf.copy_foreign(source.make_indirect(value))
    return value


def _adopt(pdf: Pdf, tops: list[Any], document: Any) -> None:
    """The copies of the sources' top elements (copied already: copying one again gives
    the same copy) get `document` as parent."""
    for top in tops:
        if top.is_indirect:
            pdf.copy_foreign(top).P = document


def _new_tree(pdf: Pdf) -> tuple[Any, Any]:
    """An empty structure tree in `pdf`: its root and the one Document element under it."""
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document))
    tree_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document.P = tree_root
    tree_root.K = Array([document])
    return document, tree_root


def _parent_tree(root: Any) -> dict[int, Any]:
    tree = root.get("/ParentTree")
    pairs = tree.get("/Nums", Array()) if tree is not None else Array()
    return {int(pairs[k]): pairs[k + 1] for k in range(0, len(pairs) - 1, 2)}


def _document(pdf: Pdf) -> Any:
    """The structure tree's one top element (WeasyPrint's Document), if any."""
    root = pdf.Root.get("/StructTreeRoot")
    top = root.get("/K") if root is not None else None
    if isinstance(top, Array):
        top = top[0] if len(top) else None
    return top if isinstance(top, Dictionary) else None


def document_kids(pdf: Pdf, located: bool = False) -> list[tuple[int, Any]]:
    """The Document element's children, each with the page it starts on (on none: page
    0, or -1 when `located`)."""
    top = _document(pdf)
    kids = top.get("/K") if top is not None else None
    if kids is None:
        return []
    if not isinstance(kids, Array):
        kids = [kids]
    page_no = {p.obj.objgen: n for n, p in enumerate(pdf.pages)}
    nowhere = -1 if located else 0
    out = []
    for kid in kids:
        pg = _first_page(kid)
        out.append((page_no.get(pg, nowhere) if pg is not None else nowhere, kid))
    return out


def _first_page(elem: Any, depth: int = 0) -> tuple[int, int] | None:
    if not isinstance(elem, Dictionary) or depth > 50:
        return None
    pg = elem.get("/Pg")
    if pg is not None and pg.is_indirect:
        return tuple(pg.objgen)  # type: ignore[return-value]
    kids = elem.get("/K")
    for kid in (kids if isinstance(kids, Array) else [kids]):
        found = _first_page(kid, depth + 1)
        if found is not None:
            return found
    return None


def join(front: Laid, parts: dict[int, Laid], order: Order, chrome: Laid) -> bytes:
    """The whole: `order`'s pages of the front (-1) and the parts, with the chrome over
    them (see the module's docstring)."""
    pdf = Pdf.new()
    front_pdf = Pdf.open(io.BytesIO(front.pdf))
    sources = {-1: front_pdf, **{n: Pdf.open(io.BytesIO(p.pdf)) for n, p in parts.items()}}
    laid = {-1: front, **parts}
    # Each source's tree cut loose from its root before anything is copied.
    trees = {n: _Tree(src) for n, src in sources.items()}
    for source, local in order:
        pdf.pages.append(sources[source].pages[local])

    src_root = front_pdf.Root
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata"):
        if key in src_root:
            pdf.Root[key] = _copy(pdf, front_pdf, src_root[key])
    if "/Info" in front_pdf.trailer:
        info = Dictionary({k: v for k, v in front_pdf.docinfo.items()
                           if isinstance(v, String)})
        pdf.trailer.Info = pdf.make_indirect(info)

    where: dict[str, tuple[int, float, float]] = {}
    bookmarks: list[tuple[int, int, str, float, float, str]] = []
    for page, (source, local) in enumerate(order):
        part = laid[source]
        for name, (p, x, y) in part.anchors.items():
            if p == local:
                where.setdefault(name, (page, x, y))
        bookmarks += [(page, level, label, x, y, state)
                      for p, level, label, x, y, state in part.bookmarks if p == local]
    _names(pdf, where)
    _links(pdf, order, front, where)
    _outline(pdf, bookmarks)
    if "/StructTreeRoot" in src_root:
        _structure(pdf, order, sources, trees)
    _stamp(pdf, chrome)
    _once(pdf)
    return _save(pdf, deterministic=True)


def _save(pdf: Pdf, deterministic: bool) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=deterministic, static_id=not deterministic,
             object_stream_mode=pikepdf.ObjectStreamMode.generate, fix_metadata_version=False)
    return out.getvalue()


def _names(pdf: Pdf, where: dict[str, tuple[int, float, float]]) -> None:
    names = Array()
    for name in sorted(where, key=lambda n: n.encode("utf-8")):
        page, x, y = where[name]
        names.append(String(name))
        names.append(Array([pdf.pages[page].obj, Name.XYZ, x, y, 0]))
    pdf.Root.Names = Dictionary(Dests=pdf.make_indirect(Dictionary(Names=names)))


def _links(pdf: Pdf, order: Order, front: Laid,
           where: dict[str, tuple[int, float, float]]) -> None:
    """The front's links to items (the lists' titles and page numbers): WeasyPrint
    dropped them, their anchors being in fragments; they go to the named destinations."""
    done: set[tuple[int, str, tuple[float, ...]]] = set()
    for page, (source, local) in enumerate(order):
        if source != -1:
            continue
        for n, target, rect in front.links:
            if n != local or target in front.anchors or target not in where \
                    or (page, target, tuple(rect)) in done:
                continue
            done.add((page, target, tuple(rect)))
            link = pdf.make_indirect(Dictionary(
                Type=Name.Annot, Subtype=Name.Link, Rect=Array(list(rect)),
                BS=Dictionary(W=0), Dest=String(target)))
            holder = pdf.pages[page].obj
            if "/Annots" not in holder:
                holder.Annots = Array()
            holder.Annots.append(link)


def _outline(pdf: Pdf, bookmarks: list[tuple[int, int, str, float, float, str]]) -> None:
    """The outline WeasyPrint would write for the whole (its own tree-making code)."""
    load_weasyprint()  # as the build loads it, if this process has not yet
    from weasyprint.anchors import make_page_bookmark_tree  # (imported when first used)
    from weasyprint.matrix import Matrix

    tree: list[Any] = []
    skipped: list[int] = []
    last_by_depth: list[Any] = [tree]
    previous = 0
    by_page: dict[int, list[tuple[int, str, tuple[float, float], str]]] = {}
    for page, level, label, x, y, state in bookmarks:
        by_page.setdefault(page, []).append((level, label, (x, y), state))
    for page in sorted(by_page):
        previous = make_page_bookmark_tree(SimpleNamespace(bookmarks=by_page[page]), skipped,
                                           last_by_depth, previous, page, Matrix())

    def items(entries: list[Any]) -> list[pikepdf.OutlineItem]:
        made = []
        for label, (page, x, y), children, state in entries:
            item = pikepdf.OutlineItem(label, page, "XYZ", left=x, top=y, zoom=0)
            item.children.extend(items(children))
            item.is_closed = state == "closed"
            made.append(item)
        return made

    if tree:
        with pdf.open_outline() as outline:
            outline.root.extend(items(tree))


def _structure(pdf: Pdf, order: Order, sources: dict[int, Pdf], trees: dict[int, _Tree]) -> None:
    """One structure tree for the whole: each part's elements in reading order under
    one Document element, StructParents renumbered into one ParentTree."""
    document, tree_root = _new_tree(pdf)
    offset: dict[int, int] = {}
    nums = Array()
    tops: list[Any] = []
    next_key = 0
    for source in [-1, *sorted(set(s for s, _ in order if s != -1))]:
        tree = trees[source]
        if tree.doc is None:
            continue
        offset[source] = next_key
        for key in sorted(tree.values):
            tops += tree.tops(tree.values[key])
            nums.append(key + next_key)
            nums.append(_copy(pdf, sources[source], tree.values[key]))
        next_key += (max(tree.values) + 1) if tree.values else 0
    kids = Array()
    seen: set[int] = set()
    front_kids = document_kids(sources[-1])
    for source, local in order:
        if source == -1:
            mine = [kid for start, kid in front_kids if start == local]
        elif source not in seen:
            seen.add(source)
            # Not the hidden span that only carries the part's title for the header.
            mine = [kid for n, (_, kid) in enumerate(document_kids(sources[source]))
                    if n or kid.get("/S") != Name.Span]
        else:
            continue
        tops += mine
        kids.extend(pdf.copy_foreign(kid) for kid in mine)
    _adopt(pdf, tops, document)
    document.K = kids
    old = sources[-1].Root.StructTreeRoot
    if "/Namespaces" in old:
        tree_root.Namespaces = _copy(pdf, sources[-1], old.Namespaces)
        if len(tree_root.Namespaces):
            document.NS = tree_root.Namespaces[0]
    tree_root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    tree_root.ParentTreeNextKey = next_key
    for page, (source, local) in zip(pdf.pages, order, strict=True):
        if source not in offset:
            continue
        original = sources[source].pages[local].obj
        if "/StructParents" in original:
            page.obj.StructParents = int(original.StructParents) + offset[source]
        for annot in page.obj.get("/Annots") or []:
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + offset[source]
    pdf.Root.StructTreeRoot = tree_root


def _stamp(pdf: Pdf, chrome: Laid) -> None:
    """Each chrome page over its page, as an artifact Form XObject."""
    source = Pdf.open(io.BytesIO(chrome.pdf))
    opening = pdf.make_stream(b"q\n")
    for n, page in enumerate(pdf.pages):
        if n >= len(source.pages):
            break
        chrome_page = source.pages[n]
        if "/Contents" not in chrome_page.obj:
            continue
        form = pdf.copy_foreign(chrome_page.as_form_xobject())
        name = Name(f"/PortfolioChrome{n}")
        if "/Resources" not in page.obj:
            page.obj.Resources = Dictionary()
        resources = page.obj.Resources
        if "/XObject" not in resources:
            resources.XObject = Dictionary()
        resources.XObject[name] = form
        closing = pdf.make_stream(f"Q\n/Artifact BMC q {name} Do Q EMC\n".encode())
        contents = page.obj.get("/Contents")
        current = list(contents) if isinstance(contents, Array) else \
            ([contents] if contents is not None else [])
        page.obj.Contents = Array([opening, *current, closing])


def _once(pdf: Pdf) -> None:
    """Fonts several parts carry written once: the same object for every page that uses
    them (those left unreferenced are not written). Fragments of one batch share its
    font subsets: a realistic department copy is 60 MB without this, 9 MB with. (A
    picture is in one part only: hashing megabytes of photos would find nothing.)"""
    digests: dict[tuple[int, int], bytes] = {}
    first: dict[bytes, Any] = {}
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        if resources is None:
            continue
        for kind in ("/Font",):
            table = resources.get(kind)
            if not isinstance(table, Dictionary):
                continue
            for key in list(table.keys()):
                obj = table[key]
                if not obj.is_indirect:
                    continue
                digest = _digest(obj, digests)
                kept = first.setdefault(digest, obj)
                if kept.objgen != obj.objgen:
                    table[key] = kept


def _digest(obj: Any, seen: dict[tuple[int, int], bytes], depth: int = 0) -> bytes:
    """A hash of what an object says, following references (its number does not count)."""
    if not isinstance(obj, pikepdf.Object):   # pikepdf gives numbers as Python's
        return hashlib.sha256(repr(obj).encode()).digest()
    if obj.is_indirect and obj.objgen in seen:
        return seen[obj.objgen]
    h = hashlib.sha256()
    if depth > 20:
        h.update(repr(obj.objgen).encode())
    elif isinstance(obj, (pikepdf.Stream, Dictionary)):
        if isinstance(obj, pikepdf.Stream):
            h.update(b"S" + obj.read_raw_bytes())
        h.update(b"D")
        keys: list[str] = sorted(obj.keys())  # a Stream iterates otherwise
        for key in keys:
            if key not in ("/Length", "/Parent", "/P"):
                h.update(key.encode() + _digest(obj[key], seen, depth + 1))
    elif isinstance(obj, Array):
        said = obj.unparse()
        if _REFERENCE.search(said) is None:   # numbers only (a font's widths): as written
            h.update(b"a" + said)
        else:
            h.update(b"A")
            for value in obj:
                h.update(_digest(value, seen, depth + 1))
    else:
        h.update(obj.unparse())
    digest = h.digest()
    if obj.is_indirect:
        seen[obj.objgen] = digest
    return digest
