"""The chrome of a whole (running name, "n / N") from a few laid-out pages, not N.

fragments.py stamps each page of an assembled PDF with its chrome: the theme's margin
boxes that depend on where the page is in the whole. Laid out as N empty pages, that is
WeasyPrint's margin-box layout N times (about 0.6 s for a realistic 86-page portfolio,
once per PDF). But the pages differ only in the digits of their number: the print
theme's digits all have one advance (tabular), so every page of a kind whose number
has as many digits is the same page, glyph for glyph, but for those digits.

So WeasyPrint lays out one page per (page kind, digits of the number) with the number
spelled "8…8 / N", one page per kind showing "0123456789 / N" (so that the font
subset has every digit and this module learns each digit's glyph), and the first page;
each page of the whole is then its template page with the digits' glyph ids changed in
the one text-showing operator that draws the number (qpdf, through pikepdf). The text,
its place and its font are WeasyPrint's own: tests/pdf/test_fragments.py renders both
ways and compares the pictures.

Only for a theme whose chrome is what this knows (its `@page` rules name no page but
`:first` and `attachment`, and their page number is `counter(page) " / " counter(pages)`),
and only when every glyph is found where expected: otherwise `None`, and the caller lays
the N pages out as before.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Pdf, String

from generator.render.pdf.pdf_assembly import Laid

_NUMBER = 'counter(page) " / " counter(pages)'
_PAGE_RULE = re.compile(r"@page\s*([^{]*)\{")
_BOTTOM = re.compile(r"@bottom-center\s*\{\s*content\s*:\s*([^;}]*)")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_KNOWN_PAGES = {"", ":first", "attachment"}
DIGITS = "0123456789"

# Each template page says its own number: the theme's margin boxes, their number spelled.
SPELLED = """
@page { @bottom-center { content: string(chrome-number); } }
@page attachment { @bottom-center { content: string(chrome-number); } }
.chrome-page { string-set: chrome-number attr(data-number); }
"""


def knows(css: str) -> bool:
    """Whether the print theme's chrome is the one this module can spell out."""
    css = _COMMENT.sub("", css)
    selectors = {s.strip() for s in _PAGE_RULE.findall(css)}
    numbers = {" ".join(c.split()) for c in _BOTTOM.findall(css)}
    return selectors <= _KNOWN_PAGES and numbers <= {_NUMBER, "none"} and _NUMBER in numbers


def make(named: list[str], page_html: Callable[[str, str], str], document: Callable[[str], str],
         lay_out: Callable[[str], Laid]) -> Laid | None:
    """The chrome of a whole whose pages have the @page names `named`.

    `page_html(name, number)`: one chrome page of that @page name, saying `number`;
    `document(pages)`: the chrome document with those pages; `lay_out`: WeasyPrint."""
    total = len(named)
    if total < 2:
        return None
    kinds = sorted(set(named[1:]))
    wanted = sorted({(name, len(str(n))) for n, name in enumerate(named[1:], start=2)})
    spec: list[tuple[str, str]] = [(named[0], "")]
    spec += [(name, f"{DIGITS} / {total}") for name in kinds]
    spec += [(name, f"{'8' * digits} / {total}") for name, digits in wanted]
    laid = lay_out(document("".join(page_html(name, number) for name, number in spec)))
    if laid.pages != len(spec) or laid.named != [name for name, _ in spec]:
        return None
    source = Pdf.open(io.BytesIO(laid.pdf))
    glyphs: dict[str, dict[str, bytes]] = {}
    for n, name in enumerate(kinds, start=1):
        found = _shown(source.pages[n], spec[n][1], None)
        if found is None:
            return None
        glyphs[name] = dict(zip(spec[n][1], found[1], strict=True))
    templates: dict[tuple[str, int], tuple[pikepdf.Page, list[Any], int]] = {}
    for n, (name, number) in enumerate(spec[1 + len(kinds):], start=1 + len(kinds)):
        found = _shown(source.pages[n], number, glyphs[name])
        if found is None:
            return None
        templates[(name, len(number.split(" ")[0]))] = (source.pages[n], found[0], found[2])
    out = Pdf.new()
    copied: dict[tuple[int, int], Any] = {}

    def page_from(template: pikepdf.Page, content: bytes) -> None:
        at = template.obj.objgen
        if at not in copied:
            copied[at] = out.copy_foreign(template.obj)
        page = Dictionary({key: value for key, value in copied[at].items()
                           if key not in ("/Contents", "/Parent")})
        page.Contents = out.make_stream(content)
        out.pages.append(pikepdf.Page(out.make_indirect(page)))

    page_from(source.pages[0], source.pages[0].Contents.read_bytes())
    for n, name in enumerate(named[1:], start=2):
        template, ops, at = templates[(name, len(str(n)))]
        shown = b"".join(glyphs[name][c] for c in f"{n} / {total}")
        page_from(template, pikepdf.unparse_content_stream(
            [*ops[:at], _respelled(ops[at], shown), *ops[at + 1:]]))
    data = io.BytesIO()
    out.save(data, deterministic_id=True, fix_metadata_version=False)
    return Laid(data.getvalue(), [float(h) for h in _heights(laid, named)], list(named))


def _heights(laid: Laid, named: list[str]) -> list[float]:
    by_name = {name: height for name, height in zip(laid.named, laid.height, strict=True)}
    return [laid.height[0], *(by_name[name] for name in named[1:])]


def _shown(page: pikepdf.Page, text: str, glyphs: dict[str, bytes] | None
           ) -> tuple[list[Any], list[bytes], int] | None:
    """The page's instructions, the glyph ids `text` is drawn with (two bytes each), and
    the index of the one TJ that draws it: with `glyphs`, the TJ showing exactly those;
    without, the one TJ whose glyphs repeat where `text`'s characters do."""
    ops: list[Any] = list(pikepdf.parse_content_stream(page))
    found: list[tuple[int, list[bytes]]] = []
    for at, op in enumerate(ops):
        if str(op.operator) != "TJ":
            continue
        shown = _glyph_ids(op.operands[0])
        if shown is None or len(shown) != len(text):
            continue
        if glyphs is not None:
            if shown == [glyphs.get(c) for c in text]:
                found.append((at, shown))
        elif all((text[i] == text[j]) == (shown[i] == shown[j])
                 for i in range(len(text)) for j in range(i)):
            found.append((at, shown))
    if len(found) != 1:
        return None
    return ops, found[0][1], found[0][0]


def _glyph_ids(operand: object) -> list[bytes] | None:
    if not isinstance(operand, Array):
        return None
    out: list[bytes] = []
    for part in operand:
        if isinstance(part, String):
            raw = bytes(part)
            if len(raw) % 2:
                return None
            out += [raw[i:i + 2] for i in range(0, len(raw), 2)]
    return out


def _respelled(op: pikepdf.ContentStreamInstruction,
               shown: bytes) -> pikepdf.ContentStreamInstruction:
    """The TJ with its glyph ids replaced in order (its strings' lengths and its
    adjustments kept)."""
    parts = Array()
    at = 0
    for part in op.operands[0]:
        if isinstance(part, String):
            size = len(bytes(part))
            parts.append(String(shown[at:at + size]))
            at += size
        else:
            parts.append(part)
    return pikepdf.ContentStreamInstruction([parts], pikepdf.Operator("TJ"))
