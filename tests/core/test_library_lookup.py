"""WeasyPrint's libraries found from one `ldconfig -p` listing (support/library_lookup.py)."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

import pytest

from generator.support import library_lookup

# The names WeasyPrint's cffi loader asks about (weasyprint/text/ffi.py), a library of
# the C runtime, and names no system has.
NAMES = ["gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig",
         "pangoft2-1.0", "m", "libpango-1.0-0", "pango-1.0-0", "no-such-library-xyz"]


@pytest.mark.parametrize("name", NAMES)
def test_the_kept_listing_answers_as_ldconfig_does(name: str) -> None:
    assert library_lookup._listing(), "this machine has /sbin/ldconfig"
    assert library_lookup.find_library(name) == ctypes.util._findSoname_ldconfig(name)  # type: ignore[attr-defined]


def test_the_lookup_is_put_back_after_loading() -> None:
    original = ctypes.util.find_library
    with library_lookup.one_listing():
        assert ctypes.util.find_library is library_lookup.find_library
    assert ctypes.util.find_library is original


def test_loading_weasyprint_starts_one_process_not_fifty() -> None:
    """Counted in a fresh interpreter: every spelling dlopen refused used to run
    ldconfig, gcc and ld."""
    script = (
        "import subprocess\n"
        "n = [0]\n"
        "init = subprocess.Popen.__init__\n"
        "def counted(self, *a, **k):\n"
        "    n[0] += 1\n"
        "    init(self, *a, **k)\n"
        "subprocess.Popen.__init__ = counted\n"
        "from generator.render.pdf.pdf_assembly import preload\n"
        "preload()\n"   # the build's way in: fetcher, fonts, then the theme
        "from generator.render.pdf import pdf_joining\n"
        "from weasyprint.text.ffi import pango, harfbuzz, fontconfig\n"
        "assert pango.pango_version() > 0\n"
        "print(n[0])\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert int(out.split()[-1]) <= 1


def test_fonttools_modules_weasyprint_seldom_uses_load_when_first_used() -> None:
    """In a fresh interpreter, as a build's: loading WeasyPrint leaves fontTools' subsetter
    and variable-font instancer (and fontTools.varLib) unimported; WeasyPrint lays out
    and writes a PDF; then what it took of them reaches the real modules."""
    script = (
        "import sys\n"
        "from generator.render.pdf.pdf_assembly import load_weasyprint\n"
        "weasyprint = load_weasyprint()\n"
        "left = [m for m in ('fontTools.subset', 'fontTools.varLib',"
        " 'fontTools.varLib.instancer') if m in sys.modules]\n"
        "pdf = weasyprint.HTML(string='<p>學習歷程 abc</p>').write_pdf()\n"
        "assert pdf.startswith(b'%PDF'), pdf[:10]\n"
        "import weasyprint.pdf.fonts as fonts\n"
        "from fontTools import subset\n"
        "from fontTools.ttLib import TTFont\n"
        "assert fonts.subset.Subsetter is subset.Subsetter\n"
        "import io\n"
        "from fontTools.fontBuilder import FontBuilder\n"
        "fb = FontBuilder(1000, isTTF=True)\n"
        "fb.setupGlyphOrder(['.notdef']); fb.setupCharacterMap({})\n"
        "from fontTools.pens.ttGlyphPen import TTGlyphPen\n"
        "fb.setupGlyf({'.notdef': TTGlyphPen(None).glyph()})\n"
        "fb.setupHorizontalMetrics({'.notdef': (500, 0)}); fb.setupHorizontalHeader()\n"
        "fb.setupNameTable({'familyName': 'T', 'styleName': 'R'}); fb.setupOS2(); fb.setupPost()\n"
        "try:\n"
        "    fonts.instantiateVariableFont(fb.font, {})\n"
        "except ValueError as exc:\n"
        "    said = str(exc)\n"
        "print('LEFT', left, 'SAID', said)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    # Nothing of the two imported by loading; the instancer's own refusal of a font with
    # no variations (its `fvar` table) shows the call reached the real function.
    assert "LEFT [] SAID" in out.stdout and "fvar" in out.stdout, out.stdout
