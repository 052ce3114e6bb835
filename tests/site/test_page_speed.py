"""What the page step keeps out of the per-page path gives the same answers as before."""

from __future__ import annotations

import posixpath
import random
from pathlib import Path
from urllib.parse import quote

from generator.engine.output_paths import href
from generator.engine.steps import BuildPlan, Output
from generator.render.markdown import render_markdown

TEXT = "第一段，有**粗體**。\n\n![照片](photo.jpg)\n\n<script>alert(1)</script>[連結](https://example.org)"


def test_a_kept_text_is_the_html_rendered_anew_and_follows_the_image_hook(tmp_path: Path):
    def hook(src: str, alt: str) -> dict[str, str] | None:
        return {"src": f"files/{src}.960.jpg", "width": "960", "height": "640"}

    fresh = render_markdown(TEXT, hook, heading_offset=1)
    first = render_markdown(TEXT, hook, heading_offset=1, cache=tmp_path)
    kept = list(tmp_path.rglob("*.frag"))
    assert first == fresh and len(kept) == 1 and "<script" not in first
    assert render_markdown(TEXT, hook, heading_offset=1, cache=tmp_path) == fresh
    # Another answer for the picture (a new web copy), another offset: not the kept one.
    moved = render_markdown(TEXT, lambda s, a: {"src": "other.jpg"}, heading_offset=1,
                            cache=tmp_path)
    assert "other.jpg" in moved and moved != fresh
    assert render_markdown(TEXT, hook, heading_offset=3, cache=tmp_path) == \
        render_markdown(TEXT, hook, heading_offset=3)
    assert not list(tmp_path.rglob("*.html"))   # nothing in the cache looks like a page


def test_links_between_pages_are_what_relpath_says():
    rng = random.Random(17)
    parts = ["s001", "items", "a b", "index.html", "files", "x#y", "學生"]
    for _ in range(3000):
        page = "/".join(rng.choice(parts) for _ in range(rng.randrange(1, 5)))
        target = "/".join(rng.choice(parts) for _ in range(rng.randrange(1, 5)))
        expected = posixpath.relpath(target, posixpath.dirname(page) or ".")
        assert href(page, target) == quote(expected, safe="/"), (page, target)


def test_plan_under_lists_what_a_scan_lists():
    plan = BuildPlan()
    rels = [f"s{n % 7}/upload/{n % 5}/f{n}.pdf" for n in range(200)] + ["s1/upload", "s10/x"]
    plan.add("pdf", [Output(r, "fp", None) for r in rels[:150]])
    plan.keep(rels[150:])
    for folder in ["s1/upload", "s1/upload/3", "s1", "s10", "s1/upload/", "nothing"]:
        prefix = folder.rstrip("/") + "/"
        assert plan.under(folder) == sorted(r for r in set(rels) if r.startswith(prefix))
    plan.add("site", [Output("s1/upload/3/late.html", "fp", None)])
    assert "s1/upload/3/late.html" in plan.under("s1/upload/3")
