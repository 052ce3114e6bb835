"""Each department finding code, and what it does to `portfolio export`'s exit code."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.builder import ContentBuilder, run_cli

LONG = "很長的心得。" * 150   # > 800 characters

# (code, severity, the department entry that causes it)
CASES = [
    ("department-limit", "error",
     {"code": "100001", "name": "超額系", "courses": ["c1", "c2", "c3", "c4"]}),
    ("department-unknown-item", "error",
     {"code": "100002", "name": "未知系", "performances": ["ghost"]}),
    ("department-not-submitted", "error",
     {"code": "100003", "name": "未勾選系", "performances": ["unticked"]}),
    ("reflection-too-long", "error",
     {"code": "100004", "name": "心得系", "performances": ["p1"], "reflection": LONG}),
    ("department-code-not-wanted", "warning",
     {"code": "100005", "name": "不要系", "courses": ["c1"], "wants": ["A", "C"]}),
    ("department-code-uncovered", "warning",
     {"code": "100006", "name": "缺碼系", "courses": ["c1"], "wants": ["B", "Q"]}),
]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = ContentBuilder(tmp_path_factory.mktemp("rules") / "content", None)
    content.student()
    for n in range(1, 5):
        content.course(f"c{n}", subject=["物理", "化學", "數學", "國文"][n - 1], submitted=113)
    content.performance("p1", submitted=113)
    content.performance("unticked")
    content.departments([entry for _code, _sev, entry in CASES])
    return content.root


def _export(root: Path, out: Path, code: str, *extra: str) -> tuple[int, str]:
    run = run_cli("export", str(root), "-o", str(out), "--department", code, "--offline",
                  "-j", "2", *extra)
    return run.exit_code, run.output


@pytest.mark.parametrize("code,severity,entry", CASES, ids=[c[0] for c in CASES])
def test_finding_and_exit_without_force(root: Path, tmp_path: Path, code: str, severity: str,
                                        entry: dict) -> None:
    check = run_cli("check", str(root), "--offline", "--format", "json")
    found = [f for f in check.doc["findings"] if f["code"] == code]  # type: ignore[index]
    assert found and found[0]["severity"] == severity
    if severity == "error":
        exit_code, said = _export(root, tmp_path / "out", entry["code"])
        assert exit_code == 1
        assert code in said
        assert not (tmp_path / "out" / "ming" / "departments" / f"{entry['code']}.zip").exists()


def test_force_exports_marked(root: Path, tmp_path: Path) -> None:
    """One build for all: errors export with --force, marked; warnings export without it."""
    out = tmp_path / "out"
    run = run_cli("export", str(root), "-o", str(out), "--all", "--force", "--offline",
                  "-j", "2")
    assert run.exit_code == 0, run.output
    for code, severity, entry in CASES:
        with zipfile.ZipFile(out / "ming" / "departments" / f"{entry['code']}.zip") as zf:
            manifest = json.loads(zf.read("manifest.json"))
        assert manifest["forced"] is (severity == "error"), code
        assert "findings" not in manifest, code   # a reviewer's bundle: no check results
    # A warning alone never needs --force.
    exit_code, _ = _export(root, out, "100006")
    assert exit_code == 0


def test_unknown_department_exits_2(root: Path, tmp_path: Path) -> None:
    exit_code, said = _export(root, tmp_path / "out", "999999")
    assert exit_code == 2
    assert "999999" in said


def test_no_selection_is_usage_error(root: Path, tmp_path: Path) -> None:
    run = run_cli("export", str(root), "-o", str(tmp_path / "out"))
    assert run.exit_code == 2


def test_a_removed_departments_zip_goes_with_it(tmp_path: Path) -> None:
    content = ContentBuilder(tmp_path / "content", None)
    content.student()
    content.course("c1", submitted=113)
    two = [{"code": "200001", "name": "甲系", "courses": ["c1"]},
           {"code": "200002", "name": "乙系", "courses": ["c1"]}]
    content.departments(two)
    out = tmp_path / "out"
    assert run_cli("export", str(content.root), "-o", str(out), "--all", "--offline",
                   "-j", "2").exit_code == 0
    zips = out / "ming" / "departments"
    assert sorted(p.name for p in zips.glob("*.zip")) == ["200001.zip", "200002.zip"]
    (out / "ming" / "departments" / "notes.txt").write_text("mine", "utf-8")
    content.departments(two[:1])
    run = run_cli("build", str(content.root), "-o", str(out), "--offline", "--skip", "pdf")
    assert run.exit_code == 0, run.output
    assert sorted(p.name for p in zips.glob("*.zip")) == ["200001.zip"]
    assert (zips / "notes.txt").read_text("utf-8") == "mine"     # nothing else is touched
