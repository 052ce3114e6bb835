"""`portfolio edit` in the system Chromium, as a student uses it: an item made from zero,
files dropped and fitted, a department chosen; then `portfolio check` agrees with the
page, and the files on disk read as a hand-written item would."""

from __future__ import annotations

import base64
import difflib
import hashlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.content.loader import reader_for
from generator.content.text_readers import parse_yaml
from generator.rules import load_rules
from generator.support.characters import count_chars, count_prose_chars
from tests.browserkit import CHROMIUM, BrowserThread
from tests.builder import ContentBuilder, run_cli
from tests.editor.conftest import Editor, start_editor
from tests.mediafactory import MediaFactory

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")]

PHONE = {"width": 390, "height": 844}
DEPARTMENTS = """# 我的志願（自己寫的）
- code: "001012"
  name: 國立臺灣大學 電機工程學系
  wants: [J, N]
"""
HAND_WRITTEN = """---
# 高一的科展，先寫重點
title: 糖水濃度與折射率
category: competition   # 競賽
type: performance
summary: 研究糖水濃度和折射率的關係。
details:
  award: 佳作   # 之後可能改名次
  level: 縣市級
  name: 臺北市科展
date: 2025-03-10
---
高一做光的折射實驗時，我們把水換成糖水，發現光偏折得更多。

""" + "\n\n".join(f"第 {n} 段：我們配製了不同濃度的糖水，每種量測五次。"
                 for n in range(1, 60)) + "\n"


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Editor]:
    base = tmp_path_factory.mktemp("editor-browser")
    content = ContentBuilder(base / "content", MediaFactory(base / "media"))
    content.student("ming")
    content.write(content.root / "ming" / "departments.yaml", DEPARTMENTS)
    content.student("hua", name="李小華", student_id="11300003")
    content.write(content.root / "hua" / "items" / "science-fair" / "index.md", HAND_WRITTEN)
    content.course("report", slug="hua")
    running = start_editor(content.root, base / "output")
    yield running
    running.stop()


def _page(browser: Any, editor: Editor, route: str, **options: Any) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport=options.pop("viewport", {"width": 1000,
                                                                     "height": 900}), **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: None if r.url.startswith(editor.base) or r.url.startswith(
        ("data:", "blob:")) else errors.append(f"fetched from afar: {r.url}"))
    page.goto(editor.url)                     # the printed address: the token becomes a cookie
    page.goto(f"{editor.base}/{route}")
    return page, errors


def _codes(page: Any, scope: str = "#app .findings .finding") -> Counter[str]:
    return Counter(page.eval_on_selector_all(scope, "els => els.map(e => e.dataset.code)"))


def _saved(page: Any) -> None:
    # wait_for_function evaluates a string, which the page's own CSP forbids: selectors.
    page.wait_for_selector("#status.saved")


# ------------------------------------------------------------------ from zero


def test_a_student_makes_a_competition_item_from_zero(chromium: BrowserThread, editor: Editor,
                                                     media: MediaFactory, big_video: Path) -> None:
    chromium.run(lambda browser: _from_zero(browser, editor, media, big_video))
    folder = editor.root / "ming" / "items" / "competition-1"
    assert sorted(p.name for p in folder.iterdir()) == ["big.mp4", "gps.jpg", "index.md"]

    # The files read as a hand-written item would: the same front matter, the same body.
    written, body, problems = _read(folder / "index.md", editor.root)
    by_hand = f"""---
type: performance
title: 臺北市科展佳作
summary: {SHORT}
category: competition
date: 2025-10-05
details:
  name: 臺北市中小學科學展覽會
  level: 縣市級
  award: 佳作
  team: 團體
submitted: 114
document: gps.jpg
media: big.mp4
---
比賽前一個月每天放學後都在實驗室。
"""
    wanted, _ = parse_yaml(by_hand.split("---\n")[1])
    assert problems == [] and written == wanted
    assert body == "比賽前一個月每天放學後都在實驗室。"

    # The department selection was written in place: two lines added, comment kept.
    deps = (editor.root / "ming" / "departments.yaml").read_text("utf-8")
    assert _diff(DEPARTMENTS, deps) == ["+  performances:", "+    - competition-1"]

    copy = editor.output / "ming" / "upload" / "competition-1" / "1141-競賽參與-臺北市科展佳作.mp4"
    assert copy.is_file() and copy.stat().st_size <= 10_000_000


