"""One student with three departments, exported once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


# ----------------------------------------------------------------- what reviewers get

# Words of their own, so a file's text shows which texts it holds.
REVIEWED = {"code": "001012", "name": "國立臺灣大學 電機工程學系"}
OTHER = {"code": "011202", "name": "國立成功大學 資訊工程學系"}
STATEMENT = {"O": "OMEGAWORDS 我的高中反思。", "P": "PAPAYAWORDS 我想學電機。",
             "Q": "QUINCEWORDS 大學四年的計畫。"}
# 798 characters of prose once laid out, with markup: a heading, bold, a link.
N_TEXT = ("## 綜整\n\n" + "做" * 780 + "，**NECTARINE** 與 [教](https://example.org/teach)。"
          "\n\n![社課](texts/club.jpg)\n")
OTHER_TEXT = "RAMBUTANWORDS 我的作品集如附：[作品集](texts/works.pdf)\n"
SECRET = "SECRETWORDS 這段心得不上傳。"
COURSES_CSV = ("term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
               "1131,物理,10,2,88,是,,,是\n1131,數學,10,4,57,否,66,是,是\n"
               "1152,體育,12,2,90,是,,,是\n")


@dataclass
class Reviewed:
    content: Path
    output: Path
    run: Run          # export --all --force
    refused: Run      # export of the department with an error, without --force


def fill_reviewed(content: ContentBuilder, media: Any) -> None:
    from tests.pdf.conftest import photo

    folder = content.student()   # entered 113: in grade 12 on 2026-11-20
    content.write(folder / "courses.csv", COURSES_CSV)
    content.write(folder / "cadres.yaml", "- {term: 1141, unit: 學生會, role: 會長, level: 校級}\n")
    content.course("report", title="Prism 光的折射實驗", submitted=113, document="report.pdf",
                   body="PAGEWORDS 量了七組角度。", images=["setup.jpg"])
    content.file("report", "report.pdf", media.pdf_with_text("REPORTWORDS 實驗報告。", 2))
    content.file("report", "setup.jpg", photo(1, (640, 480)))
    content.course("private", title="Census 社區人口探究", subject="公民", form="social",
                   submitted=113, document="census.pdf", upload_reflection=False, body=SECRET)
    content.file("private", "census.pdf", media.pdf_with_text("CENSUSWORDS 人口。", 1))
    content.performance("poster", title="Robot 機器人競賽", submitted=114,
                        document="poster.jpg", body="POSTERWORDS 比賽的心得。")
    content.file("poster", "poster.jpg", photo(2, (800, 600)))
    content.performance("club", title="Chess 西洋棋社", category="group", submitted=114)
    content.performance("draft", title="Draft 草稿競賽", submitted=114, summary="長" * 101)
    content.write(folder / "texts" / "club.jpg", "")
    (folder / "texts" / "club.jpg").write_bytes(photo(3, (320, 240)))
    (folder / "texts" / "works.pdf").write_bytes(
        media.pdf_with_text("WORKSWORDS 作品集。", 2).read_bytes())
    content.departments([
        {**REVIEWED, "courses": ["report", "private"], "performances": ["poster", "club"],
         "wants": ["A", "B", "E", "G", "H", "J", "N", "P", "Q", "R"],
         "statement": STATEMENT, "reflection": N_TEXT, "other": OTHER_TEXT},
        {**OTHER, "courses": ["report"], "performances": ["draft"], "wants": ["B", "J"]},
    ])


@pytest.fixture(scope="session")
def reviewed(tmp_path_factory: pytest.TempPathFactory, media: Any) -> Reviewed:
    base = tmp_path_factory.mktemp("reviewed")
    content = ContentBuilder(base / "content", media)
    fill_reviewed(content, media)
    out = base / "output"
    refused = run_cli("export", str(content.root), "-o", str(out), "--department",
                      OTHER["code"], "--offline", "-j", "2")
    run = run_cli("export", str(content.root), "-o", str(out), "--all", "--force",
                  "--offline", "-j", "2")
    return Reviewed(content.root, out, run, refused)
