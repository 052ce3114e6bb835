"""Themes are overridden file by file from the content root, or chosen in portfolio.toml."""

from __future__ import annotations

from pathlib import Path

from generator.engine.themes import BUILTIN, Theme
from tests.builder import ContentBuilder
from tests.site.sitekit import build_site


def test_one_file_overrides_the_default(content: ContentBuilder, tmp_path: Path) -> None:
    content.student()
    content.course("a")
    css = content.root / "themes" / "default" / "static" / "site.css"
    css.parent.mkdir(parents=True)
    css.write_text("body { color: rebeccapurple; }\n", "utf-8")
    out = tmp_path / "out"
    build_site(content.root, out)
    assert (out / "assets" / "site.css").read_text("utf-8") == css.read_text("utf-8")
    assert (out / "assets" / "icon.svg").read_bytes() == (
        BUILTIN / "default" / "static" / "icon.svg").read_bytes()


def test_a_named_theme_from_portfolio_toml(content: ContentBuilder, tmp_path: Path) -> None:
    content.settings('theme = "nanhu"\n')
    content.student()
    content.course("a")
    base = content.root / "themes" / "nanhu" / "templates"
    base.mkdir(parents=True)
    (base / "base.html").write_text(
        (BUILTIN / "default/templates/base.html").read_text("utf-8").replace(
            "<main id=\"main\">", "<main id=\"main\"><p class=\"banner\">南湖高中</p>"), "utf-8")
    out = tmp_path / "out"
    build_site(content.root, out)
    assert '<p class="banner">南湖高中</p>' in (out / "ming" / "index.html").read_text("utf-8")
    # Files the named theme lacks come from the default theme.
    assert (out / "assets" / "site.css").read_bytes() == (
        BUILTIN / "default/static/site.css").read_bytes()


def test_resolution_order(tmp_path: Path) -> None:
    (tmp_path / "themes" / "mine").mkdir(parents=True)
    (tmp_path / "themes" / "default").mkdir(parents=True)
    theme = Theme.resolve(tmp_path, "mine")
    assert theme.dirs[0] == tmp_path / "themes" / "mine"
    assert theme.dirs[1:] == [tmp_path / "themes" / "default", BUILTIN / "default"]
    assert Theme.resolve(tmp_path, "nowhere").missing