SHORT = "參加臺北市科展，研究糖水濃度與折射率🧪，學會設計實驗與分工。"
LONG = "參加臺北市中小學科學展覽會，研究糖水濃度與折射率的關係🧪👩‍🔬，" * 4


def _from_zero(browser: Any, editor: Editor, media: MediaFactory, video: Path) -> None:
    page, errors = _page(browser, editor, "#/s/ming", viewport=PHONE)
    page.click("#new-item")
    page.click('button.kind[data-kind="competition"]')       # by its Chinese name
    page.wait_for_selector("#f-title")
    assert page.locator("h1").inner_text().startswith("競賽參與紀錄")
    labels = page.eval_on_selector_all(".field > label", "els => els.map(e => e.textContent)")
    for label in ("競賽名稱", "競賽等級", "獎項", "結果公布日期", "項目組別", "參與方式"):
        assert any(label in shown for shown in labels), (label, labels)   # from the rules table
    assert page.locator("#f-id").input_value() == "competition-1"
    page.fill("#f-title", "臺北市科展佳作")
    page.fill("#f-date", "2025-10-05")
    page.fill('[name="details.name"]', "臺北市中小學科學展覽會")
    page.select_option('[name="details.level"]', "縣市級")      # choices are a menu
    page.fill('[name="details.award"]', "佳作")
    page.select_option('[name="details.team"]', "團體")
    page.select_option('[name="submitted"]', "114")
    page.fill("#f-body", "比賽前一個月每天放學後都在實驗室。")

    # Past 100 characters: the counter turns red at once, the finding follows.
    page.fill("#f-summary", LONG)
    counter = page.locator("#summary-counter")
    assert counter.get_attribute("data-count") == str(count_chars(LONG))
    assert "over" in counter.get_attribute("class")
    assert counter.inner_text() == f"{count_chars(LONG)}／100 字"
    page.wait_for_selector('.findings[data-place="summary"] .finding[data-code="summary-too-long"]')
    page.fill("#f-summary", SHORT)
    assert "over" not in counter.get_attribute("class")
    page.wait_for_selector('.finding[data-code="summary-too-long"]', state="detached")

    page.click("#save")
    _saved(page)
    page.wait_for_url("**/#/s/ming/i/competition-1")
    assert not page.locator(".finding.error").count()

    # A photo with GPS data dropped on 文件: copied in, judged at once by its bytes.
    _drop(page, "document", "gps.jpg", media.gps_jpg.read_bytes())
    gps = '.file[data-file="gps.jpg"]'
    page.wait_for_selector(f'{gps} .finding[data-code="personal-data"]')
    assert "GPS" in page.locator(f'{gps} .finding[data-code="personal-data"]').inner_text()

    # A 12 MB video on 影音: too large, and 「做成上傳版」 brings it under the limit.
    page.set_input_files("#file-media", str(video))
    big = '.file[data-file="big.mp4"]'
    page.wait_for_selector(f'{big} .finding[data-code="file-too-large"]')
    fit = page.locator(f"{big} .fit-button")
    assert fit.is_visible() and fit.inner_text() == "做成上傳版"
    fit.click()
    page.wait_for_selector(f"{big} .copy", timeout=120_000)
    assert "1141-競賽參與-臺北市科展佳作.mp4" in page.locator(f"{big} .copy").first.inner_text()

    # The department: live counts against 10, and what the selection now covers.
    page.click('.tabs a[href$="/departments"]')
    dep = page.locator('.department[data-index="0"]')
    dep.wait_for()
    count = dep.locator('[data-count="performances"]')
    assert count.inner_text() == "已選 0／10 件"
    dep.locator('input[data-item="competition-1"]').check()
    assert count.inner_text() == "已選 1／10 件"
    page.wait_for_selector('[data-coverage] .badge.ok:has-text("✓ J")')
    assert "✗ N" in dep.locator("[data-coverage]").inner_text()
    assert "審查約" in dep.locator("[data-estimate]").inner_text()
    page.click("#save")
    _saved(page)

    # What the page shows is what `portfolio check` says.
    page.goto(f"{editor.base}/#/s/ming/i/competition-1")
    page.wait_for_selector(f"{big} .finding")
    shown = _codes(page)
    assert page.locator(".deps .badge.dep").inner_text() == "001012"
    page.goto(f"{editor.base}/#/s/ming")
    page.wait_for_selector('.card[data-item="competition-1"]')
    shown_student = _codes(page, '.findings[data-place="general"] .finding')
    card = page.locator('.card[data-item="competition-1"]').inner_text()
    checked = run_cli("check", str(editor.root), "--offline", "--format", "json",
                      "-o", str(editor.root.parent / "no-output"))
    mine = [f for f in checked.doc["findings"] if f["student"] == "11301234"]
    # That check has no upload copy to go by (another output): the video is too large
    # there, while the editor's output holds the copy 「做成上傳版」 made, so there the
    # error has become a note naming the copy, as `check -o OUTPUT` says it.
    elsewhere = Counter(f["code"] for f in mine if f["item"] == "competition-1")
    assert elsewhere == Counter({"file-too-large": 1, "personal-data": 1})
    assert shown == Counter({"file-fitted": 1, "personal-data": 1})
    assert shown_student == Counter(f["code"] for f in mine if f["item"] is None)
    assert "個錯誤" not in card and "1 個提醒" in card and "114 學年度勾選" in card
    assert errors == []


