"""The student's Markdown is untrusted: what survives sanitising, and what does not."""

from __future__ import annotations

import pytest

from generator.content.image_refs import html_image_refs
from generator.render.markdown import plain_text, render_markdown, sanitize

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    "<svg onload=alert(1)><circle/></svg>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    '<img srcset="javascript:alert(1) 1x">',
    "![x](javascript:alert(1))",
    "<form action='https://evil.example'><input name=a></form>",
    "<body onload=alert(1)>",
    "<a href='data:text/html;base64,PHNjcmlwdD4='>x</a>",
    "<object data='x.swf'></object><embed src='x.swf'>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_nothing_executable_survives(attack: str) -> None:
    html = render_markdown(f"前言\n\n{attack}\n\n結語").lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onload" not in html
    assert "<iframe" not in html and "<form" not in html and "<object" not in html
    assert "style=" not in html and "data:" not in html
    assert "前言" in html and "結語" in html


def test_ordinary_markdown_and_html_are_kept() -> None:
    html = render_markdown("# 標題\n\n**粗體** <sup>2</sup> H<sub>2</sub>O\n\n"
                           "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] 做完\n\n"
                           "[網站](https://example.org)", heading_offset=1)
    assert "<h2>標題</h2>" in html
    assert "<strong>粗體</strong>" in html and "<sup>2</sup>" in html
    assert "<table>" in html and 'type="checkbox"' in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html


def test_images_go_through_the_hook() -> None:
    seen = []

    def hook(src: str, alt: str) -> dict[str, str] | None:
        seen.append((src, alt))
        if src == "gone.jpg":
            return None
        return {"src": "files/a.960.jpg", "srcset": "files/a.480.jpg 480w",
                "webp": "files/a.480.webp 480w", "sizes": "100vw"}

    html = render_markdown("![照片](a.jpg) ![不見了](gone.jpg)", hook)
    assert seen == [("a.jpg", "照片"), ("gone.jpg", "不見了")]
    assert '<source type="image/webp" srcset="files/a.480.webp 480w"' in html
    assert 'alt="照片"' in html and "不見了" in html and "gone.jpg" not in html


def test_without_a_hook_only_paths_inside_the_item_stay() -> None:
    html = render_markdown("![a](ok.jpg) ![b](../other/x.jpg) ![c](/etc/x.jpg) "
                           "![d](https://example.org/x.jpg)")
    assert 'src="ok.jpg"' in html
    assert "../other" not in html and "/etc/" not in html and "example.org" not in html


def test_file_urls_only_when_asked() -> None:
    assert "file:" not in render_markdown("[x](file:///etc/passwd)")
    assert 'href="file:///tmp/a.pdf"' in render_markdown("[x](file:///tmp/a.pdf)",
                                                         schemes={"file", "https"})


def test_srcset_with_a_scheme_is_dropped_by_sanitize() -> None:
    assert "srcset" not in sanitize('<img src="a.jpg" srcset="javascript:x 1x, b.jpg 2x">')
    kept = sanitize('<img src="a.jpg" srcset="a.jpg 1x, b.jpg 2x">')
    assert 'srcset="a.jpg 1x, b.jpg 2x"' in kept


def test_raw_html_images_go_through_the_hook_too() -> None:
    seen = []

    def hook(src: str, alt: str) -> dict[str, str] | None:
        seen.append(src)
        return {"src": f"files/{src}.960.jpg"} if src == "a.jpg" else None

    html = render_markdown('<img src="a.jpg" srcset="https://evil.example/x 2x" alt="甲">\n\n'
                           '<img src="https://evil.example/p.png" alt="乙">\n\n'
                           '<picture><source srcset="//evil.example/y"><img src="b.jpg">'
                           '</picture>\n\n'
                           '<video poster="http://evil.example/v.png"></video>'
                           '<p style="background:url(http://evil.example/z)">段</p>', hook)
    assert seen == ["a.jpg", "https://evil.example/p.png", "b.jpg"]
    assert 'src="files/a.jpg.960.jpg"' in html and 'alt="甲"' in html and "段" in html
    assert "evil.example" not in html and "b.jpg" not in html


def test_html_image_refs_name_what_a_page_would_fetch() -> None:
    text = ('<img src="a.jpg" srcset="a2.jpg 2x, https://e.example/a3.jpg 3x">'
            '<video poster="//e.example/p.png"></video><p style="background:url(../up.png)">x</p>'
            '\n\n`<img src="https://e.example/code.png">`\n\n    <img src="https://e.example/c">')
    assert html_image_refs(text) == ["a.jpg", "https://e.example/a3.jpg", "//e.example/p.png",
                                     "../up.png"]
    assert html_image_refs("沒有 HTML 的心得 ![a](x.jpg)") == []


def test_plain_text() -> None:
    assert plain_text("**粗體**與`程式`\n\n![圖](a.jpg)") == "粗體與程式"
