"""The comparison page and a checklist in the system Chromium, from file://."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browserkit import CHROMIUM, BrowserThread
from tests.export.conftest import DEPARTMENTS, Exported

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")]


def test_compare_then_checklist(chromium: BrowserThread, exported: Exported) -> None:
    chromium.run(lambda browser: _compare_then_checklist(browser, exported))


def _compare_then_checklist(browser: Any, exported: Exported) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda r: errors.append(r.url))
    start = (exported.output / "ming" / "compare.html").as_uri()
    page.goto(start)
    assert page.locator("h1").inner_text().startswith("王小明")
    headers = page.locator("table.compare-matrix thead th").all_inner_texts()
    for dep in DEPARTMENTS:
        assert any(dep["name"] in h for h in headers)
    assert page.locator("table.compare-matrix tbody tr").count() == 7
    # The theme's stylesheet loaded through its relative link and applies: its custom
    # property is defined and the body takes its ink colour (#1d232b).
    assert page.evaluate(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--ink').trim()"
    ) == "#1d232b"
    assert page.evaluate("() => getComputedStyle(document.body).color") == "rgb(29, 35, 43)"
    page.get_by_role("link", name="1132 收訖明細核對表").click()
    page.wait_for_load_state()
    assert page.url.endswith("/ming/checklist/1132.html")
    assert page.locator("h1").inner_text() == "1132 收訖明細核對表"
    assert page.get_by_text("Prism 光的折射實驗").count() == 1
    # One section per confirmation the 1132 receipt asks for, each with its verdict.
    assert page.locator("section.part h2").all_inner_texts() == [
        "修課紀錄 · 113 學年度第 2 學期", "幹部經歷 · 113 學年度第 2 學期",
        "學習成果 · 113 學年度", "多元表現 · 113 學年度"]
    assert page.locator("section.part .verdict").count() == 4
    assert page.get_by_text("逾期未確認或回報，視同無異議。").is_visible()
    # Printing hides the download button.
    page.emulate_media(media="print")
    assert not page.locator(".no-print").first.is_visible()
    page.emulate_media(media="screen")
    page.go_back()
    page.get_by_role("link", name="國立成功大學 資訊工程學系").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/ming/departments/011202/index.html")
    assert errors == []
    context.close()