def _drop(page: Any, slot: str, name: str, data: bytes) -> None:
    """A real drop event on the slot's zone, carrying a file, as a drag from the desktop."""
    page.evaluate(
        """([slot, name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/jpeg" }));
            const zone = document.querySelector(`.zone[data-slot="${slot}"]`);
            for (const kind of ["dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(kind, { dataTransfer: transfer, bubbles: true,
                                                         cancelable: true }));
            }
        }""", [slot, name, base64.b64encode(data).decode()])


def _read(path: Path, root: Path) -> tuple[dict[str, Any], str, list[Any]]:
    data, body, problems = reader_for(root, load_rules()).read_front_matter(path)
    return data, body, problems


def _diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


# ------------------------------------------------------------------ a hand-written item


def test_editing_a_hand_written_item_changes_that_field_only(chromium: BrowserThread,
                                                            editor: Editor) -> None:
    path = editor.root / "hua" / "items" / "science-fair" / "index.md"
    chromium.run(lambda browser: _one_field(browser, editor))
    after = path.read_text("utf-8")
    assert _diff(HAND_WRITTEN, after) == ["-  award: 佳作   # 之後可能改名次",
                                          "+  award: 優等   # 之後可能改名次"]


def _one_field(browser: Any, editor: Editor) -> None:
    page, errors = _page(browser, editor, "#/s/hua/i/science-fair")
    page.wait_for_selector('[name="details.award"]')
    assert page.locator("#f-body").input_value().startswith("高一做光的折射實驗時")
    page.fill('[name="details.award"]', "優等")
    page.click("#save")
    _saved(page)

    # The reviewer's view of the item, from an incremental build served read-only.
    page.click("#preview")
    link = page.locator("#preview-open")
    link.wait_for(timeout=120_000)
    page.goto(editor.base + link.get_attribute("href"))
    assert "糖水濃度與折射率" in page.locator("h1").inner_text()
    assert "優等" in page.content()
    assert errors == []


def test_a_file_changed_on_disk_is_not_overwritten(chromium: BrowserThread,
                                                   editor: Editor) -> None:
    path = editor.root / "hua" / "items" / "report" / "index.md"
    chromium.run(lambda browser: _conflict(browser, editor, path))


