"""The built demo as a reader meets it: walk it, load everything, crawl every link."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from PIL import Image

from tests.browser.conftest import Watched, watched_page
from tests.browserkit import BrowserThread

STUDENT = "王小明"
VIDEO_ITEM = "自主學習：Arduino 自動澆花系統"
DEPARTMENT = "國立臺灣大學 電機工程學系"


def images_loaded(page: Any) -> None:
    """Every <img> (lazy ones too) has decoded to real pixels."""
    page.evaluate("() => { for (const img of document.images) img.loading = 'eager'; }")
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)",
                           timeout=15000)
    broken = page.evaluate("() => Array.from(document.images)"
                           ".filter(i => !(i.naturalWidth > 0)).map(i => i.currentSrc || i.src)")
    assert broken == []


def only_local(requests: list[str], base: str) -> None:
    foreign = [u for u in requests if not (u.startswith(base) or u.startswith(("data:",
                                                                              "about:")))]
    assert foreign == []


def walk(w: Watched, start: str) -> None:
    page = w.page
    page.goto(start)
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    images_loaded(page)
    page.get_by_role("link", name=STUDENT).first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == STUDENT
    images_loaded(page)
    page.get_by_role("link", name=VIDEO_ITEM).first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == VIDEO_ITEM
    images_loaded(page)
    page.wait_for_function("() => document.querySelector('video').readyState >= 1",
                           timeout=15000)
    page.get_by_role("link", name=DEPARTMENT).first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == DEPARTMENT
    images_loaded(page)
    assert w.errors == []


def test_walk_over_http(chromium: BrowserThread, http_base: str) -> None:
    def steps(browser: Any) -> None:
        with watched_page(browser) as watched:
            walk(watched, http_base + "index.html")
            only_local(watched.requests, http_base)

    chromium.run(steps)


def test_walk_over_file(chromium: BrowserThread, demo_output: Path) -> None:
    base = demo_output.as_uri() + "/"

    def steps(browser: Any) -> None:
        with watched_page(browser) as watched:
            walk(watched, base + "index.html")
            only_local(watched.requests, base)

    chromium.run(steps)


def test_video_and_audio_load_their_metadata(chromium: BrowserThread, http_base: str) -> None:
    chromium.run(lambda browser: _media(browser, http_base))


def _media(browser: Any, http_base: str) -> None:
    with watched_page(browser) as watched:
        _media_in(watched, http_base)


def _media_in(watched: Watched, http_base: str) -> None:
    page = watched.page
    for item, tag in (("arduino-self-study", "video"), ("decibel-logarithm", "audio")):
        page.goto(f"{http_base}wang-xiaoming/items/{item}/index.html")
        page.wait_for_function(f"() => document.querySelector('{tag}').readyState >= 1",
                               timeout=15000)
        assert page.evaluate(f"() => document.querySelector('{tag}').duration") > 0
    # The document, read in the page itself.
    page.goto(f"{http_base}wang-xiaoming/items/light-refraction/index.html")
    page.click("details.inline-document summary")
    assert page.locator("details.inline-document object").is_visible()
    page.wait_for_timeout(500)
    assert watched.errors == []


_REFS = """() => {
  const out = [];
  const add = (u) => { if (u) out.push(new URL(u, document.baseURI).href); };
  document.querySelectorAll('a[href]').forEach(a => add(a.getAttribute('href')));
  document.querySelectorAll('[src]').forEach(e => add(e.getAttribute('src')));
  document.querySelectorAll('link[href]').forEach(e => add(e.getAttribute('href')));
  document.querySelectorAll('video[poster]').forEach(e => add(e.getAttribute('poster')));
  document.querySelectorAll('[srcset]').forEach(e => e.getAttribute('srcset').split(',')
      .forEach(p => add(p.trim().split(/\\s+/)[0])));
  return out;
}"""


def test_crawl_finds_no_broken_link_or_asset(chromium: BrowserThread, http_base: str) -> None:
    def steps(browser: Any) -> None:
        with watched_page(browser) as watched:
            crawl(watched, http_base)

    chromium.run(steps)


def crawl(watched: Watched, http_base: str) -> None:
    page = watched.page
    queue = deque([http_base + "index.html"])
    seen_pages: set[str] = set()
    checked: dict[str, int] = {}
    while queue:
        url = queue.popleft()
        if url in seen_pages:
            continue
        seen_pages.add(url)
        page.goto(url)
        images_loaded(page)
        ids = set(page.evaluate("() => Array.from(document.querySelectorAll('[id]'))"
                                ".map(e => e.id)"))
        for ref in page.evaluate(_REFS):
            target, fragment = urldefrag(ref)
            if not target.startswith(http_base):
                # data: is inside the page (the tick list's empty icon, so no browser asks
                # for /favicon.ico outside the site)
                assert urlsplit(target).scheme in ("http", "https", "mailto", "data"), ref
                continue  # external links are the link checker's business
            if target == url and fragment:
                assert fragment in ids, (url, ref)
            if target not in checked:
                checked[target] = page.request.get(target).status
            assert checked[target] == 200, (url, ref)
            if target.endswith(".html"):
                queue.append(target)
    assert len(seen_pages) >= 18   # index, student, 14 items, 2 departments
    assert watched.errors == []
    only_local(watched.requests, http_base)


def test_phone_width(chromium: BrowserThread, http_base: str, tmp_path: Path) -> None:
    chromium.run(lambda browser: _phone(browser, http_base, tmp_path))


def _phone(browser: Any, http_base: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        for path, name in (("wang-xiaoming/index.html", "student"),
                           ("wang-xiaoming/items/neihu-tech-park/index.html", "item"),
                           ("wang-xiaoming/departments/001012/index.html", "department")):
            page.goto(http_base + path)
            images_loaded(page)
            # Nothing wider than the phone: no sideways scrolling of the whole page.
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, path
            shot = tmp_path / f"phone-{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            with Image.open(shot) as img:
                assert img.width == 390 and img.height > 844
    finally:
        context.close()


def test_print_leaves_out_navigation_and_players(chromium: BrowserThread,
                                                 http_base: str) -> None:
    def steps(browser: Any) -> None:
        with watched_page(browser) as watched:
            _print(watched, http_base)

    chromium.run(steps)


def _print(watched: Watched, http_base: str) -> None:
    page = watched.page
    page.goto(f"{http_base}wang-xiaoming/items/arduino-self-study/index.html")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("video").is_visible()
    assert page.locator(".summary-box").is_visible()
    pdf = page.pdf(format="A4")   # Chromium's own print: the page lays out on paper
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
