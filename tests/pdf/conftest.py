"""One small student built once per session: every PDF test reads the same output.

The student has what each acceptance point needs and no more: a course item with its
own 3-page PDF, a course item with an inline and a gallery picture at camera-ish
size (so downscaling shows), a video with an online copy (poster, QR, link), an
item with 12 photos (the upload copy must keep all of them under 4 MB), a plain
text item, course records, a school cadre record and one department.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from generator.pipeline.building import BuildResult, build
from generator.render.pdf import PdfStep
from tests.builder import ContentBuilder
from tests.mediafactory import MediaFactory

SLUG = "ming"
LINK = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s"
CAMP_SITE = "https://camp.ee.example.edu.tw/2026/winter/index.html"
PHOTOS = 12


@dataclass(frozen=True)
class Made:
    root: Path
    titles: dict[str, str]       # item id → title
    summaries: dict[str, str]
    department: list[str]        # the item ids the department selected


@cache
def _grain(size: tuple[int, int]) -> Image.Image:
    return Image.effect_noise((size[0] * 2, size[1]), 64)


def photo(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A photo-like JPEG: gradients, shapes and grain, so it does not compress to nothing."""
    w, h = size
    shift = seed * 37 % w  # each photo its own grain, from one noise field made once
    base = Image.merge("RGB", [Image.linear_gradient("L").resize(size).rotate(seed * 30),
                               Image.radial_gradient("L").resize(size),
                               _grain(size).crop((shift, 0, shift + w, h))])
    draw = ImageDraw.Draw(base)
    for k in range(6):
        x, y = (seed * 97 + k * 211) % w, (seed * 53 + k * 157) % h
        draw.ellipse((x, y, x + w // 5, y + h // 5), fill=(40 * k % 255, 200, 90 + seed * 10))
    out = io.BytesIO()
    base.save(out, "JPEG", quality=92)
    return out.getvalue()


TITLES = {"refraction": "光的折射實驗報告", "temperature": "用 Python 分析教室溫度紀錄",
          "garden": "自主學習：Arduino 自動澆花系統", "trip": "內湖科技園區踏查相簿",
          "camp": "參加臺大電機營"}
DEPARTMENT = ["refraction", "camp"]


def describe(root: Path) -> Made:
    summaries = {k: f"{t}的簡述：量測數據、整理圖表並討論誤差來源。" for k, t in TITLES.items()}
    return Made(root, dict(TITLES), summaries, list(DEPARTMENT))


def make_content(root: Path, media: MediaFactory) -> Made:
    made = describe(root)
    titles, summaries = made.titles, made.summaries
    c = ContentBuilder(root, media)
    folder = c.student(SLUG, profile="我喜歡做**會動**的東西。")
    c.write(folder / "courses.csv",
            "term,subject,grade,credits,score,passed,makeup_score,makeup_passed,counted\n"
            "1131,物理,1,2,88,true,,,true\n1131,數學,1,4,91,true,,,true\n"
            "1132,化學,1,2,57,false,66,true,true\n")
    c.write(folder / "cadres.yaml", "- {term: 1131, unit: 一年三班, role: 學藝股長, level: 班級}\n")
    # Its reflection stays private: the report is uploaded as given.
    c.course("refraction", title=titles["refraction"], summary=summaries["refraction"],
             form="science", term=1132, submitted=113, document="report.pdf",
             upload_reflection=False)
    c.file("refraction", "report.pdf", media.pdf)
    c.course("temperature", title=titles["temperature"], summary=summaries["temperature"],
             form="practical", subject="資訊科技", submitted=113, images=["chart.jpg"],
             body="我把一週的溫度畫成折線圖。\n\n![實驗裝置](setup.jpg)\n\n結論：下午最熱。")
    c.file("temperature", "setup.jpg", photo(1))
    c.file("temperature", "chart.jpg", photo(2))
    c.performance("garden", title=titles["garden"], summary=summaries["garden"],
                  category="flexible", date=dt.date(2025, 2, 17), end=dt.date(2025, 6, 20),
                  details={"kind": "自主學習", "weeks": 18}, media="demo.mp4")
    c.file("garden", "demo.mp4", media.mp4)
    # The link makes it an online copy: a QR code and the printed address.
    text = (c.root / SLUG / "items" / "garden" / "index.md").read_text("utf-8")
    c.write(c.root / SLUG / "items" / "garden" / "index.md",
            text.replace("media: demo.mp4", f"media: demo.mp4\nlinks: ['{LINK}']"))
    names = [f"p{n:02d}.jpg" for n in range(PHOTOS)]
    c.performance("trip", title=titles["trip"], summary=summaries["trip"], category="other",
                  date=dt.date(2025, 4, 1), images=names, details={"organizer": "地理科"})
    for n, name in enumerate(names):
        c.file("trip", name, photo(n + 3))
    c.performance("camp", title=titles["camp"], summary=summaries["camp"], category="other",
                  date=dt.date(2026, 1, 20),
                  body=f"兩天的營隊。\n\n[營隊網站]({CAMP_SITE})")
    c.departments([{"code": "001012", "name": "國立臺灣大學 電機工程學系",
                    "courses": ["refraction"], "performances": ["camp"],
                    "statement": "## 就讀動機\n\n我想學電機。", "reflection": "做、教、改。"}],
                  slug=SLUG)
    return made


def run_build(root: Path, out: Path, **kw: object) -> BuildResult:
    return build(root, out, offline=True, renderers=[PdfStep()], jobs=1, **kw)  # type: ignore[arg-type]


def _shared(factory: pytest.TempPathFactory, worker: str, name: str) -> tuple[Path, Path]:
    """A folder made once per test run, even under xdist: the first worker to get the
    lock makes it, the others wait and read it (a build is the slowest thing here)."""
    if worker == "master":
        return factory.mktemp(name), Path(os.devnull)
    folder = factory.getbasetemp().parent / name
    return folder, folder.with_suffix(".lock")


@pytest.fixture(scope="session")
def built_once(tmp_path_factory: pytest.TempPathFactory, media: MediaFactory,
               worker_id: str) -> tuple[Made, BuildResult | None, Path]:
    folder, lock = _shared(tmp_path_factory, worker_id, "pdf-shared")
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        done = folder / "done"
        if done.exists():
            return describe(folder / "content"), None, folder / "out"
        shutil.rmtree(folder / "content", ignore_errors=True)
        shutil.rmtree(folder / "out", ignore_errors=True)
        made = make_content(folder / "content", media)
        result = run_build(made.root, folder / "out")
        assert not result.failures, result.failures
        done.touch()
        return made, result, folder / "out"


@pytest.fixture(scope="session")
def made(built_once: tuple[Made, BuildResult | None, Path]) -> Made:
    return built_once[0]


@pytest.fixture(scope="session")
def built(built_once: tuple[Made, BuildResult | None, Path]) -> Path:
    """The output folder of the shared build."""
    return built_once[2]


def outline_titles(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(entries: list, depth: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                found.append((depth, entry.title, reader.get_destination_page_number(entry)))

    walk(reader.outline, 0)
    return found


def image_xobjects(reader: PdfReader) -> set[int]:
    """The distinct raster images a PDF holds, wherever they are drawn from."""
    seen: set[int] = set()

    def walk(resources: object) -> None:
        xobjects = resources.get("/XObject") if resources else None  # type: ignore[attr-defined]
        for ref in (xobjects.get_object().values() if xobjects else []):
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                seen.add(ref.idnum if isinstance(ref, IndirectObject) else id(obj))
            elif obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return seen


def pdffonts(path: Path) -> list[dict[str, str]]:
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    # name type… encoding emb sub uni object ID: the last five columns are fixed.
    return [{"name": parts[0], "emb": parts[-5], "sub": parts[-4]}
            for parts in (line.split() for line in lines) if len(parts) >= 6]
