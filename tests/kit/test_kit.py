"""The application kit's limits: a kit file over 5 MB (or the school's lower
`[files] kit_max_mb`) is an error, files stay inside."""

from __future__ import annotations

import io
import os
from pathlib import Path

from pypdf import PageObject, PdfWriter
from pypdf.generic import NameObject, StreamObject

from generator.pipeline.building import build
from generator.render.kit.kit_step import KitStep
from generator.rules import load_rules
from tests.builder import ContentBuilder

CODE = "001012"


def heavy_pdf(megabytes: float) -> bytes:
    """A one-page PDF of `megabytes` that no recompression can shrink: its page draws a
    long path of random points (content, not pictures), stored as it is."""
    writer = PdfWriter()
    page = PageObject.create_blank_page(width=595, height=842)
    lines = []
    size = 0
    rnd = os.urandom(int(megabytes * 1_000_000 / 2) + 16)   # 4 bytes: a line of 8+
    for n in range(0, len(rnd) - 4, 4):
        line = f"{rnd[n] * 2 + rnd[n + 1] % 2} {rnd[n + 2] * 3 + rnd[n + 3] % 3} l\n"
        lines.append(line)
        size += len(line)
        if size > megabytes * 1_000_000:
            break
    stream = StreamObject()
    stream.set_data(("0.1 w 10 10 m\n" + "".join(lines) + "S\n").encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _content(tmp_path: Path, other: str, files: dict[str, bytes]) -> ContentBuilder:
    content = ContentBuilder(tmp_path / "content", None)
    folder = content.student()
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    content.departments([{"code": CODE, "name": "國立臺灣大學 電機工程學系", "wants": ["R"],
                          "other": other}])
    return content


def test_a_kit_file_over_5_mb_gets_its_finding(tmp_path: Path) -> None:
    # The official limit is 5 MB; a school may set it lower, and does here: a 0.6 MB
    # file over a 0.5 MB limit walks the same path (every rung of the ladder tried, the
    # smallest kept, the finding) as a 6 MB one over 5 MB, at a tenth of the work.
    assert load_rules().files.kit_max_mb == 5
    heavy = heavy_pdf(0.6)
    assert len(heavy) > 600_000
    content = _content(tmp_path, "我的作品集：[作品集](works/all.pdf)\n",
                       {"works/all.pdf": heavy})
    content.settings("[files]\nkit_max_mb = 0.5\n")
    out = tmp_path / "out"
    result = build(content.root, out, offline=True, renderers=[KitStep()], jobs=1)
    kit = out / "ming" / "departments" / CODE / "kit" / "其他.pdf"
    assert kit.stat().st_size > 600_000             # made, so the student sees what it is
    found = [f for f in result.check.findings if f.code == "kit-file-too-large"]
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].params["department"] == CODE
    said = found[0].localized("zh-TW").message
    assert "其他.pdf" in said and "0.5 MB" in said
    assert result.exit_code() == 1
    # Kept from the last build, it still says so.
    again = build(content.root, out, offline=True, renderers=[KitStep()], jobs=1)
    assert [f.code for f in again.check.findings] == ["kit-file-too-large"]
    assert kit.name in again.kept[0] or any(k.endswith("其他.pdf") for k in again.kept)


def test_a_file_other_names_must_be_inside_the_student_folder(tmp_path: Path) -> None:
    content = _content(tmp_path, "[外面](../../secret.pdf) 與 [沒有](missing.pdf)\n", {})
    (tmp_path / "secret.pdf").write_bytes(heavy_pdf(0.01))
    run = content.check()
    assert {f["code"] for f in run.doc["findings"]} == {"path-outside", "attachment-missing"}
    assert all(f["severity"] == "error" for f in run.doc["findings"])


def test_an_edited_reflection_leaves_the_kit_and_the_checklists_alone(tmp_path: Path) -> None:
    """No kit file and no 收訖明細 prints an item's reflection: editing one makes the
    comparison page again (its review time counts the reflection), not them; nor does
    the kit print its 簡述."""
    from generator.render.pdf.pdf_step import PdfStep
    from generator.render.site.compare_step import CompareStep

    content = ContentBuilder(tmp_path / "content", None)
    content.student()
    content.course("lab", subject="物理", submitted=113, body="原本的心得。")
    content.departments([{"code": CODE, "name": "國立臺灣大學 電機工程學系",
                          "courses": ["lab"], "wants": ["N"], "reflection": "綜整心得。"}])
    out = tmp_path / "out"
    steps = [KitStep(), CompareStep(), PdfStep()]   # checklist PDFs come with the PDF step
    first = build(content.root, out, offline=True, renderers=steps, jobs=1)  # type: ignore[list-item]
    assert any("/kit/" in rel for rel in first.rendered)
    assert any("/checklist/" in rel and rel.endswith(".pdf") for rel in first.rendered)
    content.course("lab", subject="物理", submitted=113, body="改寫過的心得，長了許多。" * 40)
    again = build(content.root, out, offline=True, renderers=steps, jobs=1)  # type: ignore[list-item]
    assert "ming/compare.html" in again.rendered
    assert [rel for rel in again.rendered if "/kit/" in rel or "/checklist/" in rel] == []
    content.course("lab", subject="物理", submitted=113, summary="新的簡述。",
                   body="改寫過的心得，長了許多。" * 40)
    summary = build(content.root, out, offline=True, renderers=steps, jobs=1)  # type: ignore[list-item]
    assert [rel for rel in summary.rendered if "/kit/" in rel] == []
    # A title the tick list and the checklist print does make them again.
    content.course("lab", subject="物理", submitted=113, title="新的標題", summary="新的簡述。",
                   body="改寫過的心得，長了許多。" * 40)
    third = build(content.root, out, offline=True, renderers=steps, jobs=1)  # type: ignore[list-item]
    assert any("/kit/" in rel for rel in third.rendered)
    assert any("/checklist/" in rel for rel in third.rendered)
