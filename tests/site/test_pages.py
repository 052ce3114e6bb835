"""The demo site: every page of the output layout, in both languages, linked relatively."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urljoin

from generator.pipeline.building import BuildResult
from tests.site.sitekit import EXTERNAL, build_site, copy_demo, refs

STUDENT = "wang-xiaoming"


def test_the_output_layout(demo_site: tuple[Path, BuildResult]) -> None:
    out, result = demo_site
    assert (out / "index.html").is_file()
    assert (out / STUDENT / "index.html").is_file()
    items = sorted(p.name for p in (out / STUDENT / "items").iterdir())
    assert len(items) == len(result.check.portfolio.students[0].items)
    for item in items:
        assert (out / STUDENT / "items" / item / "index.html").is_file()
    for dep in result.check.portfolio.students[0].departments:
        assert (out / STUDENT / "departments" / dep.code / "index.html").is_file()
    assert json.loads((out / "report.json").read_text("utf-8")) == result.check.document()


def test_pages_are_zh_hant_tw_and_have_no_script(demo_site: tuple[Path, BuildResult]) -> None:
    out, _ = demo_site
    for page in out.rglob("*.html"):
        found = refs(page.read_text("utf-8"))
        assert found.lang == "zh-Hant-TW", page
        assert found.scripts == 0, page   # the site needs no JavaScript at all


def test_every_link_is_relative_and_resolves(demo_site: tuple[Path, BuildResult]) -> None:
    out, _ = demo_site
    for page in out.rglob("*.html"):
        found = refs(page.read_text("utf-8"))
        base = page.relative_to(out).as_posix()
        for tag, attr, url in found.urls:
            if EXTERNAL.match(url):
                assert tag == "a", (page, url)  # only links may leave the site
                continue
            assert not url.startswith(("/", "file:", "//")), (page, url)
            path, _, fragment = url.partition("#")
            if not path:
                assert fragment in found.ids, (page, url)
                continue
            target = out / unquote(urljoin(base, path))
            assert target.is_file(), (page, attr, url)
            assert not path.endswith("/"), (page, url)  # file:// needs index.html spelled out


def test_student_home_shows_records_counts_and_groups(
        demo_site: tuple[Path, BuildResult]) -> None:
    out, result = demo_site
    html = (out / STUDENT / "index.html").read_text("utf-8")
    student = result.check.portfolio.students[0]
    for item in student.items:
        assert item.title.replace("<", "&lt;") in html or item.title in html
    assert "修課紀錄" in html and "113 學年度第 1 學期" in html
    assert "3/6" in html          # year 113: three course outcomes ticked of six
    for dep in student.departments:
        assert dep.name in html
    assert student.info is not None and student.info.school in html


def test_item_page_shows_summary_fields_media_and_document(
        demo_site: tuple[Path, BuildResult]) -> None:
    out, _ = demo_site
    video = (out / STUDENT / "items" / "arduino-self-study" / "index.html").read_text("utf-8")
    assert "<video" in video and 'preload="metadata"' in video and "poster=" in video
    assert "0:03" in video  # the duration
    assert "自主學習" in video and "每週節數" in video
    audio = (out / STUDENT / "items" / "decibel-logarithm" / "index.html").read_text("utf-8")
    assert "<audio" in audio
    doc = (out / STUDENT / "items" / "light-refraction" / "index.html").read_text("utf-8")
    assert "report.pdf.page1." in doc and 'href="files/report.pdf"' in doc
    assert 'type="image/webp"' in doc and "srcset=" in doc


def test_department_page_follows_the_reviewers_order(
        demo_site: tuple[Path, BuildResult]) -> None:
    out, result = demo_site
    dep = result.check.portfolio.students[0].departments[0]
    html = (out / STUDENT / "departments" / dep.code / "index.html").read_text("utf-8")
    parts = ['id="statement"', 'id="records"', 'id="courses"', 'id="reflection"',
             'id="performances"', 'id="other"']
    positions = [html.index(p) for p in parts]
    assert positions == sorted(positions)
    assert html.index(dep.name) < positions[0]          # the cover comes first
    assert "審查所需時間" in html and "分鐘" in html
    for item_id in dep.courses + dep.performances:
        assert f'id="item-{item_id}"' in html
    unselected = {i.id for i in result.check.portfolio.students[0].items} - set(
        dep.courses + dep.performances)
    for item_id in unselected:
        assert f'id="item-{item_id}"' not in html


def test_english_build(tmp_path: Path) -> None:
    content = copy_demo(tmp_path / "content")
    result = build_site(content, tmp_path / "out", lang="en")
    html = (tmp_path / "out" / STUDENT / "index.html").read_text("utf-8")
    assert '<html lang="en">' in html
    assert "Course records" in html and "Counts and limits" in html
    # the demo's second student is on the 技專 track: her pages in its codes
    assert result.check.document()["students"] == ["11301234", "11305678"]
    tech = (tmp_path / "out" / "zhang-zhihao" / "departments" / "101024" / "index.html") \
        .read_text("utf-8")
    assert "D-1 performance reflection" in tech and "B-1 capstone project" in tech


def test_department_texts_show_their_images(content, media, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    content.student()
    content.course("a", submitted=113)
    (content.root / "ming" / "texts").mkdir()
    (content.root / "ming" / "texts" / "team.jpg").write_bytes(media.gps_jpg.read_bytes())
    content.departments([{"code": "001", "name": "某大學 某學系", "courses": ["a"],
                          "reflection": "我們這一隊。\n\n![團隊合照](texts/team.jpg)\n\n"
                                        "![外面的](../../elsewhere.jpg)"}])
    out = tmp_path / "out"
    build_site(content.root, out)
    page = out / "ming" / "departments" / "001" / "index.html"
    html = page.read_text("utf-8")
    found = refs(html)
    pictures = [u for tag, _a, u in found.urls if tag in ("img", "source")]
    # A name with a folder in it gets a derived name (a hash keeps `texts/team.jpg` apart
    # from a file really called `texts_team.jpg`).
    assert pictures and all(u.startswith("files/texts_team~") for u in pictures)
    for url in pictures:
        assert (page.parent / unquote(url)).is_file()
    # Outside the student: alt text only (the finding that says why names the file).
    assert not [u for _t, _a, u in found.urls if "elsewhere" in u] and "外面的" in html
