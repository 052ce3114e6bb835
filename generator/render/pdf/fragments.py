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

pdf_joining.py joins the pages (qpdf, through pikepdf), rebuilds the outline from the
parts' bookmarks as WeasyPrint would (same titles, levels, targets), names every anchor
(the lists' links reach the fragments), and merges the parts' structure trees into one:
a Document element holding each part's elements in reading order, /StructParents
renumbered, one ParentTree. The output is deterministic: same parts, same bytes.

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
which assembly writes once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from generator.render.pdf.pdf_assembly import Laid, lay_out, measure
from generator.render.pdf.print_item import AttachmentView
from generator.support.atomic import write_bytes
from generator.support.code_digest import files_digest
from generator.support.records import read_record, read_record_bytes

FRAGMENT_VERSION = 1
_PACKAGE = Path(__file__).parent
_CATALOG = _PACKAGE.parents[1] / "messages" / "pdf.toml"
_PDFSAFE = _PACKAGE.parents[1] / "support" / "pdf_cleaning.py"  # what is stripped from PDFs


@cache
def code_digest() -> str:
    """This package's code and words: a fix to the renderer re-renders every PDF."""
    return files_digest([*_PACKAGE.glob("*.py"), _CATALOG, _PDFSAFE])


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
            data = json.loads(read_record(facts))
            laid = Laid(read_record_bytes(pdf), **{k: v for k, v in data.items()})
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
            tagged: bool, kind: str, quick: Callable[[], Laid | None] | None = None) -> Laid:
        """`html` laid out, from the cache or now; `quick`: a cheaper way to the same
        pages, tried first (None when it cannot)."""
        key = self.key(html, attachments, tagged)
        laid = self._load(key)
        if laid is None:
            laid = quick() if quick is not None else None
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
    from generator.render.pdf import pdf_joining  # qpdf: loaded when a PDF is made

    cuts = pdf_joining.cut(whole.pdf, list(zip(starts, ends, strict=True)))
    out = []
    for w, start, end, data in zip(wanted, starts, ends, cuts, strict=True):
        laid = Laid(data, whole.height[start:end], whole.named[start:end])
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
    # The front's part lengths and where its own anchors fall, as this document last laid
    # it out: kept by its shape (its head, its parts and items in order), so an edited
    # title or 簡述, which rarely moves a page, is a right guess too. Checked below: laid
    # out again only when it was wrong.
    shape = "\0".join(f"{p.item}:{p.anchor}" for p in parts.pieces)
    shape_key = hashlib.sha256((store.salt + base + shape).encode()).hexdigest()[:40]
    lengths_file = store.folder / f"shape-{shape_key}.json"
    if store.used is not None:
        store.used.append(lengths_file.stem)
    guess = _front_guess(lengths_file, len(fronts))
    if guess is not None:
        counts, local = guess
    else:
        # Never laid out: its part lengths measured first (no PDF written), so the one
        # layout below has the right page numbers.
        with _elsewhere_anchors():
            sized = measure(_with_css(base, "") + front_html + parts.suffix, folders)
        counts = _front_counts(sized, [parts.pieces[n].anchor for n in fronts])
        local = {a: sized.anchors[a][0] for a in refs if a in sized.anchors}
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
    write_bytes(lengths_file, json.dumps({"counts": counts, "local": local}).encode())
    chrome = _chrome(parts, fronts, counts, front, fragments, folders, store)
    unattached = [*front.unattached, *(i for f in fragments.values() for i in f.unattached)]
    return _merge(parts, fronts, counts, front, fragments, chrome), unattached


def _front_guess(path: Path, parts: int) -> tuple[list[int], dict[str, int]] | None:
    """The front's part lengths and its own anchors' pages kept in `path`, if any."""
    try:
        data = json.loads(read_record(path))
        counts = [int(c) for c in data["counts"]]
        local = {str(k): int(v) for k, v in data["local"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return (counts, local) if len(counts) == parts else None


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
    return chrome(parts.prefix, parts.suffix, running.group(0) if running else "", named,
                  folders, store)


def chrome(prefix: str, suffix: str, running: str, named: list[str], folders: list[Path],
           store: FragmentStore, quick: bool = True) -> Laid:
    """The running name and "n / N" of a whole whose pages have the @page names `named`:
    N empty pages carrying the theme's margin boxes, kept in `store`. `quick`: made from
    a few template pages where the theme allows (chrome_pages.py)."""
    from generator.render.pdf import chrome_pages

    name_of = ["attachment" if name == "attachment" else "" for name in named]

    def page(name: str, number: str = "") -> str:
        spelled = f' data-number="{number}"' if number else ""
        return f'<div class="chrome-page{" chrome-attachment" if name else ""}"{spelled}></div>'

    def document(pages: str, css: str = _CHROME) -> str:
        return _head(prefix, css) + running + pages + suffix

    def from_templates() -> Laid | None:   # asked only when the chrome is not kept
        if not chrome_pages.knows("".join(_STYLE.findall(prefix))):
            return None
        return chrome_pages.make(
            name_of, page, lambda pages: document(pages, _CHROME + chrome_pages.SPELLED),
            lambda html: lay_out(html, folders, [], None, False, object_streams=False))

    return store.get(document("".join(page(name) for name in name_of)), folders, [], False,
                     "chrome", from_templates if quick else None)


def _merge(parts: Cut, fronts: list[int], counts: list[int], front: Laid,
           fragments: dict[int, Laid], chrome: Laid) -> bytes:
    # (part, local page) of each page of the whole, in order; -1: the front.
    order: list[tuple[int, int]] = []
    front_at = 0
    front_len = dict(zip(fronts, counts, strict=True))
    for n in range(len(parts.pieces)):
        if n in fragments:
            order += [(n, k) for k in range(fragments[n].pages)]
        else:
            order += [(-1, front_at + k) for k in range(front_len[n])]
            front_at += front_len[n]
    from generator.render.pdf import pdf_joining

    return pdf_joining.join(front, fragments, order, chrome)
