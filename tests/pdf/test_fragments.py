"""PDFs assembled from item fragments (generator/render/pdf/fragments.py): the same pages,
outline and structure as one layout of the whole, and one changed item lays out one
fragment."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from generator.checks.content_check import check_content
from generator.pipeline.building import make_context
from generator.render.pdf.pdf_documents import render_portfolio
from generator.render.pdf.pdf_step import (
    draft_of,
    errors_of,
    laid_record,
    settings_for,
    upload_files,
)
from tests.pdf.conftest import SLUG, Made, outline_titles, run_build

DEPARTMENT = "001012"


def _words(reader: PdfReader) -> list[list[str]]:
    """Each page's words, in order of reading by pypdf, sorted: the chrome is stamped
    last, so the page number and running name come last in the content."""
    return [sorted(page.extract_text().split()) for page in reader.pages]


@pytest.fixture(scope="module")
def reference(built: Path, made: Made) -> dict[str, bytes]:
    """The shared build's two portfolio PDFs laid out again as ONE layout each, fresh."""
    check = check_content(made.root, offline=True, output=built)
    ctx = make_context(check, built)
    settings = replace(settings_for(ctx), fragments=False)
    student = check.portfolio.students[0]
    rules = check.portfolio.rules_for(student)
    out = {}
    for dep in [None, *student.departments]:
        uploads = upload_files(built, student, dep) if dep else None
        draft = draft_of(errors_of(ctx.findings, student, dep))
        data, _ = render_portfolio(student, rules, settings, dep, uploads, draft)
        out[dep.code if dep else "whole"] = data
    return out


@pytest.mark.parametrize("which", ["whole", DEPARTMENT])
def test_assembled_pages_equal_one_fresh_layout(built: Path, reference: dict[str, bytes],
                                                which: str) -> None:
    rel = "portfolio.pdf" if which == "whole" else f"departments/{which}/portfolio.pdf"
    assembled = PdfReader(built / SLUG / rel)
    whole = PdfReader(io.BytesIO(reference[which]))
    assert len(assembled.pages) == len(whole.pages)
    assert _words(assembled) == _words(whole)
    # The outline: same titles, same order, same depth, same target pages.
    assert outline_titles(assembled) == outline_titles(whole)
    total = len(assembled.pages)
    assert f"{total}/{total}" in "".join(assembled.pages[-1].extract_text().split())


