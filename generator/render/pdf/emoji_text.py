"""Colour emoji whose text every PDF reader finds: copy, search, read aloud.

WeasyPrint draws a colour emoji (Noto Color Emoji's pictures) as an image, and writes
its text underneath with an embedded copy of the emoji font whose glyphs it has
emptied. poppler and pypdf read that text, but pdfium (Chrome's PDF viewer, and
pypdfium2) drops a run of text whose glyphs have no extent: an emoji that ends a line,
as in a title 「家庭中的化學 👨‍👩‍👧」, vanishes from its text, its search and its copy.

So each glyph of such a font gets an outline as wide as its advance, and every run of
text in that font is drawn in text render mode 3 (invisible), the way OCR layers are:
nothing changes on the page, and every reader has the whole title.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

_TF = re.compile(rb"^/(\S+) [-\d.]+ Tf$")
_TR = re.compile(rb"^(\d) Tr$")
_BFCHAR = re.compile(r"^<([0-9a-fA-F]{4})> <[0-9a-fA-F]+>$", re.M)


def emoji_font_names(fonts: Iterable[object]) -> set[str]:
    """The resource names of WeasyPrint fonts drawn as pictures (PNG, SVG or COLR)."""
    return {str(getattr(f, "hash", "")) for f in fonts
            if getattr(f, "png", False) or getattr(f, "svg", False)
            or getattr(f, "colr", False)}


def make_readable(writer: PdfWriter, names: set[str]) -> None:
    """Give the emoji fonts `names` glyphs with an extent, drawn invisibly (see above)."""
    if not names:
        return
    done: set[int] = set()
    for page in writer.pages:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        if isinstance(resources, DictionaryObject):
            _fonts(resources, names, done)
            _forms(resources, names, done)
        contents = page.get("/Contents")
        if contents is None:
            continue
        streams = contents.get_object()
        for stream in streams if isinstance(streams, list) else [streams]:
            _invisible(stream.get_object(), names, done)


def _forms(resources: DictionaryObject, names: set[str], done: set[int]) -> None:
    """Text drawn in form XObjects (groups with opacity, transforms) too."""
    xobjects = resources.get("/XObject")
    if xobjects is None:
        return
    for ref in xobjects.get_object().values():
        form = ref.get_object()
        if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
            continue
        inner = form.get("/Resources")
        if inner is not None and id(form) not in done:
            inner = inner.get_object()
            _fonts(inner, names, done)
            _invisible(form, names, done)
            _forms(inner, names, done)


def _fonts(resources: DictionaryObject, names: set[str], done: set[int]) -> None:
    fonts = resources.get("/Font")
    if fonts is None:
        return
    for key, ref in fonts.get_object().items():
        if key.lstrip("/") not in names:
            continue
        font = ref.get_object()
        used = _used_glyphs(font)
        for descendant in font.get("/DescendantFonts", []):
            descriptor = descendant.get_object().get("/FontDescriptor")
            program = descriptor.get_object().get("/FontFile2") if descriptor else None
            if program is not None and id(program.get_object()) not in done:
                done.add(id(program.get_object()))
                _outline_glyphs(program.get_object(), used)


def _used_glyphs(font: DictionaryObject) -> set[int]:
    """The glyphs the PDF draws with `font`: those its ToUnicode map names."""
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return set()
    text = cmap.get_object().get_data().decode("latin-1")
    return {int(gid, 16) for gid in _BFCHAR.findall(text)}


def _outline_glyphs(program: StreamObject, used: set[int]) -> None:
    """Each used, empty glyph becomes a box over its advance (never painted: mode 3)."""
    font = TTFont(io.BytesIO(program.get_data()))
    if "glyf" not in font or "hmtx" not in font:
        return
    glyf, hmtx = font["glyf"], font["hmtx"]
    top = max(1, font["head"].unitsPerEm * 4 // 5)
    order = font.getGlyphOrder()
    for name in (order[gid] for gid in sorted(used) if 0 < gid < len(order)):
        advance = hmtx[name][0]
        if advance <= 0 or glyf[name].numberOfContours != 0:
            continue
        pen = TTGlyphPen(None)
        pen.moveTo((0, 0))
        pen.lineTo((0, top))
        pen.lineTo((advance, top))
        pen.lineTo((advance, 0))
        pen.closePath()
        glyf[name] = pen.glyph()
    out = io.BytesIO()
    font.save(out)
    data = out.getvalue()
    program.set_data(data)
    if "/Length1" in program:
        program[NameObject("/Length1")] = NumberObject(len(data))


def _invisible(stream: StreamObject, names: set[str], done: set[int]) -> None:
    """Text render mode 3 around every run in an emoji font (WeasyPrint writes one
    operator per line)."""
    if id(stream) in done:
        return
    done.add(id(stream))
    data = stream.get_data()
    if not any(b"/" + n.encode() + b" " in data for n in names):
        return
    out: list[bytes] = []
    mode, hidden = b"0", False
    for line in data.split(b"\n"):
        font = _TF.match(line)
        if font is not None or line == b"ET":
            if hidden:
                out.append(mode + b" Tr")   # back to what it was
                hidden = False
            out.append(line)
            if font is not None and font.group(1).decode() in names:
                out.append(b"3 Tr")
                hidden = True
            continue
        tr = _TR.match(line)
        if tr is not None:
            mode = tr.group(1)
        out.append(line)
    stream.set_data(b"\n".join(out))
