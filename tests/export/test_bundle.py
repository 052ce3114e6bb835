"""The bundles of a student with three departments: zips, manifests, PDFs."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from tests.export.conftest import COURSES, DEPARTMENTS, PERFORMANCES, Exported

TITLES = {**COURSES, **PERFORMANCES}
# Each item's 文件 under its upload name: term, subject or category, title.
UPLOAD_NAMES = {"optics": "1131-物理-Prism 光的折射實驗",
                "decibel": "1131-數學-Decibel 分貝與對數",
                "census": "1131-公民-Census 社區人口探究",
                "robot": "1132-競賽參與-Robot 機器人競賽",
                "volunteer": "1132-服務學習-Library 圖書館志工",
                "apcs": "1132-檢定證照-Apcs 程式檢定", "club": "1132-團體活動-Chess 西洋棋社"}


def _open(exported: Exported, code: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(exported.output / "ming" / "departments" / f"{code}.zip")


def test_export_all_exits_0(exported: Exported) -> None:
    assert exported.run.exit_code == 0, exported.run.output
    for dep in DEPARTMENTS:
        assert (exported.output / "ming" / "departments" / f"{dep['code']}.zip").is_file()


@pytest.mark.parametrize("dep", DEPARTMENTS, ids=lambda d: d["code"])
def test_zip_manifest_and_pdf(exported: Exported, dep: dict) -> None:
    with _open(exported, dep["code"]) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        assert names == sorted(names)
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["department"]["code"] == dep["code"]
        assert manifest["forced"] is False
        listed = {f["name"] for f in manifest["files"]}
        assert listed == set(names) - {"manifest.json"}
        for f in manifest["files"]:
            data = zf.read(f["name"])
            assert len(data) == f["size"]
            assert hashlib.md5(data).hexdigest() == f["md5"]
            assert hashlib.sha256(data).hexdigest() == f["sha256"]
        selected = [*dep["courses"], *dep["performances"]]
        assert [i["id"] for i in manifest["items"]] == selected
        assert all(i["code"] for i in manifest["items"])
        for n, item in enumerate(manifest["items"], 1):
            # Each upload 文件 under a name a person can tell apart from the others.
            [upload] = item["upload_files"]
            assert upload.startswith(f"uploads/{n:02d}-") and upload.endswith(".pdf"), upload
            assert TITLES[item["id"]] in upload and upload in names
        # No page of the student's site: the view is the bundle's own index.html.
        assert not any(name.startswith("ming/") for name in names), names
        pdf_name = manifest["review"]["pdf"]
        assert pdf_name == f"王小明-{dep['name']}.pdf"
        reader = PdfReader(io.BytesIO(zf.read(pdf_name)))
        assert manifest["review"]["pdf_pages"] == len(reader.pages)
        text = "".join(p.extract_text() or "" for p in reader.pages)
        for item_id, title in TITLES.items():
            word = title.split()[0]
            if item_id in selected:
                assert word in text, (dep["code"], item_id)
            else:
                assert word not in text, (dep["code"], item_id)
        # The reviewer-view page and what it shows, links relative to it.
        assert "index.html" in names and "assets/site.css" in names
        html = zf.read("index.html").decode()
        assert 'href="assets/site.css"' in html
        assert "kit/勾選清單.html" in names and "kit/勾選清單.pdf" in names
        assert (manifest["texts"]["reflection"] or "") == (dep.get("reflection") or "").strip()


def test_manifest_kit_and_review(exported: Exported) -> None:
    with _open(exported, "022101") as zf:
        m = json.loads(zf.read("manifest.json"))
    assert m["department"]["wants"] == []
    with _open(exported, "011202") as zf:
        m2 = json.loads(zf.read("manifest.json"))
    # A reviewer's bundle holds no check result: no findings, no coverage.
    assert "findings" not in m2 and "uncovered" not in m2["department"]
    assert m2["kit"] == ["kit/學習歷程自述.pdf", "kit/勾選清單.html", "kit/勾選清單.pdf"]
    assert m2["review"]["minutes"] >= 1 and m2["review"]["estimated_pages"] >= 1
    assert "media_minutes" in m2["review"]


def test_zip_is_deterministic(exported: Exported, tmp_path) -> None:
    from tests.builder import run_cli

    first = (exported.output / "ming" / "departments" / "001012.zip").read_bytes()
    run = run_cli("export", str(exported.content), "-o", str(exported.output),
                  "--department", "001012", "--offline", "-j", "2")
    assert run.exit_code == 0, run.output
    assert (exported.output / "ming" / "departments" / "001012.zip").read_bytes() == first
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2026, 11, 20, 0, 0, 0)}
