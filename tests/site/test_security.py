"""Nothing a student writes can run in a reader's browser, and no photo tells where it was
taken."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from tests.builder import ContentBuilder
from tests.site.sitekit import build_site, refs

EVIL_BODY = """我的心得。

<script>alert('body')</script>

<img src="x.jpg" onerror="alert('img')">

<a href="javascript:alert('a')">按我</a> [也按我](javascript:alert('md'))

<p onclick="alert('p')" onmouseover="alert('p')">段落</p>

![](javascript:alert('img2'))
"""


def _all_output_text(out: Path) -> str:
    return "\n".join(p.read_text("utf-8") for p in out.rglob("*.html"))


def test_script_handlers_and_javascript_urls_never_reach_the_output(
        content: ContentBuilder, tmp_path: Path) -> None:
    content.student(profile="<script>alert('profile')</script>簡歷")
    content.course("evil", body=EVIL_BODY, title="<script>alert('title')</script>報告",
                   summary="<img src=x onerror=alert('summary')>", submitted=113)
    content.performance("linked", category="work", links=["javascript:alert('link')",
                                                          "https://example.org/ok"],
                        details={"name": '"><script>alert(1)</script>'}, submitted=113)
    content.departments([{"code": "001", "name": "<b onmouseover=alert(1)>系</b>",
                          "courses": ["evil"], "performances": ["linked"],
                          "statement": "<script>alert('statement')</script>自述",
                          "reflection": "[x](javascript:alert('reflection'))"}])
    out = tmp_path / "out"
    build_site(content.root, out)
    html = _all_output_text(out)
    lowered = html.lower()
    assert "<script" not in lowered
    for page in out.rglob("*.html"):
        found = refs(page.read_text("utf-8"))
        assert found.scripts == 0
        assert found.handlers == [], page
        for _tag, _attr, url in found.urls:
            assert not url.strip().lower().startswith(("javascript:", "data:")), (page, url)
    # The bad link in `links:` and the `javascript:` image are named only in the findings
    # that tell the student to fix them, as text; neither is ever offered as a link.
    outside_findings = re.sub(r'<span class="msg">.*?</span>', "", lowered, flags=re.S)
    for marker in ("body", "img", "a", "md", "p", "img2", "statement", "reflection", "profile"):
        assert f"alert('{marker}')" not in html
        assert f"alert(&#39;{marker}&#39;)" not in outside_findings
    assert "javascript:" not in outside_findings
    # Typed into plain fields, the markup is shown as text, exactly as the student wrote it.
    assert "&lt;img src=x onerror=alert(&#39;summary&#39;)&gt;" in html
    # Escaped as text where the student typed it, so it reads as they wrote it.
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;報告" in html
    assert 'href="https://example.org/ok"' in html
    assert "按我" in html and "段落" in html and "自述" in html


def test_no_location_exif_in_any_output_image(content: ContentBuilder, media,
                                              tmp_path: Path) -> None:
    content.student()
    content.course("trip", images=["gps.jpg"], body="![現場](inline.jpg)")
    content.file("trip", "gps.jpg", media.gps_jpg)
    content.file("trip", "inline.jpg", media.gps_jpg)
    # A phone photo held sideways: EXIF says "rotate 90°", the pixels are landscape.
    sideways = tmp_path / "sideways.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (25.0, 2.0, 0.0)
    Image.new("RGB", (80, 40), (10, 200, 10)).save(sideways, exif=exif)
    content.performance("walk", document="sideways.jpg")
    content.file("walk", "sideways.jpg", sideways)
    with Image.open(media.gps_jpg) as src:
        assert src.getexif().get_ifd(0x8825)  # the fixture really has a position

    out = tmp_path / "out"
    # Every step that writes images (the site's copies, the upload-ready files, the
    # dashboard…), all but the slow PDFs, which have their own test of this.
    from generator.pipeline.building import build, default_renderers

    result = build(content.root, out, offline=True, jobs=2,
                   renderers=default_renderers(frozenset({"pdf"})))
    assert not result.failures, result.failures
    images = [p for p in out.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png",
                                                                ".webp")]
    assert len(images) >= 6
    for path in images:
        with Image.open(path) as img:
            exif = img.getexif()
            assert not exif.get_ifd(0x8825), path
            assert 0x8825 not in exif, path
            assert b"GPS" not in (img.info.get("exif") or b""), path
    upright = sorted(out.rglob("sideways.jpg.*.jpg"))
    assert upright
    with Image.open(upright[-1]) as img:
        assert img.height > img.width  # the orientation was applied, not dropped
