"""A department's own rules on the 技專 track: a cap its 簡章 sets below the track's
(`limits`), and codes it takes as one uploaded PDF instead of ticked items (`uploads`)."""

from __future__ import annotations

from tests.tech.test_track_checks import dep, tech_student


def test_a_department_may_lower_the_b1_cap(content):
    tech_student(content)
    content.departments([dep(courses=["capstone0", "capstone1", "capstone2"],
                             limits={"B-1": 2})])
    run = content.check("--lang", "en")
    (found,) = run.having("department-limit")
    assert found["severity"] == "error" and run.exit_code == 1
    assert "B-1" in found["message"] and "3" in found["message"] and "2" in found["message"]
    assert run.having("field-invalid") == []


def test_a_cap_above_the_tracks_is_field_invalid_and_the_track_cap_counts(content):
    tech_student(content)
    content.departments([dep(courses=[f"capstone{n}" for n in range(4)],
                             limits={"b1": 5, "J": 1})])
    for lang, words in (("zh-TW", "最多 3 件"), ("en", "at most 3")):
        run = content.check("--lang", lang)
        invalid = {("limits.J" if "limits.J" in f["message"] else "limits.B-1"): f
                   for f in run.having("field-invalid")}
        assert len(run.having("field-invalid")) == 2 and "limits.B-1" in invalid
        assert words in invalid["limits.B-1"]["message"]
        assert "B-1" in invalid["limits.J"]["message"]     # the track's item codes
        (limit,) = run.having("department-limit")            # 4 > the track's 3
        assert "4" in limit["message"] and "3" in limit["message"]


def test_a_cap_that_is_not_a_count_is_field_invalid(content):
    tech_student(content)
    content.departments([dep(courses=["capstone0"], limits={"B-1": -1})])
    run = content.check("--lang", "en")
    (found,) = run.having("field-invalid")
    assert "0 or more" in found["message"]


def uploads_student(content):
    tech_student(content)
    folder = content.root / "ming" / "uploads"
    folder.mkdir()
    (folder / "capstone.pdf").write_bytes(content.media.pdf.read_bytes())
    (folder / "photo.pdf").write_bytes(content.media.png.read_bytes())   # a PNG, renamed
    (folder / "huge.pdf").write_bytes(content.media.pdf.read_bytes() + b"\0" * 5_100_000)
    return folder


def test_an_uploaded_pdf_gives_its_code(content):
    uploads_student(content)
    content.departments([dep(performances=["contest", "licence"],
                             uploads={"B-1": "uploads/capstone.pdf"}, wants=["B-1", "C-5"])])
    run = content.check()
    codes = set(run.codes())
    assert not codes & {"department-code-uncovered", "department-upload-missing",
                        "department-upload-not-pdf", "department-upload-too-large"}, \
        run.doc["findings"]


def test_uploads_missing_not_pdf_too_large_or_doubled(content):
    uploads_student(content)
    content.departments([dep(courses=["capstone0"], uploads={
        "B-1": "uploads/capstone.pdf", "B-2": "uploads/gone.pdf", "C-5": "uploads/photo.pdf",
        "C-7": "uploads/huge.pdf", "C-1": "../../outside.pdf"})])
    run = content.check("--lang", "en")
    missing = sorted(f["message"] for f in run.having("department-upload-missing"))
    assert len(missing) == 1 and "uploads/gone.pdf" in missing[0]
    (outside,) = run.having("path-outside")      # out of the folder: never looked at
    assert outside["file"] == "../../outside.pdf"
    assert all(f["severity"] == "error" for f in run.having("department-upload-missing"))
    (not_pdf,) = run.having("department-upload-not-pdf")
    assert "PNG" in not_pdf["message"] and "C-5" in not_pdf["message"]
    (large,) = run.having("department-upload-too-large")
    size = (content.root / "ming" / "uploads" / "huge.pdf").stat().st_size
    assert f"{size / 1_000_000:.1f} MB" in large["message"], large["message"]  # megabyte = 10⁶
    assert "at most 5 MB" in large["message"]     # tech.toml's cap
    (both,) = run.having("department-upload-and-items")
    assert both["severity"] == "warning" and "capstone0" in both["message"]
    assert run.exit_code == 1


def test_an_upload_of_a_code_the_track_takes_none_for_is_field_invalid(content):
    uploads_student(content)
    content.student("uni", student_id="11300009")
    (content.root / "uni" / "x.pdf").write_bytes(content.media.pdf.read_bytes())
    content.departments([dep(uploads={"D-1": "uploads/capstone.pdf"})])
    content.departments([dep(uploads={"B": "x.pdf"})], slug="uni")
    run = content.check("--lang", "en")
    invalid = {f["student"]: f for f in run.having("field-invalid")}
    messages = sorted(f["message"] for f in invalid.values())
    assert any("only these codes" in m and "C-8" in m for m in messages)      # 技專: not D-1
    assert any("no uploaded PDF" in m for m in messages)                      # university


def test_an_uploaded_pdf_reaches_the_kit_the_page_the_checklist_and_the_bundle(tmp_path, media):
    """What the department gets for an uploaded code is the student's PDF as given: copied
    into the kit under the platform's name for the code, listed on the checklist of what to
    upload, linked from the department page, and packed into the bundle."""
    import json
    import zipfile

    from tests.builder import run_cli
    from tests.tech.test_track_pdf import DEP, tech_content

    c = tech_content(tmp_path / "content", media)
    source = c.root / "hua" / "uploads" / "專題報告.pdf"
    source.parent.mkdir()
    source.write_bytes(media.pdf_with_text("UPLOADEDCAPSTONE", pages=2).read_bytes())
    c.departments([{**DEP, "performances": ["licence", "contest"],
                    "uploads": {"B-1": "uploads/專題報告.pdf"},
                    "wants": ["B-1", "C-5", "C-7"]}], slug="hua")
    out = tmp_path / "out"
    run = run_cli("export", str(c.root), "-o", str(out), "--all", "--offline", "-j", "1")
    assert run.exit_code == 0, run.output
    dep_dir = out / "hua" / "departments" / DEP["code"]
    copy = dep_dir / "kit" / "B-1 專題實作及實習科目學習成果.pdf"
    assert copy.read_bytes() == source.read_bytes()
    assert "B-1 專題實作及實習科目學習成果.pdf" in (dep_dir / "kit" / "勾選清單.html") \
        .read_text("utf-8")
    page = (dep_dir / "index.html").read_text("utf-8")
    assert 'href="kit/B-1%20' in page or 'href="kit/B-1 ' in page
    assert "代替勾選項目" in page
    with zipfile.ZipFile(out / "hua" / "departments" / f"{DEP['code']}.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
        name = manifest["kit_uploads"]["B-1"]
        assert zf.read(name) == source.read_bytes()
    # The original is never touched.
    assert source.read_bytes() == media.pdf_with_text("UPLOADEDCAPSTONE", pages=2).read_bytes()
