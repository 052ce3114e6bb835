"""Each font a PDF embeds cut down to its glyphs in one HarfBuzz pass, not two.

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
"""

from __future__ import annotations

from typing import Any

_DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
            b"LTSH", b"PCLT", b"SVG ")   # WeasyPrint's own list


def subset_once(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
    """`Font._harfbuzz_subset` in one pass (same arguments, same result). A colour font
    (the emoji: bitmaps, SVG or colour layers) keeps WeasyPrint's two passes, which give
    it other tables: it is rare, and its pictures are taken out afterwards anyway."""
    if font.png or font.svg or font.colr:
        _WEASYPRINTS[0](font, to_unicode, hinting)
        return
    from weasyprint.text.ffi import ffi, harfbuzz
    from weasyprint.text.ffi import harfbuzz_subset as hbs
    from weasyprint.text.fonts import get_hb_object_data

    plan = ffi.gc(hbs.hb_subset_input_create_or_fail(), hbs.hb_subset_input_destroy)
    glyphs = hbs.hb_subset_input_glyph_set(plan)
    drawn = ffi.new(f"hb_codepoint_t[{len(to_unicode)}]", sorted(to_unicode))
    harfbuzz.hb_set_add_sorted_array(glyphs, drawn, len(to_unicode))
    flags = (hbs.HB_SUBSET_FLAGS_RETAIN_GIDS | hbs.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
             | hbs.HB_SUBSET_FLAGS_DESUBROUTINIZE)
    if not hinting:
        flags |= hbs.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= hbs.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    hbs.hb_subset_input_set_flags(plan, flags)
    dropped = hbs.hb_subset_input_set(plan, hbs.HB_SUBSET_SETS_DROP_TABLE_TAG)
    tags = ffi.new(f"hb_codepoint_t[{len(_DROPPED)}]",
                   tuple(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED))
    harfbuzz.hb_set_add_sorted_array(dropped, tags, len(_DROPPED))
    face = ffi.gc(hbs.hb_subset_or_fail(font.hb_face, plan), harfbuzz.hb_face_destroy)
    content = get_hb_object_data(face) if face else None
    if content:
        font.file_content = content
        return
    from weasyprint.logger import LOGGER

    LOGGER.warning('Unable to subset "%s" with HarfBuzz', font.family)


_WEASYPRINTS: list[Any] = []   # WeasyPrint's own two passes, kept for the test


def install() -> None:
    """Make WeasyPrint's fonts subset in one pass (called when WeasyPrint is imported)."""
    from weasyprint.pdf.fonts import Font

    if not _WEASYPRINTS:
        _WEASYPRINTS.append(Font._harfbuzz_subset)
        Font._harfbuzz_subset = subset_once


def weasyprints_own() -> Any:
    """WeasyPrint's `Font._harfbuzz_subset` as it came (both passes)."""
    install()
    return _WEASYPRINTS[0]
