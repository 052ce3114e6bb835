"""How the PDFs' fonts are read, cut down and embedded: in one HarfBuzz pass, not two;
a CJK font closed up to its glyphs; each font file read once a process.

WeasyPrint 70 subsets every embedded font twice: once keeping the glyphs drawn (at
their own ids, with its layout tables dropped), then again keeping every id up to the
highest drawn, to drop the empty glyphs after it and the hinting. With the layout
tables dropped, the first pass mostly ends at the highest glyph drawn already, so the
second is there for the hinting: the first pass with the hinting dropped gives the
same font (the same bytes, in the common case) at a third of the cost. The second pass
reads a CJK font's 60,000 glyph slots again, about 40 ms a font a document, and a
student's build subsets fonts about a hundred times.

Where HarfBuzz keeps a little more than the glyphs drawn (the variation-sequence forms
of a character drawn, when they come after the highest glyph drawn; a table it does
not know), one pass keeps it and WeasyPrint's second pass cut it off: the glyphs drawn
are the same, outline for outline (tests/pdf/test_units.py checks both on the print
theme's fonts). A colour (emoji) font keeps the two passes: there they give other
tables, and it is rare.

A CID-keyed CFF font (Noto Sans CJK) is cut to its glyphs alone and embedded as its
bare CFF table (`FontFile3 /CIDFontType0C`, as Acrobat embeds such fonts). WeasyPrint
keeps every glyph at its own id (RETAIN_GIDS), because the page draws glyph ids;
so a CJK subset kept an empty slot for each of the font's 65,000 ids below the highest
drawn: about 300 KB a PDF, made, compressed and written each time, for a page that draws
two hundred characters. In a CID-keyed font the page draws CIDs, and the CFF's charset
maps each kept glyph to its CID, so the ids may close up: the same pages (poppler draws
them pixel for pixel, pdfium too), an item's upload 文件 about 50 KB instead of 320 KB,
and its writing about half as long. Wrapped in OpenType (WeasyPrint's `/OpenType`),
poppler would look the CIDs up as glyph ids; the bare CFF is read by its charset.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

_DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
            b"LTSH", b"PCLT", b"SVG ")   # WeasyPrint's own list


_CFF = b"CFF "
_SFNT = (b"OTTO", b"\x00\x01\x00\x00", b"true", b"ttcf")


def _index_end(cff: bytes, at: int) -> int:
    """Where the CFF INDEX starting at `at` ends."""
    count = int.from_bytes(cff[at:at + 2], "big")
    if count == 0:
        return at + 2
    size = cff[at + 2]
    last = at + 3 + count * size
    return last + size - 1 + int.from_bytes(cff[last:last + size], "big")


def _top_dict(cff: bytes) -> list[tuple[int, list[int]]]:
    """The first font's Top DICT: its operators (12 x as 1200 + x) with their integer
    operands (a real is given as 0), in order. IndexError on a cut-off table."""
    at = _index_end(cff, cff[2])                      # past the header and the Name INDEX
    count, size = int.from_bytes(cff[at:at + 2], "big"), cff[at + 2]
    if count == 0:
        return []
    offsets = [int.from_bytes(cff[at + 3 + k * size:at + 3 + (k + 1) * size], "big")
               for k in (0, 1)]
    data = at + 3 + (count + 1) * size - 1           # the Top DICT INDEX's data
    i, end = data + offsets[0], data + offsets[1]
    out: list[tuple[int, list[int]]] = []
    operands: list[int] = []
    while i < end:
        b = cff[i]
        if b <= 21:
            op = 1200 + cff[i + 1] if b == 12 else b
            i += 2 if b == 12 else 1
            out.append((op, operands))
            operands = []
        elif b == 28:
            operands.append(int.from_bytes(cff[i + 1:i + 3], "big", signed=True))
            i += 3
        elif b == 29:
            operands.append(int.from_bytes(cff[i + 1:i + 5], "big", signed=True))
            i += 5
        elif b == 30:                                 # a real: nibbles up to 0xf
            i += 1
            while cff[i] >> 4 != 0xF and cff[i] & 0xF != 0xF:
                i += 1
            i += 1
            operands.append(0)
        elif 32 <= b <= 246:
            operands.append(b - 139)
            i += 1
        elif 247 <= b <= 254:
            operands.append((b - 247) * 256 + cff[i + 1] + 108 if b <= 250
                            else -(b - 251) * 256 - cff[i + 1] - 108)
            i += 2
        else:                                         # reserved
            raise IndexError(b)
    return out


def cid_keyed(cff: bytes) -> bool:
    """Whether a CFF table is a CIDFont: the first operator of its Top DICT is ROS
    (12 30), which the CFF specification requires of one (§18)."""
    try:
        top = _top_dict(cff)
    except IndexError:
        return False
    return bool(top) and top[0][0] == 1230


def cids_are_glyph_ids(cff: bytes) -> bool:
    """Whether a CIDFont's every glyph has its id as its CID (its charset, §13, says so),
    as Noto Sans CJK's do. WeasyPrint draws glyph ids; a closed-up subset is read by CID,
    so only such a font may close up."""
    try:
        ops = dict(_top_dict(cff))
        glyphs = int.from_bytes(cff[ops[17][-1]:ops[17][-1] + 2], "big")  # CharStrings
        at = ops[15][-1] if 15 in ops else 0
        if at <= 2 or glyphs == 0:
            return False                              # a predefined charset: not CIDs
        fmt, at, gid = cff[at], at + 1, 1
        while gid < glyphs:
            first = int.from_bytes(cff[at:at + 2], "big")
            if first != gid:
                return False
            if fmt == 0:
                at, gid = at + 2, gid + 1
                continue
            width = 1 if fmt == 1 else 2 if fmt == 2 else 0
            if not width:
                return False
            left = int.from_bytes(cff[at + 2:at + 2 + width], "big")
            at, gid = at + 2 + width, gid + left + 1
        return gid == glyphs
    except (IndexError, KeyError):
        return False


def _table(face: Any, tag: bytes, limit: int | None = None) -> bytes:
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(tag, 4))
    try:
        with ffi.new("unsigned int *") as length:
            data = harfbuzz.hb_blob_get_data(blob, length)
            size = int(length[0]) if limit is None else min(int(length[0]), limit)
            return b"" if data == ffi.NULL else ffi.unpack(data, size)
    finally:
        harfbuzz.hb_blob_destroy(blob)


_HELD: set[int] = set()


def _held(face: Any) -> int:
    """A key for one of Pango's faces, kept for the process: the face is referenced
    once and never released, so its address is never another face's."""
    from weasyprint.text.ffi import ffi, harfbuzz

    key = int(ffi.cast("uintptr_t", face))
    if key not in _HELD:
        harfbuzz.hb_face_reference(face)
        _HELD.add(key)
    return key


