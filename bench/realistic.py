"""A realistic grade-12 student, made deterministically from a seed (for the benchmarks).

    from bench.realistic import make_student, make_class
    make_student(root, "s0000", seed=0)      # one student folder under root
    make_class(root, 40, seed=0)             # portfolio.toml and 40 such students

Each student has 30 items, 12 course outcomes and 18 performances (of every category),
each with either a 2–3 page PDF (a scanned report: A4 pages of 150 dpi JPEG) or a
3000×2000 phone photo; reflections of 250–400 characters; 簡述 under 100; three
departments of 3 course outcomes and 10 performances each, with 自述 and 綜整心得.
Every photo and page is distinct (the caches key by content, so copies would cost
nothing), and the same seed gives the same bytes.
"""

from __future__ import annotations

import io
import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

TODAY = "2026-11-20"
COURSES = 12
PERFORMANCES = 18
PHOTO = (3000, 2000)
PAGE = (1240, 1754)     # A4 at 150 dpi
SCANNED = time.gmtime(1748736000)   # 2025-06-01, as Pillow takes a date
PHRASES = [
    "這次實驗讓我理解了理論與實際量測之間的差距", "我先查閱了相關文獻並擬定研究問題",
    "和組員分工後每週固定討論進度", "過程中最困難的是控制變因", "我重新設計了記錄表格",
    "老師提醒我注意數據的有效位數", "結果和預期不同所以我回頭檢查儀器", "我學會用試算表畫圖",
    "這讓我對未來想就讀的科系更有方向", "下次我會先做小規模的預備實驗",
    "我把成果整理成簡報向全班說明", "同學的提問讓我發現推論上的漏洞", "我體會到團隊合作的重要",
    "從失敗中我學到耐心與細心", "我嘗試用程式自動化整理資料", "參與活動讓我認識不同領域的人",
    "我負責聯絡與安排時程", "這段經驗培養了我的表達能力", "我反思自己在時間管理上的不足",
    "未來希望把這個主題延伸成專題研究",
]
SUBJECTS = ["物理", "化學", "生物", "地球科學", "數學", "資訊科技", "國語文", "英語文",
            "歷史", "地理", "公民與社會", "生活科技"]
FORMS = ["report", "practical", "science", "social"]
CATEGORIES = ["cadre", "competition", "certificate", "service", "flexible", "group",
              "workplace", "work", "preparatory", "other"]


@cache
def _noise(size: tuple[int, int]) -> Image.Image:
    return Image.effect_noise((size[0] + 400, size[1]), 48).convert("L")


def photo(rng: random.Random) -> bytes:
    """A 3000×2000 JPEG with a phone photo's detail (gradients, shapes, grain)."""
    w, h = PHOTO
    shift = rng.randrange(400)
    grain = _noise(PHOTO).crop((shift, 0, shift + w, h))
    base = Image.merge("RGB", [Image.linear_gradient("L").resize(PHOTO).rotate(rng.randrange(360)),
                               Image.radial_gradient("L").resize(PHOTO), grain])
    draw = ImageDraw.Draw(base)
    for _ in range(12):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randrange(80, 500)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    base.save(out, "JPEG", quality=88)
    return out.getvalue()


def document(rng: random.Random) -> bytes:
    """A 2–3 page scanned report: A4 pages with lines of "text" and a figure."""
    pages = []
    for _ in range(rng.choice((2, 3))):
        page = Image.new("RGB", PAGE, (250, 250, 246))
        draw = ImageDraw.Draw(page)
        y = 120
        while y < PAGE[1] - 150:
            if rng.random() < 0.08:
                draw.rectangle((150, y, 150 + rng.randrange(400, 900), y + 300),
                               fill=tuple(rng.randrange(256) for _ in range(3)))
                y += 340
                continue
            draw.rectangle((150, y, 150 + rng.randrange(500, 940), y + 14), fill=(40, 40, 40))
            y += 34
        page = Image.blend(page, _noise((PAGE[0], PAGE[1])).crop((0, 0, *PAGE))
                           .convert("RGB"), 0.06)
        pages.append(page)
    out = io.BytesIO()
    # A fixed date: Pillow stamps the time of saving otherwise, and the same seed must
    # give the same bytes (the caches key by content).
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=150.0,
                  creationDate=SCANNED, modDate=SCANNED)
    return out.getvalue()


