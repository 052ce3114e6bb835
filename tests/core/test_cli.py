"""The command line: new, check, formats, languages and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from generator.i18n import text
from tests.builder import run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_new_then_check_warns_only_about_the_sample_items(tmp_path):
    target = tmp_path / "x"
    assert run_cli("new", str(target)).exit_code == 0
    run = run_cli("check", str(target), "--offline", "--format", "json")
    assert run.exit_code == 0
    assert run.doc["counts"] == {"error": 0, "warning": 2, "info": 0}
    assert {(f["code"], f["item"]) for f in run.doc["findings"]} == {
        ("sample-content", "sample-course"), ("sample-content", "sample-performance")}


def test_new_refuses_a_folder_with_content(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    assert run_cli("new", str(tmp_path)).exit_code == 2
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_demo_content_passes():
    run = run_cli("check", str(ROOT / "content"), "--offline", "--format", "json")
    assert run.exit_code == 0, run.output
    assert run.doc["counts"]["error"] == 0
    assert run.doc["today"] == "2026-11-20"  # from content/portfolio.toml


def test_findings_document_shape(content):
    content.student()
    content.course("long", summary="字" * 104)
    run = content.check("--today", "2026-11-22")
    doc = run.doc
    assert set(doc) == {"version", "today", "students", "findings", "counts"}
    assert doc["version"] == 1 and doc["today"] == "2026-11-22"
    (f,) = doc["findings"]
    assert f == {"severity": "error", "code": "summary-too-long", "student": "11301234",
                 "item": "long", "file": None, "message": f["message"]}
    assert f["message"].startswith("簡述 104 字")
    assert doc["counts"] == {"error": 1, "warning": 0, "info": 0}


def test_english_messages(content):
    content.student()
    content.course("long", summary="字" * 104)
    (f,) = content.check("--lang", "en").doc["findings"]
    assert "104 characters" in f["message"]


def test_text_output_groups_by_student_and_item(content):
    content.student()
    content.course("long", summary="字" * 104)
    run = run_cli("check", str(content.root), "--offline")
    assert run.exit_code == 1
    lines = run.output.splitlines()
    assert lines[0].startswith("王小明 11301234")
    assert lines[1].strip() == "long"
    assert "summary-too-long" in lines[2] and "錯誤" in lines[2]


def _mixed(content):
    """Two students and items whose names sort the other way round from their severity:
    `a-*` only warns, `b-*` has an error."""
    content.student()
    content.course("a-plain", summary=None)                       # summary-missing
    content.course("b-long", summary="字" * 104)                  # summary-too-long
    content.student("zhao", student_id="11301999")
    content.course("c-long", slug="zhao", summary="字" * 104)
    content.student("an", student_id="11300001")
    content.course("a-plain", slug="an", summary=None)


def test_findings_are_listed_errors_first(content):
    from generator.checks.content_check import check_content
    from generator.counselor.counselor_csvs import findings_csv

    _mixed(content)
    doc = content.check().doc
    severities = [f["severity"] for f in doc["findings"]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert severities[0] == "error" and "warning" in severities
    result = check_content(content.root, offline=True)
    rows = findings_csv(result.portfolio, result.findings, "zh-TW").decode("utf-8-sig")
    # The CSV says severities in the reader's language (錯誤, 提醒, 資訊).
    csv_severities = [line.split(",")[3] for line in rows.splitlines()[1:]]
    order = [text(s, "zh-TW") for s in ("error", "warning", "info")]
    assert csv_severities == sorted(csv_severities, key=order.index), csv_severities


def test_text_output_puts_errors_first_within_its_groups(content):
    _mixed(content)
    lines = run_cli("check", str(content.root), "--offline").output.splitlines()
    headings = [line for line in lines if line and not line.startswith(" ")]
    # Students with an error first (by folder key), then the one who only has warnings.
    assert [h.split()[-1] for h in headings[:-1]] == ["11301234", "11301999", "11300001"]
    ming = lines.index(headings[0])
    assert lines[ming + 1].strip() == "b-long"    # the item with the error first
    assert "錯誤" in lines[ming + 2]
    assert lines[ming + 3].strip() == "a-plain"


def test_bad_usage_and_unreadable_root_exit_2(tmp_path):
    assert run_cli("check", str(tmp_path / "nope"), "--offline").exit_code == 2
    assert run_cli("check", str(tmp_path), "--offline").exit_code == 2  # no students
    assert run_cli("check", "--today", "yesterday").exit_code == 2
    assert run_cli("frobnicate").exit_code == 2


def test_real_process_no_traceback_and_source_date_epoch(tmp_path):
    """The installed command, as a student runs it: no traceback on a broken root."""
    student = tmp_path / "c" / "s"
    (student / "items" / "a").mkdir(parents=True)
    (student / "student.yaml").write_text("name: [\n", "utf-8")
    (student / "items" / "a" / "index.md").write_bytes(b"---\n\xff\xfe: x\n---\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01
    env.pop("PORTFOLIO_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "generator", "check", str(tmp_path / "c"),
                           "--offline", "--format", "json"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["today"] == "2026-01-01"
    assert {f["code"] for f in doc["findings"]} == {"syntax-error", "encoding-invalid"}


def test_the_program_ends_at_once_with_all_it_said_and_its_exit_code(content):
    """`run` leaves without Python's teardown: what was printed is all there (flushed,
    through a pipe, more than a pipe's buffer), and the exit code is the command's."""
    content.student()
    for n in range(250):   # every item a finding: a long findings document
        content.course(f"c{n:03d}", summary="")
    proc = subprocess.run([sys.executable, "-m", "generator", "check", str(content.root),
                           "--offline", "--format", "json"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1 and len(proc.stdout.encode()) > 65536
    assert len(json.loads(proc.stdout)["findings"]) >= 250
    for args, code in [(["--version"], 0), (["check", str(content.root / "nope")], 2),
                       (["frobnicate"], 2)]:
        done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == code and (done.stdout or done.stderr), args
    script = (f"import sys; sys.argv = ['portfolio', 'check', {str(content.root)!r}, "
              "'--offline']\nfrom generator.cli import run\nrun()\nprint('never')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1 and "never" not in done.stdout and "c000" in done.stdout


def _probe(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`code` run by a new Python in the repository: what a fresh `portfolio` loads."""
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, env=env)


