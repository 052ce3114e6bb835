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
