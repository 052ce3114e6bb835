"""The dashboard in the system Chromium: sorting and filtering with its own JavaScript,
and the whole table without it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browserkit import CHROMIUM, BrowserThread
from tests.counselor.conftest import Built

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")]


def visible_slugs(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#dashboard tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.slug)")


def test_sort_and_filter(chromium: BrowserThread, klass: Built) -> None:
    chromium.run(lambda browser: _sort_and_filter(browser, klass))


def _sort_and_filter(browser: Any, klass: Built) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((klass.output / "index.html").as_uri())
    assert page.locator("#dash-controls").is_visible()
    assert visible_slugs(page) == ["hua", "lin", "ming"]       # folder order as built

    errors_head = page.locator("#dashboard thead th").nth(2).locator("button")
    errors_head.click()
    assert page.locator("#dashboard thead th").nth(2).get_attribute("aria-sort") == "ascending"
    assert visible_slugs(page)[-1] == "hua"
    errors_head.click()
    assert visible_slugs(page)[0] == "hua"
    by_name = page.locator("#dashboard thead th").nth(0).locator("button")
    by_name.click()                                  # the school's collation, then reversed
    ascending = visible_slugs(page)
    by_name.click()
    assert visible_slugs(page) == ascending[::-1] and sorted(ascending) == ["hua", "lin", "ming"]

    page.select_option("#dash-state", "error")
    assert sorted(visible_slugs(page)) == ["hua", "lin"]   # lin: window-closed
    page.select_option("#dash-state", "late")
    assert visible_slugs(page) == ["lin"]
    page.select_option("#dash-state", "comments")
    assert visible_slugs(page) == ["ming"]
    page.select_option("#dash-state", "")
    page.fill("#dash-search", "11300003")
    assert visible_slugs(page) == ["lin"]
    assert page.locator("#dash-count").inner_text() == "顯示 1 / 3 位"
    page.fill("#dash-search", "王")
    assert visible_slugs(page) == ["ming"]
    assert errors == []
    assert all(u.startswith("file://") for u in requests)     # nothing fetched from afar
    context.close()


def test_without_javascript_the_table_is_whole(chromium: BrowserThread, klass: Built) -> None:
    chromium.run(lambda browser: _without_javascript(browser, klass))


def _without_javascript(browser: Any, klass: Built) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((klass.output / "index.html").as_uri())
    assert not page.locator("#dash-controls").is_visible()      # controls need the script
    assert page.locator("#dashboard tbody tr").count() == 3
    assert page.get_by_role("link", name="李小華").is_visible()
    context.close()