def prose(rng: random.Random, low: int, high: int) -> str:
    """Chinese prose of `low`–`high` characters, in sentences."""
    target = rng.randrange(low, high + 1)
    text = ""
    while len(text) < target:
        text += rng.choice(PHRASES) + rng.choice("，。；")
    return text[:target - 1] + "。"


def _write(folder: Path, front: dict, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n"
    (folder / "index.md").write_text(text + body + "\n", "utf-8")


def make_student(root: Path, slug: str, seed: int) -> Path:
    rng = random.Random(seed)
    folder = root / slug
    (folder / "items").mkdir(parents=True, exist_ok=True)
    (folder / "student.yaml").write_text(yaml.safe_dump(
        {"name": f"學生{seed:04d}", "student_id": f"113{seed:05d}", "school": "南湖高中",
         "enrolled": 113, "profile": prose(rng, 120, 200)}, allow_unicode=True), "utf-8")
    courses, performances = [], []
    for n in range(COURSES):
        item_id = f"course-{n:02d}"
        term = (1131, 1132, 1141, 1142)[n % 4]
        front = {"type": "course", "title": f"{SUBJECTS[n]}課程學習成果：主題探究 {n + 1}",
                 "subject": SUBJECTS[n], "term": term, "certified": True,
                 "form": FORMS[n % len(FORMS)], "submitted": term // 10,
                 "summary": prose(rng, 60, 95)}
        _attach(folder / "items" / item_id, front, rng, pdf=n % 3 != 2)
        _write(folder / "items" / item_id, front, prose(rng, 250, 400))
        courses.append(item_id)
    for n in range(PERFORMANCES):
        item_id = f"perf-{n:02d}"
        year, month = 2025 + n % 2, 1 + n % 9
        front = {"type": "performance", "title": f"多元表現 {n + 1}：{rng.choice(PHRASES)[:12]}",
                 "category": CATEGORIES[n % len(CATEGORIES)],
                 "date": f"{year}-0{month}-1{n % 10}",
                 "submitted": year - 1911 - (month < 8),   # the school year it happened in
                 "summary": prose(rng, 60, 95)}
        _attach(folder / "items" / item_id, front, rng, pdf=n % 2 == 0)
        _write(folder / "items" / item_id, front, prose(rng, 250, 400))
        performances.append(item_id)
    departments = []
    for d in range(3):
        departments.append({
            "code": f"00{d + 1}0{d + 1}2", "name": f"國立某大學 第{d + 1}學系",
            "courses": rng.sample(courses, 3), "performances": rng.sample(performances, 10),
            "statement": {"reflection": prose(rng, 300, 500), "motivation": prose(rng, 300, 500),
                          "plan": prose(rng, 200, 400)},
            "reflection": prose(rng, 500, 780)})
    (folder / "departments.yaml").write_text(yaml.safe_dump(departments, allow_unicode=True),
                                             "utf-8")
    return folder


def _attach(folder: Path, front: dict, rng: random.Random, pdf: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if pdf:
        (folder / "report.pdf").write_bytes(document(rng))
        front["document"] = "report.pdf"
    else:
        (folder / "photo.jpg").write_bytes(photo(rng))
        front["images"] = ["photo.jpg"]


def make_class(root: Path, students: int, seed: int = 0, jobs: int | None = None) -> Path:
    """`students` distinct students (seeds `seed`…), made over `jobs` processes (default:
    every core): a class of 40 is 1,200 pictures and PDFs, minutes on one core. Each
    student's bytes depend only on its seed, so the class is the same however made."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "portfolio.toml").write_text(f'today = "{TODAY}"\nschool = "南湖高中"\n', "utf-8")
    jobs = min(jobs or os.cpu_count() or 1, students)
    args = [(root, f"s{n:04d}", seed + n) for n in range(students)]
    if jobs <= 1:
        for arg in args:
            make_student(*arg)
    else:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(make_student, *zip(*args, strict=True)))
    return root