_CLOSING: dict[int, bool] = {}


def _compact(font: Any) -> bool:
    """Whether this font's subset closes up its glyph ids: a static CID-keyed CFF whose
    CIDs are its glyph ids (read once a face and process)."""
    key = _held(font.hb_face)
    if key not in _CLOSING:
        table = _table(font.hb_face, _CFF)
        _CLOSING[key] = "fvar" not in font.tables and cid_keyed(table) \
            and cids_are_glyph_ids(table)
    return _CLOSING[key]


def subset_once(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
    """`Font._harfbuzz_subset` in one pass (same arguments, same result). A colour font
    (the emoji: bitmaps, SVG or colour layers) keeps WeasyPrint's two passes, which give
    it other tables: it is rare, and its pictures are taken out afterwards anyway."""
    if font.png or font.svg or font.colr:
        _theirs().subset(font, to_unicode, hinting)
        return
    from weasyprint.text.ffi import ffi, harfbuzz
    from weasyprint.text.ffi import harfbuzz_subset as hbs
    from weasyprint.text.fonts import get_hb_object_data

    plan = ffi.gc(hbs.hb_subset_input_create_or_fail(), hbs.hb_subset_input_destroy)
    glyphs = hbs.hb_subset_input_glyph_set(plan)
    # An open array: cffi parses each C type it is given once, and a length in the type
    # made a new one for each font (pycparser: about 5 ms a subset).
    drawn = ffi.new("hb_codepoint_t[]", sorted(to_unicode))
    harfbuzz.hb_set_add_sorted_array(glyphs, drawn, len(to_unicode))
    compact = _compact(font)
    flags = hbs.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED | hbs.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if not compact:
        flags |= hbs.HB_SUBSET_FLAGS_RETAIN_GIDS
    if not hinting:
        flags |= hbs.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= hbs.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    hbs.hb_subset_input_set_flags(plan, flags)
    dropped = hbs.hb_subset_input_set(plan, hbs.HB_SUBSET_SETS_DROP_TABLE_TAG)
    tags = ffi.new("hb_codepoint_t[]",
                   tuple(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED))
    harfbuzz.hb_set_add_sorted_array(dropped, tags, len(_DROPPED))
    face = ffi.gc(hbs.hb_subset_or_fail(font.hb_face, plan), harfbuzz.hb_face_destroy)
    if compact and face:
        table = _table(face, _CFF)
        if table and cid_keyed(table):
            font.file_content = table   # embedded as /CIDFontType0C: fonts_dictionary
            return
        # Not a CIDFont after all: WeasyPrint's way, every glyph at its id.
        hbs.hb_subset_input_set_flags(plan, flags | hbs.HB_SUBSET_FLAGS_RETAIN_GIDS)
        face = ffi.gc(hbs.hb_subset_or_fail(font.hb_face, plan), harfbuzz.hb_face_destroy)
    content = get_hb_object_data(face) if face else None
    if content:
        font.file_content = content
        return
    from weasyprint.logger import LOGGER

    LOGGER.warning('Unable to subset "%s" with HarfBuzz', font.family)


def fonts_dictionary(pdf: Any, fonts: Any, compress: bool, subset: bool, options: Any) -> Any:
    """WeasyPrint's `build_fonts_dictionary`, each closed-up CFF subset (a bare CFF table,
    not an OpenType font) embedded as what it is: `/Subtype /CIDFontType0C`."""
    first = len(pdf.objects)
    made = _theirs().dictionary(pdf, fonts, compress, subset, options)
    for obj in pdf.objects[first:]:
        data = obj.stream[0] if getattr(obj, "stream", None) else None
        if isinstance(data, bytes) and obj.extra.get("Subtype") == "/OpenType" \
                and not data.startswith(_SFNT):
            obj.extra["Subtype"] = "/CIDFontType0C"
    return made


def _font_type(font: Any) -> str:
    """`Font.type`, a bare CFF table counted as the CFF font it is: WeasyPrint tells
    "otf" (FontFile3, CIDFontType0) from "ttf" by an OpenType file's first bytes."""
    content = font.file_content
    return "otf" if content[:4] == b"OTTO" or content[:1] == b"\x01" else "ttf"


_FACES: dict[int, bytes] = {}
_READING = threading.local()


def _font_init(font: Any, *args: Any, **kwargs: Any) -> None:
    """WeasyPrint's `Font.__init__`, its face's file read once a process (`_face_file`)."""
    _READING.face = True
    try:
        _theirs().init(font, *args, **kwargs)
    finally:
        _READING.face = False


def _face_file(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:
    """`get_hb_object_data`, a font's whole file kept once read for `Font.__init__`.

    Every document made a Font for each face it drew and copied the face's whole file
    (a CJK .ttc is 20 MB, 4 ms) to subset it. Pango's faces live as long as the process's
    font configuration, and each one kept here is held (`_held`). Only a face
    `Font.__init__` reads is kept: a subset face is fresh."""
    own = _theirs().face_file
    if ot_color is not None or glyph is not None or not getattr(_READING, "face", False):
        return own(hb_object, ot_color, glyph)
    key = _held(hb_object)
    kept = _FACES.get(key)
    if kept is None:
        kept = _FACES[key] = own(hb_object)
    return kept


class _Way(NamedTuple):
    """How WeasyPrint's fonts are read, subset and embedded: its own or this module's."""

    subset: Any
    dictionary: Any
    font_type: Any
    init: Any
    face_file: Any


_WEASYPRINTS: list[_Way] = []   # WeasyPrint's own, kept when `install` replaces it


def _theirs() -> _Way:
    return _WEASYPRINTS[0]


def _ours() -> _Way:
    return _Way(subset_once, fonts_dictionary, property(_font_type), _font_init, _face_file)


def _use(way: _Way) -> None:
    import weasyprint.pdf
    from weasyprint.pdf.fonts import Font

    Font._harfbuzz_subset, Font.type, Font.__init__ = way.subset, way.font_type, way.init
    weasyprint.pdf.build_fonts_dictionary = way.dictionary
    weasyprint.pdf.fonts.get_hb_object_data = way.face_file


def install() -> None:
    """Make WeasyPrint read, subset and embed its fonts this module's way (called when
    WeasyPrint is imported)."""
    import weasyprint.pdf
    from weasyprint.pdf.fonts import Font

    if not _WEASYPRINTS:
        _WEASYPRINTS.append(_Way(Font._harfbuzz_subset, weasyprint.pdf.build_fonts_dictionary,
                                 Font.type, Font.__init__,
                                 weasyprint.pdf.fonts.get_hb_object_data))
        _use(_ours())


@contextmanager
def weasyprints_way() -> Iterator[None]:
    """Within: fonts read, subset and embedded as WeasyPrint does (for comparison)."""
    install()
    _use(_theirs())
    try:
        yield
    finally:
        _use(_ours())


def weasyprints_own() -> Any:
    """WeasyPrint's `Font._harfbuzz_subset` as it came (both passes)."""
    install()
    return _theirs().subset
