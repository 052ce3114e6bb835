"""Untrusted content in the outputs (issue 12, cases 6 and 8).

A student's PDF may carry scripts, launch actions, attachments and `javascript:`
links; a reflection may carry raw HTML that has the reviewer's browser call a third
party. Neither may reach what reviewers open: every output PDF is walked object by
object, every output page attribute by attribute.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from tests.hostile.conftest import Arena

TEXT = "光的折射實驗報告"          # what the mediafactory PDF says on every page


# -- a PDF carrying every kind of active content -----------------------------------------

def _name(value: str) -> NameObject:
    return NameObject(value)


def _action(kind: str, **entries: Any) -> DictionaryObject:
    action = DictionaryObject({_name("/S"): _name(kind)})
    for key, value in entries.items():
        action[_name("/" + key)] = value
    return action


def _js(code: str) -> DictionaryObject:
    return _action("/JavaScript", JS=TextStringObject(code))


def hostile_pdf(source: Path, target: Path) -> Path:
    """`source` with JavaScript in the Names tree, an OpenAction script, a page AA, a
    Launch link, a script link, javascript: and file: links, an embedded file with its
    attachment annotation; and the links that must stay: https and an in-document GoTo."""
    w = PdfWriter(clone_from=PdfReader(source))
    root = w.root_object

    scripts = DictionaryObject({_name("/Names"): ArrayObject(
        [TextStringObject("init"), w._add_object(_js("app.alert('names');"))])})
    stream = DecodedStreamObject()
    stream.set_data(b"MZ pretend program")
    stream[_name("/Type")] = _name("/EmbeddedFile")
    spec = DictionaryObject({_name("/Type"): _name("/Filespec"),
                             _name("/F"): TextStringObject("run.exe"),
                             _name("/EF"): DictionaryObject({_name("/F"): w._add_object(stream)})})
    files = DictionaryObject({_name("/Names"): ArrayObject(
        [TextStringObject("run.exe"), w._add_object(spec)])})
    root[_name("/Names")] = DictionaryObject({_name("/JavaScript"): w._add_object(scripts),
                                              _name("/EmbeddedFiles"): w._add_object(files)})
    root[_name("/OpenAction")] = w._add_object(_js("app.alert('open');"))

    def annot(subtype: str, **entries: Any) -> IndirectObject:
        a = DictionaryObject({
            _name("/Type"): _name("/Annot"), _name("/Subtype"): _name(subtype),
            _name("/Rect"): ArrayObject([FloatObject(v) for v in (60, 60, 260, 90)]),
            _name("/Border"): ArrayObject([NumberObject(0)] * 3)})
        for key, value in entries.items():
            a[_name("/" + key)] = value
        return w._add_object(a)

    first = w.pages[0]
    first[_name("/AA")] = DictionaryObject({_name("/O"): _js("app.alert('page');")})
    goto = _action("/GoTo", D=ArrayObject([w.pages[-1].indirect_reference, _name("/Fit")]))
    first[_name("/Annots")] = ArrayObject([
        annot("/Link", A=_action("/Launch", F=TextStringObject("calc.exe"))),
        annot("/Link", A=_js("app.alert('click');")),
        annot("/Link", A=_action("/URI", URI=TextStringObject("javascript:alert(1)"))),
        annot("/Link", A=_action("/URI", URI=TextStringObject("file:///etc/passwd"))),
        annot("/Link", A=_action("/URI", URI=TextStringObject("https://example.org/ok"))),
        annot("/Link", A=goto),
        annot("/FileAttachment", FS=spec),
    ])
    w.write(target)
    return target


# -- walking every object of an output PDF ------------------------------------------------

def every_object(path: Path) -> Iterator[Any]:
    """Every object in the file, reachable or not, and every dictionary or array in it."""
    reader = PdfReader(path)
    ids = {(idnum, gen) for gen, table in reader.xref.items() for idnum in table}
    ids |= {(idnum, 0) for idnum in reader.xref_objStm}
    stack: list[Any] = [reader.trailer]
    for idnum, gen in sorted(ids):
        try:
            stack.append(reader.get_object(IndirectObject(idnum, gen, reader)))
        except Exception:  # a free entry
            continue
    while stack:
        obj = stack.pop()
        if isinstance(obj, DictionaryObject):
            yield obj
            stack.extend(v for v in obj.values() if not isinstance(v, IndirectObject)
                         and isinstance(v, DictionaryObject | ArrayObject))
        elif isinstance(obj, ArrayObject):
            stack.extend(v for v in obj if isinstance(v, DictionaryObject | ArrayObject))


ACTIVE_KEYS = {"/JavaScript", "/JS", "/AA", "/OpenAction", "/EmbeddedFiles", "/EF", "/XFA"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/GoToR", "/GoToE", "/SubmitForm", "/ImportData"}


def active_content(path: Path) -> list[str]:
    found = []
    for d in every_object(path):
        found += [k for k in d if k in ACTIVE_KEYS]
        if d.get("/Subtype") == "/FileAttachment" or d.get("/Type") == "/EmbeddedFile":
            found.append(str(d.get("/Subtype") or d.get("/Type")))
        action = d.get("/A")
        if isinstance(action, DictionaryObject):
            if action.get("/S") in ACTIVE_ACTIONS:
                found.append(str(action["/S"]))
            uri = str(action.get("/URI", "https:"))
            if not re.match(r"(?i)^(https?|mailto):", uri):
                found.append(uri)
    return found


def link_targets(path: Path) -> list[str]:
    """The https links and in-document jumps left in the file."""
    out = []
    for d in every_object(path):
        action = d.get("/A")
        if d.get("/Subtype") == "/Link" and isinstance(action, DictionaryObject):
            out.append(str(action.get("/URI")) if action.get("/S") == "/URI"
                       else str(action.get("/S")))
    return out


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


# -- the content ----------------------------------------------------------------------------

def _findings(doc: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f["code"] == code]


def test_active_content_never_reaches_an_output_pdf(arena: Arena, tmp_path: Path) -> None:
    c = arena.content
    c.student()
    c.course("lab", document="report.pdf", submitted=113)
    original = hostile_pdf(c.media.pdf, tmp_path / "hostile.pdf")
    c.file("lab", "report.pdf", original)
    assert len(active_content(original)) >= 10  # the attack is really there
    c.departments([{"code": "001012", "name": "物理學系", "courses": ["lab"]}])
    arena.freeze()

    checked = arena.run("check", "content", "--offline", "--format", "json", "--lang", "en")
    assert checked.exit_code == 0, checked.output[-2000:]
    found = _findings(json.loads(checked.stdout), "pdf-active-content")
    assert [(f["item"], f["file"], f["severity"]) for f in found] == [
        ("lab", "report.pdf", "warning")]
    for words in ("JavaScript", "open other files", "opened", "embedded files",
                  "not web addresses"):
        assert words in found[0]["message"], found[0]["message"]

    built = arena.run("build", "content", "-o", "output", "--offline")
    assert built.exit_code == 0, built.output[-2000:]
    report = json.loads((arena.output / "report.json").read_text("utf-8"))
    assert [f["file"] for f in _findings(report, "pdf-active-content")] == ["report.pdf"]

    outputs = [arena.output / "ming" / "portfolio.pdf",
               arena.output / "ming" / "departments" / "001012" / "portfolio.pdf",
               arena.output / "ming" / "upload" / "lab" / "1131-物理-課程成果 lab.pdf",
               arena.output / "ming" / "items" / "lab" / "files" / "report.pdf"]
    for pdf in outputs:
        assert pdf.is_file(), pdf
        assert active_content(pdf) == [], pdf
        assert TEXT in pdf_text(pdf), pdf
        assert b"app.alert" not in pdf.read_bytes() and b"calc.exe" not in pdf.read_bytes()
        assert "https://example.org/ok" in link_targets(pdf), pdf
    # The upload copy is the student's document itself: its own jump stays too.
    assert "/GoTo" in link_targets(outputs[2])

    # `portfolio fit` makes the same upload copy outside a build: as clean.
    fitted = arena.run("fit", "content", "-o", "fitted")
    assert fitted.exit_code == 0, fitted.output[-2000:]
    copy = arena.root / "fitted" / "ming" / "upload" / "lab" / "1131-物理-課程成果 lab.pdf"
    assert active_content(copy) == [] and TEXT in pdf_text(copy)
    # The student's file is only read: same bytes, still carrying what it carried.
    assert (c.root / "ming" / "items" / "lab" / "report.pdf").read_bytes() == \
        original.read_bytes()
    arena.assert_untouched(also_skip=[arena.root / "fitted"])


def test_the_shrunk_upload_copy_is_stripped_too(tmp_path: Path, media: Any) -> None:
    # A document over 4 MB is rewritten with its pictures recompressed: the same walk
    # runs on that copy (the build test above covers the copy made within the limit).
    from generator.render.pdf.upload_document import recompress_pdf

    original = hostile_pdf(media.pdf, tmp_path / "hostile.pdf")
    shrunk = tmp_path / "shrunk.pdf"
    shrunk.write_bytes(recompress_pdf(original, 877, 55))
    assert active_content(shrunk) == []
    assert TEXT in pdf_text(shrunk)
    assert "https://example.org/ok" in link_targets(shrunk)


def test_a_clean_pdf_is_copied_byte_for_byte(arena: Arena) -> None:
    c = arena.content
    c.student()
    # Uploaded as given (no page before it): then the clean PDF is copied byte for byte.
    c.course("lab", document="report.pdf", submitted=113, upload_reflection=False)
    c.file("lab", "report.pdf", c.media.pdf)
    arena.freeze()
    built = arena.run("build", "content", "-o", "output", "--offline")
    assert built.exit_code == 0, built.output[-2000:]
    report = json.loads((arena.output / "report.json").read_text("utf-8"))
    assert _findings(report, "pdf-active-content") == []
    for copy in ("upload/lab/1131-物理-課程成果 lab.pdf", "items/lab/files/report.pdf"):
        assert (arena.output / "ming" / copy).read_bytes() == c.media.pdf.read_bytes()
    arena.assert_untouched()


# -- raw HTML that would have a page call a third party -------------------------------------

EVIL = "evil.example"
RAW_HTML = f"""我的心得，附上照片。

