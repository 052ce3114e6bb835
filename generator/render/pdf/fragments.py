"""A portfolio PDF assembled from item fragments, each laid out once and kept.

Laying out a 30-item portfolio is seconds of WeasyPrint; each department's copy laid
the same item pages out again, and one changed reflection laid out everything. So
the print theme's portfolio.html marks where each item starts and ends (`cut`), and
the HTML is cut there into:

- **fragments**: one item's pages (its print page(s) and its laid-in document pages),
  laid out as if alone (see below) and kept in the cache
  (`<cache>/pdf/fragments/<fp>.pdf` + `.json`, the page facts assembly needs: page
  count, named pages, anchors, bookmarks), keyed
  by the fragment's own HTML (the item as printed, its language, the theme's CSS, its
  draft mark, the part it is in: whatever differs between the student's and the
  reviewer's copy is in that HTML), the bytes of its laid-in document, the code of
  this package and the fonts here. An item an empty trailing part joins (its last page
  is shared, print_view._joins) is no fragment: it stays in the front matter.
- **front matter**: everything else (cover, lists, 自述, 修課紀錄, 綜整心得, 其他), laid
  out as ONE document whose parts each start a page. The lists' page numbers and the
  cover's page count are written into it (CSS `content` strings) from the fragments'
  page counts, not by `target-counter`; it is laid out again only if its own part
  lengths turn out other than assumed (the assumption comes from the cache).
- **chrome**: the running student name and "n / N" page numbers, which depend on the
  place in the whole, are left out of both and laid out once for the whole as N
  empty pages carrying just those margin boxes (the theme's own, with the theme's
  fonts), then stamped over each page as an artifact Form XObject: no content stream
  is parsed or rewritten.

pypdf concatenates the pages, rebuilds the outline from the parts' bookmarks as
WeasyPrint would (same titles, levels, targets), names every anchor (the lists' links
reach the fragments), and merges the parts' structure trees into one: a Document
element holding each part's elements in reading order, /StructParents renumbered, one
ParentTree. The output is deterministic: the /ID is a hash of what went in.

A template without `cut` marks (a school's own portfolio.html) is laid out whole, as
before. Fragments laid out in a run are listed in `FragmentStore.laid` (the PDF step records
them in `<cache>/pdf/fragments-laid.json`); every cached part a PDF was made from in
`FragmentStore.used` (its verdict keeps them; the step drops the parts no PDF uses any more).

What it costs: the fragments a PDF needs that are not in the cache are laid out
together, as ONE WeasyPrint document (one stylesheet parse, one font subset; each item
starts a page and sets its part title again, so its pages are those it has alone),
then cut by pages into fragments, each with its share of the structure tree, its
anchors, bookmarks and links (`FragmentStore.fragments`). So an empty cache costs about one
layout of the items, and the fragments of one batch carry the same font subsets,
which assembly writes once (pypdf's `compress_identical_objects`).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    Fit,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from weasyprint.anchors import make_page_bookmark_tree
from weasyprint.matrix import Matrix

from generator.render.pdf.pdf_assembly import Laid, lay_out
from generator.render.pdf.print_item import AttachmentView
from generator.support.atomic import write_bytes

FRAGMENT_VERSION = 1
_PACKAGE = Path(__file__).parent
_CATALOG = _PACKAGE.parents[1] / "messages" / "pdf.toml"
_PDFSAFE = _PACKAGE.parents[1] / "support" / "pdf_cleaning.py"  # what is stripped from PDFs


@cache
def code_digest() -> str:
    """This package's code and words: a fix to the renderer re-renders every PDF."""
    h = hashlib.sha256()
    for path in sorted([*_PACKAGE.glob("*.py"), _CATALOG, _PDFSAFE]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


# The margin boxes that depend on where a page is in the whole: stamped at assembly.
_NO_CHROME = """
@page { @top-left { content: none; } @bottom-center { content: none; } }
@page attachment { @top-left { content: none; } @bottom-center { content: none; } }
"""
# A fragment's first page is no cover: it keeps the part and draft headers the theme
# gives every other page (`@page :first` would take them away).
_FRAGMENT = _NO_CHROME + """
@page :first { @top-right { content: string(part, start); }
               @top-center { content: string(draft); } }
.fragment-part { string-set: part content(); display: block; height: 0; overflow: hidden;
                 visibility: hidden; }
.fragment-part + *, .fragment-part + article.item { break-before: auto; }
"""
# Fragments laid out together: each starts a page of its own, as it would alone.
_BATCH = """
.fragment-part { break-before: page; }
"""
# The chrome: only the running name and the page number, on empty pages.
_CHROME = """
@page { @top-right { content: none; } @top-center { content: none; } }
@page attachment { @top-right { content: none; } @top-center { content: none; } }
.chrome-page { height: 0; margin: 0; }
.chrome-page + .chrome-page { break-before: page; }
.chrome-attachment { page: attachment; }
.running-name { visibility: hidden; }
"""

_BODY = re.compile(r"<body[^>]*>")
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
_LANG = re.compile(r"<html[^>]*>")
_FIRST_ID = re.compile(r'\bid="([^"]+)"')
_PART = re.compile(r'<h1 class="part"[^>]*>(.*?)</h1>', re.S)
_JOINS = re.compile(r'\s*<section class="part joins"')
_RUNNING = re.compile(r'<span class="running-name">.*?</span>', re.S)
_REF = re.compile(r'<a class="ref" href="#([^"]+)"')


@dataclass
class HtmlPiece:
    html: str
    anchor: str            # its first id: where it starts
    item: bool             # an item laid out alone (a fragment)
    part: str = ""         # the running part title at the item (fragments)


@dataclass
class Cut:
    prefix: str            # <!DOCTYPE …> … <body>
    suffix: str            # </body></html>
    pieces: list[HtmlPiece]


def cut(html: str, mark: str) -> Cut | None:
    """The portfolio's HTML cut at the template's item marks; None when it has none."""
    body = _BODY.search(html)
    end = html.rfind("</body>")
    if body is None or end < body.end() or mark not in html:
        return None
    chunks = html[body.end():end].split(mark)
    if len(chunks) % 2 == 0:
        return None            # an item mark without its pair: lay it out whole
    pieces: list[HtmlPiece] = []
    front = chunks[0]
    for k in range(1, len(chunks), 2):
        item, after = chunks[k], chunks[k + 1]
        if _JOINS.match(after):
            # An empty trailing part shares the item's last page: laid out with it.
            front += item + after
            continue
        if front.strip():
            pieces.append(_piece(front, False))
        part = _PART.findall(html[:html.find(item)])
        pieces.append(_piece(item, True, part[-1] if part else ""))
        front = after
    if front.strip():
        pieces.append(_piece(front, False))
    if any(p.anchor == "" for p in pieces) or not pieces or pieces[0].item:
        return None
    return Cut(html[:body.end()], html[end:], pieces)


def _piece(html: str, item: bool, part: str = "") -> HtmlPiece:
    found = _FIRST_ID.search(html)
    return HtmlPiece(html, found.group(1) if found else "", item, part)


def _with_css(prefix: str, css: str) -> str:
    at = prefix.rfind("</head>")
    return prefix[:at] + f"<style>{css}</style>" + prefix[at:]


def _head(prefix: str, css: str) -> str:
    """A document of its own with the portfolio's language and styles."""
    lang = _LANG.search(prefix)
    styles = "".join(_STYLE.findall(prefix))
    return (f"<!DOCTYPE html>\n{lang.group(0) if lang else '<html>'}<head><meta charset=\"utf-8\">"
            f"{styles}<style>{css}</style></head><body>")


class FragmentStore:
    """Laid-out parts by the hash of everything that went into them."""

    def __init__(self, folder: Path, salt: str, laid: list[str] | None = None,
                 used: list[str] | None = None):
        self.folder = folder
        self.salt = salt
        self.laid = laid          # item fragments laid out (not found kept): their keys
        self.used = used          # every file of the store this PDF was made from

    def key(self, html: str, attachments: Iterable[AttachmentView], tagged: bool) -> str:
        h = hashlib.sha256()
        h.update(f"{FRAGMENT_VERSION}\0{self.salt}\0{tagged}\0".encode())
        h.update(html.encode())
        for att in attachments:
            h.update(b"\0" + att.item.encode() + b"\0")
            try:
                h.update(hashlib.sha256(att.path.read_bytes()).digest())
            except OSError:
                h.update(b"missing")
        return h.hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key[:40]}.pdf", self.folder / f"{key[:40]}.json"

    def _load(self, key: str) -> Laid | None:
        pdf, facts = self._paths(key)
        if self.used is not None:
            self.used.append(key[:40])
        try:
            data = json.loads(facts.read_text("utf-8"))
            laid = Laid(pdf.read_bytes(), **{k: v for k, v in data.items()})
            laid.anchors = {k: (v[0], v[1], v[2]) for k, v in laid.anchors.items()}
            laid.bookmarks = [tuple(b) for b in laid.bookmarks]  # type: ignore[misc]
            laid.links = [(n, t, tuple(r)) for n, t, r in laid.links]  # type: ignore[misc]
            return laid
        except (OSError, ValueError, TypeError):
            return None

    def _keep(self, key: str, laid: Laid, kind: str) -> None:
        pdf, facts = self._paths(key)
        if kind == "fragment" and self.laid is not None:
            self.laid.append(key[:40])
        write_bytes(pdf, laid.pdf)
        facts_data = {k: v for k, v in asdict(laid).items() if k != "pdf"}
        write_bytes(facts, json.dumps(facts_data, ensure_ascii=False).encode())

    def get(self, html: str, folders: list[Path], attachments: list[AttachmentView],
            tagged: bool, kind: str) -> Laid:
        key = self.key(html, attachments, tagged)
        laid = self._load(key)
        if laid is None:
            laid = lay_out(html, folders, attachments, None, tagged, object_streams=False)
            self._keep(key, laid, kind)
        return laid

    def fragments(self, wanted: list[Wanted], batch_head: str, suffix: str,
                  folders: list[Path], tagged: bool) -> list[Laid]:
        """Each wanted fragment, from the cache or laid out: those missing together, as
        ONE WeasyPrint document (one stylesheet parse, one font subset) cut by pages
        into fragments, each as it would be laid out alone (each starts a page, its
        part title set again at its start, the draft mark reset by its article)."""
        keys = [self.key(w.html, w.attachments, tagged) for w in wanted]
        found: list[Laid | None] = [self._load(k) for k in keys]
        missing = [n for n, laid in enumerate(found) if laid is None]
        if len(missing) == 1:
            n = missing[0]
            found[n] = lay_out(wanted[n].html, folders, wanted[n].attachments, None, tagged,
                               object_streams=False)
            self._keep(keys[n], found[n], "fragment")  # type: ignore[arg-type]
        elif missing:
            batch = _batch([wanted[n] for n in missing], batch_head, suffix, folders, tagged)
            for n, laid in zip(missing, batch, strict=True):
                self._keep(keys[n], laid, "fragment")
                found[n] = laid
        return [laid for laid in found if laid is not None]


