"""Upload day: the upload list of the built demo in Chromium, as a student uses it beside
the school's system. Copy buttons put the exact title and 簡述 on the clipboard (through
navigator.clipboard, and through the selection fallback when it is missing), 「已上傳」
ticks survive a reload (over http:// and file://), and the download names are distinct
and are the files on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from generator.content.loader import load_portfolio
from generator.model import Item
from tests.browser.conftest import watched_page
from tests.browserkit import BrowserThread
from tests.site.sitekit import DEMO

SLUG = "wang-xiaoming"
PAGE = f"{SLUG}/upload/index.html"
CLIPBOARD = ["clipboard-read", "clipboard-write"]
# Without navigator.clipboard, as on an http:// page of another machine.
NO_CLIPBOARD_API = "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined})"


def demo_items() -> dict[str, Item]:
    portfolio, _found = load_portfolio(DEMO)
    [student] = [s for s in portfolio.students if s.slug == SLUG]
    return {i.id: i for i in student.items}


def clipboard(context: Any, url: str) -> str:
    """What is on the clipboard, read by a page of its own at `url` (the page under test
    may have lost navigator.clipboard)."""
    reader = context.new_page()
    try:
        reader.goto(url)
        return str(reader.evaluate("() => navigator.clipboard.readText()"))
    finally:
        reader.close()


def copy_and_read(page: Any, item_id: str, which: int, reader_url: str) -> str:
    """Click the item's copy button number `which` (0 title, 1 簡述), return the clipboard."""
    button = page.locator(f'li.up-item[id="{item_id}"] button.up-copy').nth(which)
    label = button.inner_text()
    button.click()
    page.wait_for_function("([b, l]) => b.textContent !== l",
                           arg=[button.element_handle(), label], timeout=5000)
    assert button.inner_text() == button.get_attribute("data-done")   # not "data-failed"
    return clipboard(page.context, reader_url)


def test_copy_buttons_put_the_exact_title_and_summary_on_the_clipboard(
        chromium: BrowserThread, http_base: str) -> None:
    items = demo_items()
    url = http_base + PAGE
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))

    def steps(browser: Any) -> None:
        for init in (None, NO_CLIPBOARD_API):
            with watched_page(browser, permissions=CLIPBOARD) as w:
                w.page.context.grant_permissions(CLIPBOARD, origin=origin)
                if init:
                    w.page.add_init_script(init)
                w.page.goto(url)
                assert w.page.evaluate("() => navigator.clipboard === undefined") == bool(init)
                rows = w.page.locator("li.up-item")
                ids = [rows.nth(n).get_attribute("id") for n in range(rows.count())]
                assert sorted(ids) == sorted(items)
                for item_id in ids[:3]:
                    item = items[item_id]
                    reader = http_base + "index.html"
                    assert copy_and_read(w.page, item_id, 0, reader) == item.title
                    assert item.summary
                    assert copy_and_read(w.page, item_id, 1, reader) == item.summary
                assert w.errors == []

    chromium.run(steps)


def test_ticks_survive_a_reload(chromium: BrowserThread, http_base: str,
                                demo_output: Path) -> None:
    def steps(browser: Any) -> None:
        for url in (http_base + PAGE, (demo_output / PAGE).as_uri()):
            with watched_page(browser) as w:
                page = w.page
                page.goto(url)
                progress = page.locator(".up-progress")
                total = page.locator("li.up-item").count()
                assert progress.inner_text().startswith(f"已上傳 0 / {total} 項")
                boxes = page.locator("input[data-tick]")
                assert boxes.count() == total
                boxes.nth(1).check()
                boxes.nth(4).check()
                boxes.nth(4).uncheck()
                page.reload()
                boxes = page.locator("input[data-tick]")
                assert [boxes.nth(n).is_checked() for n in range(total)] == \
                    [n == 1 for n in range(total)]
                assert progress.inner_text().startswith(f"已上傳 1 / {total} 項")
                assert w.errors == []

    chromium.run(steps)


def test_download_names_are_distinct_and_are_the_files(chromium: BrowserThread,
                                                       http_base: str,
                                                       demo_output: Path) -> None:
    url = http_base + PAGE

    def steps(browser: Any) -> None:
        with watched_page(browser, accept_downloads=True) as w:
            page = w.page
            page.goto(url)
            links = page.locator("a[download]")
            found = [(links.nth(n).get_attribute("download"), links.nth(n).get_attribute("href"))
                     for n in range(links.count())]
            # Without the PDF step (demo_output skips it) the 文件 made of an item's page
            # are not there: the 影音 and the pictures uploaded as given are.
            assert len(found) >= 2
            names = [name for name, _ in found]
            assert len({str(n).casefold() for n in names}) == len(names)
            for name, href in found:
                assert name and href
                on_disk = demo_output / unquote(urlsplit(urljoin(url, href)).path
                                                 .split(f"/{demo_output.name}/", 1)[1])
                assert on_disk.is_file() and on_disk.name == name
                assert on_disk.parent.parent == demo_output / SLUG / "upload"
            # What the browser saves it as is that name.
            with page.expect_download() as got:
                links.first.click()
            assert got.value.suggested_filename == names[0]
            assert w.errors == []

    chromium.run(steps)


def test_without_javascript_the_text_is_there_and_no_dead_button(chromium: BrowserThread,
                                                                 http_base: str) -> None:
    items = demo_items()

    def steps(browser: Any) -> None:
        with watched_page(browser, java_script_enabled=False) as w:
            w.page.goto(http_base + PAGE)
            assert w.page.locator("button.up-copy").first.is_hidden()
            assert w.page.locator("label.up-done").first.is_hidden()
            texts = w.page.locator("p.up-text").all_inner_texts()
            assert {i.title for i in items.values()} <= set(texts)

    chromium.run(steps)
