"""A department's bundle unpacked and opened as a reviewer would: in Chromium, from file://.

Every link and every asset of its pages must load from inside the unpacked folder, and
nothing in it may tell the department what only the student should see: no other
department, no finding code, no 檢查結果.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from pypdf import PdfReader

from generator.i18n import catalog, text
from tests.browserkit import CHROMIUM, BrowserThread
from tests.export.conftest import OTHER, REVIEWED, Reviewed

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")]

FINDING_CODES = [code for code in catalog() if code != "ui"]


@pytest.fixture(scope="module")
def unpacked(reviewed: Reviewed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unpacked") / "bundle"
    zip_path = reviewed.output / "ming" / "departments" / f"{REVIEWED['code']}.zip"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(folder)
    return folder


def _visit(browser: Any, folder: Path) -> dict[str, list[str]]:
    """Open every page of the bundle from its index.html on, following its links; every
    request must be for a file inside `folder`, and every one must load."""
    root = folder.resolve().as_uri() + "/"
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    outside: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((root, "data:"))
            else outside.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    seen: set[str] = set()
    todo = [folder / "index.html"]
    linked: list[str] = []
    while todo:
        html = todo.pop()
        if html in seen:
            continue
        seen.add(html)
        page.goto(html.resolve().as_uri())
        page.wait_for_load_state("load")
        # Pictures load lazily: bring every one in, then wait until all have loaded.
        page.evaluate("() => document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
        page.wait_for_load_state("networkidle")
        broken = page.evaluate("() => [...document.images].filter(i => !i.complete || "
                               "i.naturalWidth === 0).map(i => i.currentSrc || i.src)")
        failed += broken
        refs = page.evaluate("""() => [...document.querySelectorAll('[href],[src],[srcset]')]
            .flatMap(e => [e.getAttribute('href'), e.getAttribute('src'),
                           ...(e.getAttribute('srcset') || '').split(',')
                               .map(s => s.trim().split(' ')[0])])
            .filter(Boolean)""")
        for ref in refs:
            parts = urlsplit(ref)
            if parts.scheme in ("http", "https", "mailto", "data") or ref.startswith("#"):
                continue
            target = (html.parent / unquote(parts.path)).resolve()
            linked.append(str(target))
            if not target.is_relative_to(folder.resolve()) or not target.is_file():
                outside.append(ref)
            elif target.suffix == ".html":
                todo.append(target)
    context.close()
    return {"outside": outside, "failed": failed, "linked": linked,
            "pages": [str(p) for p in seen]}


def test_the_bundle_opens_at_its_index_and_stays_inside(chromium: BrowserThread,
                                                       unpacked: Path) -> None:
    seen = chromium.run(lambda browser: _visit(browser, unpacked))
    assert seen["outside"] == []
    assert seen["failed"] == []
    linked = {Path(p).relative_to(unpacked.resolve()).as_posix() for p in seen["linked"]}
    # The view links its PDF, every upload 文件, the kit, and shows its pictures.
    assert any(p.endswith(".pdf") and "/" not in p for p in linked)
    assert sum(1 for p in linked if p.startswith("uploads/")) == 4
    assert {"kit/學習歷程自述.pdf", "kit/勾選清單.html", "assets/site.css"} <= linked
    assert len(seen["pages"]) == 2     # index.html and the tick list


def _words(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8", "replace")


def test_nothing_in_it_is_for_the_student_alone(unpacked: Path) -> None:
    files = [p for p in unpacked.rglob("*") if p.is_file()]
    assert files
    heading = text("site-findings-short", "zh-TW")   # 檢查結果
    codes = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, FINDING_CODES)) + r")(?![\w-])")
    for path in files:
        words = _words(path)
        name = path.relative_to(unpacked).as_posix()
        assert OTHER["name"] not in words and OTHER["code"] not in words, name
        assert "成功大學" not in words, name
        assert heading not in words, name
        assert not codes.search(words), (name, codes.search(words))
        assert "upload/index.html" not in words, name
        assert OTHER["code"] not in name
