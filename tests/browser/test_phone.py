"""Phone first: every page type of the demo at 390 px (a phone) and 1280 px (a desk),
in both languages, with the counselor's [deadlines] set.

No page scrolls sideways (a wide table scrolls inside its own box or becomes cards), the
class dashboard fits 1280 px whole, every link and button of the navigation is a 44 px
tap target, the text is readable, and Latin letters are drawn by the CJK face.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline.building import build, default_renderers
from tests.browserkit import BrowserThread
from tests.site.sitekit import copy_demo

DEADLINES = """
[deadlines]
upload = { start = 2026-09-01, end = 2026-10-31 }
certify = { start = 2026-11-01, end = 2026-11-10 }
tick = { start = 2027-01-02, end = 2027-01-15 }
confirm = { start = 2027-02-20, end = 2027-03-03 }
"""
# One page of every type: class index (the counselor's dashboard), student home, item
# (a course outcome, a performance with a video), department, compare, receipt
# checklist, counselor page, upload list.
PAGES = ("index.html", "wang-xiaoming/index.html",
         "wang-xiaoming/items/light-refraction/index.html",
         "wang-xiaoming/items/arduino-self-study/index.html",
         "wang-xiaoming/departments/001012/index.html", "wang-xiaoming/compare.html",
         "wang-xiaoming/checklist/1132.html", "wang-xiaoming/counselor.html",
         "wang-xiaoming/upload/index.html")
WIDTHS = (390, 1280)
TAP = 44
# What a person taps to find their way: breadcrumbs, in-page contents, the tool links
# under a student's name, download buttons, the dashboard's sort buttons and filters.
TARGETS = ("nav a, .tools a, .downloads a, a.button, .dashboard thead button, "
           ".dash-controls input, .dash-controls select")

MEASURE = """() => {
  const root = document.documentElement;
  const small = [];
  for (const el of document.querySelectorAll(TARGETS)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    if (box.height < TAP - 0.5 || box.width < TAP - 0.5)
      small.push(`${el.tagName} "${el.textContent.trim().slice(0, 20)}" `
                 + `${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  const table = document.querySelector('.dashboard');
  return {
    scroll: root.scrollWidth, inner: innerWidth, small,
    dashboard: table ? [table.scrollWidth, table.parentElement.clientWidth] : null,
    font: parseFloat(getComputedStyle(document.body).fontSize),
    toc: document.querySelectorAll('nav.toc a[href^="#"]').length,
  };
}"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("phone")
    content = copy_demo(base / "content")
    settings = content / "portfolio.toml"
    settings.write_text(settings.read_text("utf-8") + DEADLINES, "utf-8")
    out: dict[str, Path] = {}
    for lang in ("zh-TW", "en"):
        output = base / f"out-{lang}"
        if out:  # the English site starts from the Chinese one: its media are fresh
            shutil.copytree(out["zh-TW"], output)
        result = build(content, output, lang=lang, offline=True, jobs=2,
                       renderers=default_renderers(frozenset({"pdf"})))
        assert not result.failures, result.failures
        out[lang] = output
    return out


@pytest.mark.timeout(600)
@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_every_page_fits_a_phone_and_a_desk(chromium: BrowserThread, sites: dict[str, Path],
                                             lang: str) -> None:
    output = sites[lang]

    def steps(browser: Any) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            try:
                for rel in PAGES:
                    page.goto((output / rel).as_uri())
                    found[f"{width} {rel}"] = page.evaluate(
                        MEASURE.replace("TARGETS", repr(TARGETS)).replace("TAP", str(TAP)))
            finally:
                context.close()
        return found

    measured = chromium.run(steps)
    for key, m in measured.items():
        assert m["scroll"] <= m["inner"], (key, m)           # never sideways
        assert m["small"] == [], (key, m["small"])             # 44 px tap targets
        assert m["font"] >= 16, (key, m["font"])               # readable type
    for width in WIDTHS:
        dash = measured[f"{width} index.html"]["dashboard"]
        if width == 1280:  # the whole class, deadlines and all, without scrolling
            assert dash and dash[0] <= dash[1], dash
    # The long pages have an in-page table of contents.
    for rel in ("wang-xiaoming/index.html", "wang-xiaoming/departments/001012/index.html"):
        assert measured[f"390 {rel}"]["toc"] >= 4, rel


def test_latin_is_drawn_by_the_cjk_face(chromium: BrowserThread,
                                        sites: dict[str, Path]) -> None:
    """With system-ui first, Linux Chromium draws Latin and digits in DejaVu Sans beside
    Noto Sans CJK; the stack puts a CJK face with its own Latin letters first."""

    def steps(browser: Any) -> list[str]:
        page = browser.new_page()
        try:
            page.goto((sites["en"] / "wang-xiaoming/index.html").as_uri())
            client = page.context.new_cdp_session(page)
            client.send("DOM.enable")
            client.send("CSS.enable")
            doc = client.send("DOM.getDocument")
            node = client.send("DOM.querySelector", {"nodeId": doc["root"]["nodeId"],
                                                     "selector": ".page-head .meta"})
            fonts = client.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
            return [f["familyName"] for f in fonts["fonts"]]
        finally:
            page.close()

    used = chromium.run(steps)
    assert used and not any("DejaVu" in name for name in used), used