def _conflict(browser: Any, editor: Editor, path: Path) -> None:
    page, errors = _page(browser, editor, "#/s/hua/i/report")
    page.wait_for_selector("#f-title")
    changed = path.read_text("utf-8").replace("課程成果 report", "另一個視窗改的")
    path.write_text(changed, "utf-8")                 # another window saves meanwhile
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    page.fill("#f-title", "表單裡改的")
    page.click("#save")
    page.wait_for_selector(".conflict #reload")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    page.click("#reload")
    expect(page.locator("#f-title")).to_have_value("另一個視窗改的")
    assert [e for e in errors if "409" not in e] == []


# ------------------------------------------------------------------ counting and fitting


SAMPLES = ["👨‍👩‍👧", "👍🏽 讚", "🇹🇼🇯🇵", "臺灣，你好。", "é = e\u0301", "한국어", "  留白  ",
           "a\u200db", "🧑🏻‍🔬 做實驗", "（１２３）「引號」…", "\u0915\u094d\u0937"]

# N is counted on the rendered text: markup, link targets and pictures do not count.
PROSE = [f"{s}\n![圖](a.jpg)\n{s}" for s in SAMPLES] + [
    "我學到**合作**與**溝通**。", "## 社團\n\n我當社長。", "- 一\n- 二\n1. 三",
    "見[作品集](https://example.org/works)。", "> 引用的一句話"]


def test_the_page_counts_characters_as_the_checks_do(chromium: BrowserThread,
                                                     editor: Editor) -> None:
    def count(browser: Any) -> tuple[list[int], list[int]]:
        page, errors = _page(browser, editor, "#/s/hua")
        page.wait_for_selector(".card")
        chars = page.evaluate("s => s.map(window.portfolioEdit.countChars)", SAMPLES)
        prose = page.evaluate("s => s.map(window.portfolioEdit.countProse)", PROSE)
        assert errors == []
        return chars, prose

    chars, prose = chromium.run(count)
    assert chars == [count_chars(s) for s in SAMPLES]
    assert prose == [count_prose_chars(s) for s in PROSE]


def test_the_form_fits_a_phone(chromium: BrowserThread, editor: Editor) -> None:
    def measure(browser: Any) -> list[str]:
        problems: list[str] = []
        page, errors = _page(browser, editor, "#/s/hua", viewport=PHONE)
        for route, ready in (("#/s/hua", ".card"), ("#/s/hua/i/science-fair", "#f-title"),
                             ("#/s/hua/new/competition", "#f-title"),
                             ("#/s/ming/departments", ".department"),
                             ("#/s/hua/profile", "#f-name")):
            page.goto(f"{editor.base}/{route}")
            page.wait_for_selector(ready)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{route}: {width} px wide")
            small = page.evaluate("""() => [...document.querySelectorAll(
                'button, select, textarea, input:not([type=checkbox]):not([type=file]),'
                + ' .tabs a, a.card, .drop, .pick li, .wants li')]
                .filter((e) => e.offsetParent !== null)
                .map((e) => [e.tagName + '.' + e.className, e.getBoundingClientRect().height])
                .filter(([, h]) => h < 44)""")
            problems += [f"{route}: {name} {h:.0f} px tall" for name, h in small]
        page.context.close()
        return problems + errors

    assert chromium.run(measure) == []


def test_a_new_item_in_english(tmp_path: Path, media: MediaFactory, chromium: BrowserThread,
                               editor_for: Any) -> None:
    content = ContentBuilder(tmp_path / "content", media)
    content.student()
    running = editor_for(content.root, tmp_path / "output", "--lang", "en")

    def look(browser: Any) -> tuple[str, list[str]]:
        page, errors = _page(browser, running, "#/s/ming/new/course")
        page.wait_for_selector("#f-title")
        labels = page.eval_on_selector_all(".field > label", "els => els.map(e => e.textContent)")
        title = page.locator("h1").inner_text()
        # A file dropped on an item not saved yet: the item is saved, then takes the file.
        page.fill("#f-title", "Pendulum")
        page.set_input_files("#file-document", str(media.png))
        page.wait_for_selector('.file[data-file="scan.png"]')
        page.wait_for_url("**/#/s/ming/i/course-1")
        assert errors == []
        return title, labels

    title, labels = chromium.run(look)
    assert title.startswith("Course outcome")
    assert "Subject *" in labels and "Summary *" in labels