def test_a_command_s_module_is_loaded_only_when_it_is_asked_for():
    # Every `portfolio` process starts with the group: it names every command, and
    # loads only the one run (a build does not pay for the editor, links, fit…).
    probe = ("import sys\nfrom generator.cli import main\n"
             "assert sorted(main.commands) == ['build', 'check', 'edit', 'export', 'fit',"
             " 'links', 'new', 'serve'], sorted(main.commands)\n"
             "assert not [m for m in sys.modules if m.startswith('generator.commands.')"
             " and m.rsplit('.', 1)[1] not in ('options', 'said_help')], sys.modules\n"
             "assert main.commands['fit'].name == 'fit'\n"
             "assert 'generator.commands.fit' in sys.modules\n"
             "assert 'generator.commands.links' not in sys.modules\n")
    done = _probe(probe)
    assert done.returncode == 0, done.stderr


def test_the_site_step_loads_no_pdf_library():
    # A build of the site alone (`--skip pdf …`, and `serve`'s rebuilds) need not load
    # WeasyPrint or pypdf: about a second of every such process.
    probe = ("import sys\nimport generator.commands.build\n"
             "import generator.render.site.site_step, generator.render.site.department_page\n"
             "import generator.render.web_media.web_media_step\n"
             "print(sorted(m for m in ('weasyprint', 'pypdf', 'generator.counselor.counselor_step')"
             " if m in sys.modules))\n")
    done = _probe(probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_build_that_lays_out_nothing_loads_no_weasyprint(tmp_path):
    # Every step is planned (the PDF and kit steps included), but WeasyPrint, qpdf, pypdf
    # and fontTools are imported only when a PDF is made: a no-op rebuild does not pay
    # their start-up (about a second, a third of a realistic student's no-op). Nor does it
    # load Jinja2 (no page rendered), segno (no QR code drawn) or, offline, the HTTP stack
    # (httpx, httpcore, ssl): together about a fifth of a second more.
    from tests.builder import ContentBuilder

    content = ContentBuilder(tmp_path / "content", None)
    content.student()
    content.course("lab", subject="物理", submitted=113)
    out = tmp_path / "out"
    probe = ("import sys\nfrom pathlib import Path\n"
             "from generator.pipeline.building import build\n"
             f"build(Path({str(content.root)!r}), Path({str(out)!r}), offline=True, jobs=1)\n"
             "print(sorted({'weasyprint', 'pikepdf', 'pypdf', 'fontTools', 'jinja2', 'segno',"
             " 'httpx', 'httpcore', 'ssl'} & set(sys.modules)))\n")
    runs = [_probe(probe, {**os.environ, "SOURCE_DATE_EPOCH": "1790000000"}) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr[-2000:]
    assert [r.stdout.strip().splitlines()[-1] for r in runs] == [
        "['fontTools', 'jinja2', 'pikepdf', 'pypdf', 'ssl', 'weasyprint']", "[]"]
