"""One student with three departments, exported once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builder import ContentBuilder, Run, run_cli

# Each title has a word of its own, so a PDF's text shows which items it holds.
COURSES = {"optics": "Prism 光的折射實驗", "decibel": "Decibel 分貝與對數",
           "census": "Census 社區人口探究"}
PERFORMANCES = {"robot": "Robot 機器人競賽", "volunteer": "Library 圖書館志工",
                "apcs": "Apcs 程式檢定", "club": "Chess 西洋棋社"}
DEPARTMENTS = [
    {"code": "001012", "name": "國立臺灣大學 電機工程學系", "courses": ["optics", "decibel"],
     "performances": ["robot", "apcs"], "wants": ["B", "J", "L"]},
    {"code": "011202", "name": "國立成功大學 資訊工程學系", "courses": ["decibel"],
     "performances": ["apcs", "club"], "wants": ["B", "G", "L", "P"],
     "statement": "## 就讀動機\n\n我想學資訊工程。\n"},
    {"code": "022101", "name": "國立政治大學 社會學系", "courses": ["census"],
     "performances": ["volunteer"], "reflection": "服務讓我看見社區。\n"},
]


def fill(content: ContentBuilder) -> None:
    content.student()
    for n, (item_id, title) in enumerate(COURSES.items()):
        content.course(item_id, title=title, subject=["物理", "數學", "公民"][n], submitted=113,
                       form="social" if item_id == "census" else "report")
    cats = {"robot": "competition", "volunteer": "service", "apcs": "certificate",
            "club": "group"}
    for item_id, title in PERFORMANCES.items():
        content.performance(item_id, title=title, category=cats[item_id], submitted=114)
    content.departments(DEPARTMENTS)
    (content.root / "ming" / "courses.csv").write_text(
        "term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
        "1131,物理,10,2,88,是,,,是\n1131,數學,10,4,75,是,,,是\n", "utf-8")
    (content.root / "ming" / "cadres.yaml").write_text(
        "- {term: 1131, unit: 班級, role: 班長, level: 班級}\n", "utf-8")


@dataclass
class Exported:
    content: Path
    output: Path
    run: Run


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    base = tmp_path_factory.mktemp("export")
    content = ContentBuilder(base / "content", None)
    fill(content)
    out = base / "output"
    run = run_cli("export", str(content.root), "-o", str(out), "--all", "--offline", "-j", "2")
    return Exported(content.root, out, run)