@dataclass
class Wanted:
    """One item fragment: its document alone (what its key is made of) and its body."""

    html: str
    body: str                 # the part-title span and the item's HTML
    anchor: str               # its first id: the page it starts on in a batch
    attachments: list[AttachmentView]


def _batch(wanted: list[Wanted], head: str, suffix: str, folders: list[Path],
           tagged: bool) -> list[Laid]:
    """Several fragments laid out as one document, then cut at each one's first page;
    laid out one by one when the cut cannot be found (an anchor not where expected)."""
    attachments = [a for w in wanted for a in w.attachments]
    doc = head + "".join(w.body for w in wanted) + suffix
    whole = lay_out(doc, folders, attachments, None, tagged, object_streams=False)
    starts = [whole.anchors[w.anchor][0] if w.anchor in whole.anchors else -1 for w in wanted]
    if starts[0] != 0 or any(b <= a for a, b in pairwise(starts)):
        return [lay_out(w.html, folders, w.attachments, None, tagged, object_streams=False)
                for w in wanted]
    ends = [*starts[1:], whole.pages]
    reader = PdfReader(io.BytesIO(whole.pdf))
    owners = _owners(reader, starts)
    out = []
    for k, (w, start, end) in enumerate(zip(wanted, starts, ends, strict=True)):
        laid = Laid(_pages(reader, start, end, owners, k), whole.height[start:end],
                    whole.named[start:end])
        laid.anchors = {name: (p - start, x, y) for name, (p, x, y) in whole.anchors.items()
                        if start <= p < end}
        laid.bookmarks = [(p - start, *rest) for p, *rest in whole.bookmarks  # type: ignore[misc]
                          if start <= p < end]
        laid.links = [(p - start, target, rect) for p, target, rect in whole.links
                      if start <= p < end]
        mine = {a.item for a in w.attachments}
        laid.unattached = [i for i in whole.unattached if i in mine]
        out.append(laid)
    return out