def _struct_pages(reader: PdfReader) -> set[int]:
    """The pages (their object numbers) the structure tree's elements are on."""
    found: set[int] = set()

    def walk(node: Any, depth: int) -> None:
        obj = node.get_object()
        if depth > 60 or not hasattr(obj, "get"):
            if isinstance(obj, list):
                for kid in obj:
                    walk(kid, depth + 1)
            return
        if "/Pg" in obj:
            found.add(obj.raw_get("/Pg").idnum)
        kids = obj.get("/K")
        if kids is not None:
            walk(kids, depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"], 0)
    return found


@pytest.mark.parametrize("rel", ["portfolio.pdf", f"departments/{DEPARTMENT}/portfolio.pdf"])
def test_one_structure_tree_for_the_assembled_pdf(built: Path, rel: str) -> None:
    path = built / SLUG / rel
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    assert "Tagged:          yes" in info
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "zh-Hant-TW"
    tree = root["/StructTreeRoot"]
    (document,) = tree["/K"]
    assert document["/S"] == "/Document"
    # Every page's marked content has its own entry of the one ParentTree.
    nums = tree["/ParentTree"]["/Nums"]
    keys = [int(nums[k]) for k in range(0, len(nums), 2)]
    assert len(keys) == len(set(keys))
    parents = [int(page["/StructParents"]) for page in reader.pages if "/StructParents" in page]
    assert len(parents) == len(reader.pages) and set(parents) <= set(keys)
    # Each item's page is in the tree, in reading order under the one Document.
    on = _struct_pages(reader)
    for _depth, _title, page in outline_titles(reader):
        assert reader.pages[page].indirect_reference.idnum in on
    kids = [kid.get_object() for kid in document["/K"]]
    assert kids and all(kid.raw_get("/P").idnum == document.indirect_reference.idnum
                        for kid in kids)


def test_the_lists_link_to_the_items(built: Path) -> None:
    reader = PdfReader(built / SLUG / "portfolio.pdf")
    outline = {title: page for _, title, page in outline_titles(reader)}
    dests = reader.named_destinations
    linked = {a.get_object()["/Dest"] for page in reader.pages
              for a in page.get("/Annots") or [] if "/Dest" in a.get_object()}
    assert {"item-refraction", "item-trip"} <= linked
    assert reader.get_destination_page_number(dests["item-trip"]) \
        == outline["內湖科技園區踏查相簿"]


def _laid(out: Path, root: Path) -> dict[str, Any]:
    check = check_content(root, offline=True, output=out)
    data: dict[str, Any] = json.loads(laid_record(make_context(check, out).cache_dir)
                                      .read_text("utf-8"))
    return data


def test_one_changed_item_lays_out_one_fragment(made: Made, tmp_path: Path) -> None:
    root = shutil.copytree(made.root, tmp_path / "content",
                           ignore=shutil.ignore_patterns(".portfolio"))
    out = tmp_path / "out"
    assert not run_build(root, out).failures
    first = _laid(out, root)
    # Every item of the whole portfolio, and the department's copies of its selection
    # (its records with their upload 文件: other fragments than the student's own).
    assert len(first["outputs"][f"{SLUG}/portfolio.pdf"]) == len(made.titles)
    assert len(first["fragments"]) == len(made.titles) + len(made.department)
    before = (out / SLUG / "portfolio.pdf").read_bytes()

    assert not run_build(root, out).failures                   # nothing changed
    assert _laid(out, root)["fragments"] == []
    kept = _cached(out, root)

    index = root / SLUG / "items" / "trip" / "index.md"        # in no department
    index.write_text(index.read_text("utf-8").replace("這次的心得。", "這次的心得，再補一句。"),
                     "utf-8")
    assert not run_build(root, out).failures
    again = _laid(out, root)
    assert list(again["outputs"]) == [f"{SLUG}/portfolio.pdf"]
    assert len(again["fragments"]) == 1
    # The department's copy, which does not select the item, is not even joined again.
    rendered = json.loads((out / ".portfolio" / "build.json").read_text("utf-8"))["rendered"]
    assert f"{SLUG}/portfolio.pdf" in rendered
    assert f"{SLUG}/departments/{DEPARTMENT}/portfolio.pdf" not in rendered
    after = PdfReader(out / SLUG / "portfolio.pdf")
    assert "再補一句" in "".join(p.extract_text() for p in after.pages)
    assert len(after.pages) == len(PdfReader(io.BytesIO(before)).pages)
    # The edited item's old fragment left the cache; the new one is all that came.
    now = _cached(out, root)
    assert len(kept - now) == 1
    assert now - kept == set(again["fragments"])


def test_an_edited_front_is_numbered_as_one_fresh_layout(made: Made, tmp_path: Path) -> None:
    # An edited title changes the front (the lists) but rarely its length: the last
    # layout's lengths are the guess. A longer 自述 moves every later page: the guess is
    # wrong, and the front is laid out again with the numbers it really has.
    root = shutil.copytree(made.root, tmp_path / "content",
                           ignore=shutil.ignore_patterns(".portfolio"))
    out = tmp_path / "out"
    assert not run_build(root, out).failures
    pages = len(PdfReader(out / SLUG / "portfolio.pdf").pages)
    # Each PDF's front lengths kept by its shape (head, parts, items), not only its HTML.
    kept = make_context(check_content(root, offline=True, output=out), out).cache_dir
    assert len(list((kept / "pdf" / "fragments").glob("shape-*.json"))) == 2   # whole, 001012
    index = root / SLUG / "items" / "trip" / "index.md"
    deps = root / SLUG / "departments.yaml"
    edits = [(index, made.titles["trip"], made.titles["trip"] + "（修訂）"),
             (deps, "我想學電機。", "我想學電機，因為我喜歡把想法做成能用的東西。" * 120)]
    for path, old, new in edits:
        path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
        assert not run_build(root, out).failures
        check = check_content(root, offline=True, output=out)
        ctx = make_context(check, out)
        student = check.portfolio.students[0]
        fresh, _ = render_portfolio(student, check.portfolio.rules_for(student),
                                    replace(settings_for(ctx), fragments=False), None, None,
                                    draft_of(errors_of(ctx.findings, student)))
        assembled, whole = PdfReader(out / SLUG / "portfolio.pdf"), PdfReader(io.BytesIO(fresh))
        assert len(assembled.pages) == len(whole.pages)
        assert _words(assembled) == _words(whole)
        assert outline_titles(assembled) == outline_titles(whole)
    assert len(assembled.pages) > pages + 1   # the 自述 really moved the items


def _cached(out: Path, root: Path) -> set[str]:
    check = check_content(root, offline=True, output=out)
    folder = make_context(check, out).cache_dir / "pdf" / "fragments"
    return {p.stem for p in folder.glob("*.pdf")}


def _font_files(reader: PdfReader) -> dict[int, str]:
    """Every embedded font program a PDF draws with (pages and their Form XObjects):
    object number → hash of its data."""
    found: dict[int, str] = {}

    def walk(resources: Any, depth: int) -> None:
        resources = resources.get_object() if resources is not None else None
        if not resources or depth > 5:
            return
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            for part in [font, *(d.get_object() for d in font.get("/DescendantFonts") or [])]:
                descriptor = part.get("/FontDescriptor")
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    ref = descriptor.get_object().raw_get(key) \
                        if descriptor is not None and key in descriptor.get_object() else None
                    if ref is not None:
                        found[ref.idnum] = hashlib.sha256(ref.get_object().get_data()).hexdigest()
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get_object().get("/Subtype") == "/Form":
                walk(xobject.get_object().get("/Resources"), depth + 1)

    for page in reader.pages:
        walk(page.get("/Resources"), 0)
    return found


def test_missing_fragments_are_laid_out_together(built: Path, made: Made) -> None:
    """The shared build started from an empty cache: the whole portfolio's fragments
    were laid out as one document (one font subset, cut by pages), not one by one: the
    fragments draw with as many font programs as one of them (each keeps only the faces
    its pages use; laid out alone, each would have its own subset of every face)."""
    check = check_content(made.root, offline=True, output=built)
    cache = make_context(check, built).cache_dir
    record = json.loads(laid_record(cache).read_text("utf-8"))
    keys = record["outputs"][f"{SLUG}/portfolio.pdf"]
    assert len(keys) == len(made.titles)
    subsets = [set(_font_files(PdfReader(cache / "pdf" / "fragments" / f"{k}.pdf"))
                   .values()) for k in keys]
    assert all(subsets)
    assert len(set().union(*subsets)) == max(len(s) for s in subsets)


@pytest.mark.parametrize("rel", ["portfolio.pdf", f"departments/{DEPARTMENT}/portfolio.pdf"])
def test_each_font_program_is_written_once(built: Path, rel: str) -> None:
    files = _font_files(PdfReader(built / SLUG / rel))
    assert files and len(set(files.values())) == len(files)


def test_the_chrome_from_templates_draws_what_n_pages_laid_out_draw(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chrome_pages.py: a few template pages with their numbers' digits changed draw, on
    every page, exactly what WeasyPrint draws laying out every page (compared as
    pictures and as text), across 9 → 10 and 99 → 100 and both page kinds."""
    import pypdfium2

    from generator.render.pdf import chrome_pages
    from generator.render.pdf.fragments import FragmentStore, chrome
    from generator.render.pdf.print_theme import PrintTheme

    css = PrintTheme().css()
    assert chrome_pages.knows(css)
    assert not chrome_pages.knows(css + "@page :left { margin-left: 30mm; }")
    assert not chrome_pages.knows(css.replace('counter(page) " / "', 'counter(page) " of "'))
    prefix = (f'<!DOCTYPE html>\n<html lang="zh-Hant-TW"><head><meta charset="utf-8">'
              f"<style>{css}</style></head><body>")
    named = ["", *(["", "attachment", "", "attachment", "attachment"] * 21)][:102]
    running = '<span class="running-name">王小明 👨‍👩‍👧</span>'
    from_templates: list[object] = []
    make = chrome_pages.make

    def counted(*args: Any) -> object:
        from_templates.append(make(*args))
        return from_templates[-1]

    monkeypatch.setattr(chrome_pages, "make", counted)
    made = {quick: chrome(prefix, "</body></html>", running, named, [],
                          FragmentStore(tmp_path / str(quick), "salt"), quick)
            for quick in (True, False)}
    quick, slow = (pypdfium2.PdfDocument(made[q].pdf) for q in (True, False))
    try:
        assert len(quick) == len(slow) == 102
        for n in range(102):
            text = quick[n].get_textpage().get_text_range()
            assert text == slow[n].get_textpage().get_text_range(), n
            if n:
                assert text.endswith(f"{n + 1} / 102"), text
            picture = quick[n].render(scale=1.5).to_pil()
            assert picture.tobytes() == slow[n].render(scale=1.5).to_pil().tobytes(), n
    finally:
        quick.close()
        slow.close()
    assert len(from_templates) == 1 and from_templates[0] is made[True]   # not laid out
    assert made[True].named == made[False].named == named
    assert made[True].height == pytest.approx(made[False].height)