<img src="http://{EVIL}/pixel.png" alt="追蹤">

<img src="photo.jpg" srcset="https://{EVIL}/2x.png 2x" alt="實驗裝置">

<picture><source srcset="https://{EVIL}/a.webp"><img src="https://{EVIL}/b.png"></picture>

<p style="background:url(http://{EVIL}/bg.png)">有背景的段落</p>

<video poster="http://{EVIL}/poster.png" src="http://{EVIL}/v.mp4"></video>

<svg><image href="http://{EVIL}/svg.png"/></svg>

<iframe src="https://{EVIL}/frame"></iframe><object data="http://{EVIL}/o.swf"></object>

<embed src="http://{EVIL}/e.swf"><link rel="stylesheet" href="//{EVIL}/s.css">

<style>@import "https://{EVIL}/i.css"; p {{ background: url(https://{EVIL}/c.png) }}</style>

`<img src="http://{EVIL}/code.png">` 只是程式碼，不是圖片。

結語。
"""
REMOTE = ["pixel.png", "2x.png", "a.webp", "b.png", "bg.png", "poster.png", "v.mp4", "svg.png",
          "frame", "o.swf", "e.swf", "s.css", "i.css", "c.png"]


class _Fetches(HTMLParser):
    """Every address a page names that a browser fetches without a click."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.values: list[str] = []      # every attribute value, of every tag
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            self.values.append(value)
            if name in ("src", "poster", "data", "background") or (
                    name in ("href", "xlink:href") and tag != "a"):
                self.urls.append((tag, name, value))
            elif name in ("srcset", "imagesrcset"):
                self.urls += [(tag, name, part.split()[0]) for part in value.split(",")
                              if part.strip()]
            elif name == "style":
                self.urls += [(tag, name, u) for u in _css_urls(value)]

    def handle_data(self, data: str) -> None:
        if self._style:
            self.urls += [("style", "css", u) for u in _css_urls(data)]


_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


def _css_urls(css: str) -> list[str]:
    return [a or b for a, b in _CSS_URL.findall(css)]


def off_site(output: Path) -> list[tuple[str, str, str, str]]:
    """(page, tag, attribute, url) for every fetched address that is not a relative
    address inside the output."""
    out = output.resolve()
    bad = []
    for page in sorted(out.rglob("*.html")):
        parser = _Fetches()
        parser.feed(page.read_text("utf-8"))
        for tag, attr, url in parser.urls:
            parts = urlsplit(url)
            rel = page.relative_to(out).as_posix()
            if parts.scheme == "data":
                continue  # inline, fetched from nowhere
            outside = parts.scheme or parts.netloc or url.startswith(("/", "\\"))
            if outside or not (page.parent / unquote(parts.path)).resolve().is_relative_to(out):
                bad.append((rel, tag, attr, url))
    return bad


def test_raw_html_cannot_make_a_page_call_a_third_party(arena: Arena) -> None:
    c = arena.content
    c.student(profile=f'我的簡歷 <img src="https://{EVIL}/profile.png">')
    c.performance("club", body=RAW_HTML, submitted=113)
    c.file("club", "photo.jpg", c.media.jpg)
    c.departments([{
        "code": "001012", "name": "物理學系", "performances": ["club"],
        "statement": f'自述 <img src="http://{EVIL}/statement.png">',
        "reflection": f'<p style="background-image:url(\'//{EVIL}/reflection.png\')">綜整</p>'}])
    arena.freeze()

    checked = arena.run("check", "content", "--offline", "--format", "json")
    assert checked.exit_code == 0, checked.output[-2000:]
    doc = json.loads(checked.stdout)
    said = {(f["item"], f["file"], re.search(rf"{EVIL}/(\S+)", f["message"]).group(1))
            for f in _findings(doc, "image-external")}
    assert said == {("club", "index.md", name) for name in REMOTE} | {
        (None, "student.yaml", "profile.png"), (None, "departments.yaml", "statement.png"),
        (None, "departments.yaml", "reflection.png")}  # and not code.png: code is text

    built = arena.run("build", "content", "-o", "output", "--offline", "--skip", "pdf")
    assert built.exit_code == 0, built.output[-2000:]
    report = json.loads((arena.output / "report.json").read_text("utf-8"))
    assert len(_findings(report, "image-external")) == len(_findings(doc, "image-external"))

    assert off_site(arena.output) == []
    page = (arena.output / "ming" / "items" / "club" / "index.html").read_text("utf-8")
    # The local picture in raw HTML is shown from the site's own cleaned copy.
    assert re.search(r'<img src="files/photo\.jpg\.[^"]+"', page), page
    assert "有背景的段落" in page and "結語" in page
    # The remote addresses are named only as text (findings, code), in no attribute at all.
    for html in arena.output.rglob("*.html"):
        parser = _Fetches()
        parser.feed(html.read_text("utf-8"))
        assert not [v for v in parser.values if EVIL in v], html
    arena.assert_untouched()