def _owners(reader: PdfReader, starts: list[int]) -> list[int]:
    """Which fragment each of the Document element's children belongs to: the one its
    first page is in; a child on no page (the hidden part title) goes with the next."""
    kids = _kids(reader, located=True)
    pages = [page for page, _ in kids]
    owner: list[int] = []
    for n in range(len(kids)):
        page = next((p for p in pages[n:] if p >= 0), len(reader.pages) - 1)
        owner.append(max(k for k, s in enumerate(starts) if s <= page))
    return owner


def _pages(reader: PdfReader, start: int, end: int, owners: list[int],
           fragment: int) -> bytes:
    """Pages start..end of a batch as a PDF of their own, with their share of its
    structure tree: its Document's children that start there, and the ParentTree
    entries of those pages and their annotations, numbered from 0."""
    writer = PdfWriter()
    for k in range(start, end):
        writer.add_page(_own_resources(reader.pages[k]))
    root: Any = _catalog(reader).get("/StructTreeRoot")
    if root is not None:
        chosen = [kid for (_, kid), owner in zip(_kids(reader, located=True), owners,
                                                 strict=True) if owner == fragment]
        _tree(writer, reader, root.get_object(), chosen, reader.pages[start:end])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")


def _own_resources(page: Any) -> Any:
    """The page with only the pictures its content names: WeasyPrint gives every page
    of a document one /Resources, so a fragment cut from a batch would carry every
    picture of the batch. (Its fonts stay: one subset, written once at assembly.)"""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    contents = page.get_contents()
    if xobjects is None or contents is None:
        return page
    named = set(_NAME.findall(contents.get_data()))
    own = DictionaryObject(resources.get_object())
    own[NameObject("/XObject")] = DictionaryObject(
        {k: v for k, v in xobjects.get_object().items() if k[1:].encode() in named})
    page[NameObject("/Resources")] = own      # the batch's reader is dropped after the cut
    return page


