"""Bench: how long a portfolio PDF takes and how much memory it needs.

    .venv/bin/python bench/pdf_bench.py            # demo student + synthetic 48 items
    .venv/bin/python bench/pdf_bench.py --items 48 --photo 4032x3024

Cases, each run in a child process of its own so its peak memory is its own
(os.wait4 gives the child's resource usage):
  demo-cold   the demo student's portfolio.pdf, empty picture cache
  demo-warm   the same again, pictures already print-sized
  48-cold     a synthetic student with 48 items (18 course outcomes + 30 performances,
              the most the central database holds), one phone-size photo each
  48-warm     the same again

Target (issue 4): the 48-item PDF in under 15 s and under 600 MB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "content"
BODY = ("這次的探究從一個生活中的小問題開始。我們先查資料、設計實驗，再分工量測與記錄數據；"
        "第一次的結果誤差很大，討論後才發現量測方法本身有問題，改用作圖求斜率整合多組數據，"
        "結果才穩定下來。這個過程讓我體會到，好的結論來自可靠的方法，而不是漂亮的數字。")


def make_photos(folder: Path, count: int, size: tuple[int, int]) -> list[Path]:
    """Phone-like JPEGs (kept between runs: making them is not what is measured)."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"photo{n:02d}-{size[0]}x{size[1]}.jpg" for n in range(count)]
    if all(p.is_file() for p in paths):
        return paths
    w, h = size
    grain = Image.effect_noise((w + count * 17, h), 40)
    for n, path in enumerate(paths):
        img = Image.merge("RGB", [Image.linear_gradient("L").resize(size).rotate(n * 7),
                                  Image.radial_gradient("L").resize(size),
                                  grain.crop((n * 17, 0, n * 17 + w, h))])
        draw = ImageDraw.Draw(img)
        for k in range(8):
            x, y = (n * 211 + k * 499) % w, (n * 97 + k * 353) % h
            draw.rectangle((x, y, x + w // 6, y + h // 7), fill=(30 * k, 160, 200 - 9 * n % 200))
        img.save(path, "JPEG", quality=88)
    return paths


def make_synthetic(root: Path, photos: list[Path], items: int) -> Path:
    """A content root with one student and `items` items, one photo each."""
    import yaml

    student = root / "synthetic"
    (student / "items").mkdir(parents=True)
    (root / "portfolio.toml").write_text('today = "2026-11-20"\n', "utf-8")
    (student / "student.yaml").write_text(yaml.safe_dump(
        {"name": "林大同", "student_id": "11309999", "school": "臺北市立南湖高級中學",
         "enrolled": 113, "profile": BODY}, allow_unicode=True), "utf-8")
    courses = min(18, items)
    categories = ["competition", "service", "flexible", "group", "work", "other"]
    for n in range(items):
        folder = student / "items" / f"item-{n:02d}"
        folder.mkdir()
        shutil.copyfile(photos[n % len(photos)], folder / "photo.jpg")
        front: dict = {"title": f"第 {n + 1} 件成果：校園探究與實作紀錄",
                       "summary": f"第 {n + 1} 件：量測、作圖與討論誤差，從失敗中修正方法，"
                                  "最後得到可靠的結論並分享給同學。"}
        if n < courses:
            term = (113 + n // 6) * 10 + 1 + (n // 3) % 2
            front |= {"type": "course", "subject": ["物理", "化學", "數學", "資訊科技"][n % 4],
                      "term": term, "certified": True, "form": "report", "submitted": term // 10}
        else:
            front |= {"type": "performance", "category": categories[n % len(categories)],
                      "date": dt.date(2024 + n % 2, 9 + n % 3, 1 + n % 27),
                      "submitted": 113 + n % 2}
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n"
        body = f"{BODY}\n\n![照片](photo.jpg)\n\n{BODY}\n"
        (folder / "index.md").write_text(text + body, "utf-8")
    return root


def child(content: Path, slug: str, cache: Path, out: Path) -> None:
    """One measured run: load, check, render the whole portfolio PDF."""
    from generator.checks.content_check import check_content
    from generator.render.pdf import PdfSettings, render_portfolio

    t0 = time.perf_counter()
    check = check_content(content, offline=True)
    student = next(s for s in check.portfolio.students if s.slug == slug)
    settings = PdfSettings(lang="zh-TW", today=check.portfolio.today, cache_dir=cache)
    t1 = time.perf_counter()
    data, view = render_portfolio(student, check.portfolio.rules, settings)
    t2 = time.perf_counter()
    out.write_bytes(data)
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(json.dumps({"load_s": round(t1 - t0, 2), "render_s": round(t2 - t1, 2),
                      "pages": pages, "bytes": len(data), "items": len(view.items)}))


def measure(label: str, content: Path, slug: str, cache: Path, out: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", str(content), slug, str(cache), str(out)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{label}: child failed ({proc.returncode})")
    result = {"case": label, "wall_s": round(wall, 2),
              "peak_mb": round(usage.ru_maxrss / 1024), **json.loads(output.splitlines()[-1])}
    print(f"{label:10} {result['wall_s']:6.2f} s  {result['peak_mb']:5d} MB  "
          f"{result['pages']:3d} pages  {result['bytes'] / 1e6:5.1f} MB  "
          f"(render {result['render_s']} s)", flush=True)
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=48)
    parser.add_argument("--photo", default="4032x3024", help="photo size, WxH (12 MP phone)")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    w, h = (int(x) for x in args.photo.split("x"))
    args.results.mkdir(parents=True, exist_ok=True)
    photos = make_photos(args.results / "photos", min(args.items, 48), (w, h))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        demo_slug = next(p.name for p in sorted(DEMO.iterdir()) if (p / "student.yaml").is_file())
        for label in ("demo-cold", "demo-warm"):
            results.append(measure(label, DEMO, demo_slug, work / "demo-cache",
                                   work / "demo.pdf"))
        synthetic = make_synthetic(work / "synthetic", photos, args.items)
        for label in (f"{args.items}-cold", f"{args.items}-warm"):
            results.append(measure(label, synthetic, "synthetic", work / "syn-cache",
                                   args.results / f"synthetic-{args.items}.pdf"))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    (args.results / "pdf_bench.json").write_text(json.dumps(
        {"cores": cores, "photo": args.photo, "results": results}, indent=1), "utf-8")


if __name__ == "__main__":
    main()