def _new_tree(writer: PdfWriter) -> tuple[DictionaryObject, Any, DictionaryObject, Any]:
    """An empty structure tree in `writer`: its root and the one Document element under
    it (with their references), for a fragment's share or an assembled whole."""
    document = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                                 NameObject("/S"): NameObject("/Document")})
    doc_ref = writer._add_object(document)
    tree_root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    root_ref = writer._add_object(tree_root)
    document[NameObject("/P")] = root_ref
    return document, doc_ref, tree_root, root_ref


def _tree(writer: PdfWriter, reader: PdfReader, root: Any, chosen: list[Any],
          originals: Sequence[Any]) -> None:
    """A fragment's own structure tree from its share of the batch's (see `_pages`)."""
    document, doc_ref, tree_root, root_ref = _new_tree(writer)
    pairs = root["/ParentTree"].get_object().get("/Nums", [])
    values = {int(pairs[k]): pairs[k + 1] for k in range(0, len(pairs) - 1, 2)}
    # The batch's Document and tree root ARE this fragment's: an element's /P reaching
    # them (a page's margin boxes are the Document's without being among its /K) must
    # not copy the whole batch's tree, and its pages, along.
    translated = writer._id_translated.setdefault(id(reader), {"PreventGC": reader})
    top = root.raw_get("/K")
    top = top.get_object() if isinstance(top, IndirectObject) and \
        isinstance(top.get_object(), ArrayObject) else top
    top = top[0] if isinstance(top, ArrayObject) and len(top) else top
    if isinstance(top, IndirectObject):
        translated[top.idnum] = doc_ref.idnum
    if root.indirect_reference is not None:
        translated[root.indirect_reference.idnum] = root_ref.idnum
    nums = ArrayObject()
    kids = ArrayObject([kid.clone(writer) for kid in chosen])
    # (pypdf leaves a page's /StructParents behind when it copies the page.)
    for page, original in zip(writer.pages, originals, strict=True):
        marks = [(page, original.get("/StructParents"), "/StructParents"),
                 *((a.get_object(), a.get_object().get("/StructParent"), "/StructParent")
                   for a in page.get("/Annots") or [])]
        for holder, old_value, field_name in marks:
            if old_value is None:
                continue
            old = int(old_value)
            holder[NameObject(field_name)] = NumberObject(len(nums) // 2)
            nums += [NumberObject(len(nums) // 2),
                     values[old].clone(writer) if old in values else ArrayObject()]
    for kid in kids:
        kid.get_object()[NameObject("/P")] = doc_ref
    document[NameObject("/K")] = kids
    tree_root[NameObject("/K")] = ArrayObject([doc_ref])
    tree_root[NameObject("/ParentTree")] = writer._add_object(
        DictionaryObject({NameObject("/Nums"): nums}))
    tree_root[NameObject("/ParentTreeNextKey")] = NumberObject(len(nums) // 2)
    writer._root_object[NameObject("/StructTreeRoot")] = root_ref


def assemble(html: str, mark: str, folders: list[Path], attachments: list[AttachmentView],
             store: FragmentStore, tagged: bool) -> tuple[bytes, list[str]] | None:
    """The finished PDF and the items whose document could not be laid in; None when
    the template gives no item marks (the caller lays it out whole)."""
    parts = cut(html, mark)
    if parts is None:
        return None
    atts = {a.item: a for a in attachments}

    def attached(piece_html: str) -> list[AttachmentView]:
        return [a for item, a in atts.items() if any(f'id="{x}"' in piece_html
                                                     for x in a.anchors[:1])]

    # The fragments first: their page counts number the lists.
    items = [n for n, piece in enumerate(parts.pieces) if piece.item]
    head = _head(parts.prefix, _FRAGMENT)
    wanted = []
    for n in items:
        piece = parts.pieces[n]
        body = f'<span class="fragment-part">{piece.part}</span>' + piece.html
        wanted.append(Wanted(head + body + parts.suffix, body, piece.anchor,
                             attached(piece.html)))
    fragments = dict(zip(items, store.fragments(wanted, _head(parts.prefix, _FRAGMENT + _BATCH),
                                                parts.suffix, folders, tagged), strict=True))
    fronts = [n for n, p in enumerate(parts.pieces) if not p.item]
    front_html = "".join(parts.pieces[n].html for n in fronts)
    refs = sorted(set(_REF.findall(front_html)))
    base = _with_css(parts.prefix, _NO_CHROME)
    counts_key = hashlib.sha256((store.salt + base + front_html).encode()).hexdigest()[:40]
    counts_file = store.folder / f"front-{counts_key}.json"
    if store.used is not None:
        store.used.append(counts_file.stem)
    # The front's part lengths and where its own anchors fall, as last laid out (a guess
    # checked below: laid out again only when it was wrong).
    try:
        guess = json.loads(counts_file.read_text("utf-8"))
        counts = [int(c) for c in guess["counts"]]
        local = {str(k): int(v) for k, v in guess["local"].items()}
        if len(counts) != len(fronts):
            raise ValueError("stale")
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        counts, local = [1] * len(fronts), {}
    front_atts = attached(front_html)
    before = len(store.used) if store.used is not None else 0
    for _ in range(4):
        starts = _starts(_lengths(parts, fronts, counts, fragments))
        anchors = _anchor_pages(fragments, starts)
        for name, page in local.items():
            anchors.setdefault(name, _front_page(counts, fronts, starts, page))
        total = sum(_lengths(parts, fronts, counts, fragments))
        numbers = "".join(f'a.ref[href="#{_css(a)}"]::after {{ content: "{anchors[a] + 1}"; }}\n'
                          for a in refs if a in anchors)
        numbers += f'.cover .pages::after {{ content: "{total}"; }}\n'
        front_doc = _with_css(base, numbers) + front_html + parts.suffix
        if store.used is not None:
            del store.used[before:]   # a front laid out on a wrong guess is not used
        with _elsewhere_anchors():
            front = store.get(front_doc, folders, front_atts, tagged, "front")
        found = _front_counts(front, [parts.pieces[n].anchor for n in fronts])
        found_local = {a: front.anchors[a][0] for a in refs if a in front.anchors}
        if found == counts and found_local == local:
            break
        counts, local = found, found_local
    write_bytes(counts_file, json.dumps({"counts": counts, "local": local}).encode())
    length = _lengths(parts, fronts, counts, fragments)
    starts = _starts(length)
    chrome = _chrome(parts, fronts, counts, front, fragments, folders, store)
    unattached = [*front.unattached, *(i for f in fragments.values() for i in f.unattached)]
    return _merge(parts, fronts, counts, front, fragments, chrome, starts), unattached


class _AnchorsElsewhere(logging.Filter):
    """The lists link to items laid out in fragments: not missing, linked at assembly."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("No anchor #")


@contextmanager
def _elsewhere_anchors() -> Iterator[None]:
    logger, quiet = logging.getLogger("weasyprint"), _AnchorsElsewhere()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def _css(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")


def _lengths(parts: Cut, fronts: list[int], counts: list[int],
             fragments: dict[int, Laid]) -> list[int]:
    front_len = dict(zip(fronts, counts, strict=True))
    return [fragments[n].pages if n in fragments else front_len[n]
            for n in range(len(parts.pieces))]


def _starts(lengths: list[int]) -> list[int]:
    out, at = [], 0
    for n in lengths:
        out.append(at)
        at += n
    return out


def _front_counts(front: Laid, anchors: list[str]) -> list[int]:
    """How many pages each front piece took in the front layout."""
    begins = [front.anchors[a][0] if a in front.anchors else 0 for a in anchors]
    begins[0] = 0
    ends = [*begins[1:], front.pages]
    return [max(0, e - b) for b, e in zip(begins, ends, strict=True)]


def _front_page(counts: list[int], fronts: list[int], starts: list[int], local: int) -> int:
    """The page in the whole of page `local` of the front layout."""
    at = 0
    for n, count in zip(fronts, counts, strict=True):
        if local < at + count:
            return starts[n] + local - at
        at += count
    return starts[fronts[-1]] + local - at + counts[-1] - 1 if fronts else local


def _anchor_pages(fragments: dict[int, Laid], starts: list[int]) -> dict[str, int]:
    """Each fragment anchor's page in the whole (0-based)."""
    pages: dict[str, int] = {}
    for n, laid in fragments.items():
        for name, (local, _x, _y) in laid.anchors.items():
            pages.setdefault(name, starts[n] + local)
    return pages


def _chrome(parts: Cut, fronts: list[int], counts: list[int], front: Laid,
            fragments: dict[int, Laid], folders: list[Path], store: FragmentStore) -> Laid:
    named: list[str] = []
    front_at = 0
    front_len = dict(zip(fronts, counts, strict=True))
    for n in range(len(parts.pieces)):
        if n in fragments:
            named += fragments[n].named
        else:
            named += front.named[front_at:front_at + front_len[n]]
            front_at += front_len[n]
    running = _RUNNING.search(parts.prefix + "".join(p.html for p in parts.pieces))
    kinds = {"attachment": "chrome-page chrome-attachment"}
    pages = "".join(f'<div class="{kinds.get(name, "chrome-page")}"></div>' for name in named)
    doc = (_head(parts.prefix, _CHROME) + (running.group(0) if running else "") + pages
           + parts.suffix)
    return store.get(doc, folders, [], False, "chrome")


def _merge(parts: Cut, fronts: list[int], counts: list[int], front: Laid,
           fragments: dict[int, Laid], chrome: Laid, starts: list[int]) -> bytes:
    writer = PdfWriter()
    front_reader = PdfReader(io.BytesIO(front.pdf))
    readers: dict[int, PdfReader] = {n: PdfReader(io.BytesIO(f.pdf)) for n, f in fragments.items()}
    # (reader, local page) of each page of the whole, in order.
    order: list[tuple[int, int]] = []     # -1: the front
    front_at = 0
    front_len = dict(zip(fronts, counts, strict=True))
    for n in range(len(parts.pieces)):
        if n in fragments:
            order += [(n, k) for k in range(fragments[n].pages)]
        else:
            order += [(-1, front_at + k) for k in range(front_len[n])]
            front_at += front_len[n]
    for source, local in order:
        reader = front_reader if source == -1 else readers[source]
        writer.add_page(reader.pages[local])

    root = writer._root_object
    src_root: Any = front_reader.trailer["/Root"]
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
        if key in src_root:
            root[NameObject(key)] = src_root[key].clone(writer)
    if front_reader.metadata is not None:
        writer.add_metadata({k: v for k, v in front_reader.metadata.items()
                             if isinstance(v, str)})
    if "/Metadata" in src_root:
        root[NameObject("/Metadata")] = src_root["/Metadata"].clone(writer)

    # Where each anchor is in the whole: named destinations (the lists' links to the
    # fragments) and the outline.
    where: dict[str, tuple[int, float, float]] = {}
    bookmarks: list[tuple[int, int, str, float, float, str]] = []
    for page, (source, local) in enumerate(order):
        laid = front if source == -1 else fragments[source]
        for name, (p, x, y) in laid.anchors.items():
            if p == local:
                where.setdefault(name, (page, x, y))
        bookmarks += [(page, level, label, x, y, state)
                      for p, level, label, x, y, state in laid.bookmarks if p == local]
    _names(writer, where)
    _links(writer, order, front, where)
    _outline(writer, bookmarks)
    if "/StructTreeRoot" in src_root:
        _structure(writer, order, front_reader, readers)
    _stamp(writer, chrome)
    digest = hashlib.sha256(front.pdf)
    for n in sorted(fragments):
        digest.update(fragments[n].pdf)
    digest.update(chrome.pdf)
    ident = ByteStringObject(digest.digest()[:16])
    writer._ID = ArrayObject([ident, ident])
    # Fragments laid out together carry the same font subsets: written once (a realistic
    # department copy: 60 MB without, 9 MB with). One pass: a second one would also join
    # the font dictionaries, which are the same only once their font files are one object,
    # for under 1 % of the size and about as much time again as the first.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _names(writer: PdfWriter, where: dict[str, tuple[int, float, float]]) -> None:
    names = ArrayObject()
    for name in sorted(where, key=lambda n: n.encode("utf-8")):
        page, x, y = where[name]
        names += [TextStringObject(name),
                  ArrayObject([writer.pages[page].indirect_reference, NameObject("/XYZ"),
                               FloatObject(x), FloatObject(y), NumberObject(0)])]
    dests = DictionaryObject({NameObject("/Names"): names})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/Dests"): writer._add_object(dests)})


def _links(writer: PdfWriter, order: list[tuple[int, int]], front: Laid,
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
            link = DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
                NameObject("/BS"): DictionaryObject({NameObject("/W"): NumberObject(0)}),
                NameObject("/Dest"): TextStringObject(target)})
            target_page = writer.pages[page]
            if "/Annots" not in target_page:
                target_page[NameObject("/Annots")] = ArrayObject()
            annots: Any = target_page["/Annots"].get_object()
            annots.append(writer._add_object(link))


def _outline(writer: PdfWriter, bookmarks: list[tuple[int, int, str, float, float, str]]) -> None:
    """The outline WeasyPrint would write for the whole (its own tree-making code)."""
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

    def add(entries: list[Any], parent: Any) -> None:
        for label, (page, x, y), children, state in entries:
            node = writer.add_outline_item(title=label, page_number=page, parent=parent,
                                           fit=Fit.xyz(x, y, 0), is_open=state != "closed")
            add(children, node)

    add(tree, None)


def _structure(writer: PdfWriter, order: list[tuple[int, int]], front: PdfReader,
               readers: dict[int, PdfReader]) -> None:
    """One structure tree for the whole: each part's elements in reading order under
    one Document element, StructParents renumbered into one ParentTree."""
    sources = [-1, *sorted(set(s for s, _ in order if s != -1), key=lambda s: s)]
    reader_of = {-1: front, **readers}
    offset: dict[int, int] = {}
    nums = ArrayObject()
    next_key = 0
    for source in sources:
        root: Any = _catalog(reader_of[source]).get("/StructTreeRoot")
        if root is None:
            continue
        offset[source] = next_key
        pairs = root.get_object()["/ParentTree"].get_object().get("/Nums", [])
        top = -1
        for k in range(0, len(pairs) - 1, 2):
            key = int(pairs[k])
            nums += [NumberObject(key + next_key), pairs[k + 1].clone(writer)]
            top = max(top, key)
        next_key += top + 1
    document, doc_ref, tree_root, root_ref = _new_tree(writer)
    # The kids in page order: the front's elements by the page they start on.
    front_kids = _kids(front)
    kids = ArrayObject()
    seen: set[int] = set()
    for source, local in order:
        if source == -1:
            for start, kid in front_kids:
                if start == local:
                    kids.append(kid.clone(writer))
        elif source not in seen:
            seen.add(source)
            # Not the hidden span that only carries the part's title for the header.
            kids += [kid.clone(writer) for n, (_, kid) in enumerate(_kids(readers[source]))
                     if n or kid.get_object().get("/S") != "/Span"]
    for kid in kids:
        kid.get_object()[NameObject("/P")] = doc_ref
    document[NameObject("/K")] = kids
    old: Any = _catalog(front)["/StructTreeRoot"].get_object()
    if "/Namespaces" in old:
        tree_root[NameObject("/Namespaces")] = old["/Namespaces"].clone(writer)
        namespaces = old["/Namespaces"].get_object()
        if len(namespaces):
            document[NameObject("/NS")] = namespaces[0].clone(writer)
    tree_root[NameObject("/K")] = ArrayObject([doc_ref])
    tree_root[NameObject("/ParentTree")] = writer._add_object(
        DictionaryObject({NameObject("/Nums"): nums}))
    tree_root[NameObject("/ParentTreeNextKey")] = NumberObject(next_key)
    for page, (source, local) in zip(writer.pages, order, strict=True):
        original: Any = reader_of[source].pages[local]
        if "/StructParents" in original and source in offset:
            page[NameObject("/StructParents")] = NumberObject(
                int(original["/StructParents"]) + offset[source])
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if "/StructParent" in annot and source in offset:
                annot[NameObject("/StructParent")] = NumberObject(
                    int(annot["/StructParent"]) + offset[source])
    writer._root_object[NameObject("/StructTreeRoot")] = root_ref


def _catalog(reader: PdfReader) -> Any:
    return reader.trailer["/Root"].get_object()


def _kids(reader: PdfReader, located: bool = False) -> list[tuple[int, Any]]:
    """The Document element's children of a part, each with the page it starts on
    (on none: page 0, or -1 when `located`)."""
    root: Any = _catalog(reader).get("/StructTreeRoot")
    if root is None:
        return []
    top = root.get_object().get("/K")
    top = top.get_object() if top is not None else None
    if isinstance(top, ArrayObject):
        top = top[0].get_object() if len(top) else None
    kids = top.get("/K") if isinstance(top, DictionaryObject) else None
    if kids is None:
        return []
    kids = kids.get_object()
    if not isinstance(kids, ArrayObject):
        kids = ArrayObject([kids])
    page_no = {p.indirect_reference.idnum: n for n, p in enumerate(reader.pages)
               if p.indirect_reference is not None}
    out = []
    for kid in kids:
        obj = kid.get_object()
        pg = _first_page(obj)
        nowhere = -1 if located else 0
        out.append((page_no.get(pg, nowhere) if pg is not None else nowhere, kid))
    return out


def _first_page(elem: Any, depth: int = 0) -> int | None:
    if not isinstance(elem, DictionaryObject) or depth > 50:
        return None
    pg = elem.get("/Pg")
    if isinstance(pg, IndirectObject):
        return pg.idnum
    kids = elem.get("/K")
    kids = kids.get_object() if kids is not None else None
    for kid in (kids if isinstance(kids, ArrayObject) else [kids]):
        found = _first_page(kid.get_object() if kid is not None else None, depth + 1)
        if found is not None:
            return found
    return None


def _stamp(writer: PdfWriter, chrome: Laid) -> None:
    """Each chrome page over its page, as an artifact Form XObject."""
    reader = PdfReader(io.BytesIO(chrome.pdf))
    opening = DecodedStreamObject()
    opening.set_data(b"q\n")
    opening_ref = writer._add_object(opening)
    for n, page in enumerate(writer.pages):
        if n >= len(reader.pages):
            break
        source = reader.pages[n]
        data = source.get_contents()
        if data is None:
            continue
        form = DecodedStreamObject()
        form.set_data(data.get_data())
        form.update({NameObject("/Type"): NameObject("/XObject"),
                     NameObject("/Subtype"): NameObject("/Form"),
                     NameObject("/BBox"): ArrayObject([FloatObject(v) for v in source.mediabox]),
                     NameObject("/Resources"): source["/Resources"].clone(writer)})
        form_ref = writer._add_object(form.flate_encode())
        name = NameObject(f"/PortfolioChrome{n}")
        if page.get("/Resources") is None:
            page[NameObject("/Resources")] = DictionaryObject()
        resources: Any = page["/Resources"].get_object()
        xobjects = resources.get("/XObject")
        if xobjects is None:
            xobjects = DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        xobjects.get_object()[name] = form_ref
        closing = DecodedStreamObject()
        closing.set_data(f"Q\n/Artifact BMC q {name} Do Q EMC\n".encode())
        contents = page.get("/Contents")
        current = contents.get_object() if contents is not None else None
        refs = list(current) if isinstance(current, ArrayObject) else \
            ([contents] if contents is not None else [])
        page[NameObject("/Contents")] = ArrayObject([opening_ref, *refs,
                                                     writer._add_object(closing)])
