"""Time and measure `portfolio build` on a synthetic class: 40 students and a grade of 1,000.

    python bench/class_bench.py [--sizes 40 1000] [--skip-pdf-over N] [--jobs N]
    python bench/class_bench.py --realistic --sizes 40 [--scheduler local:2]

`--realistic`: each student is bench/realistic.py's (30 items with PDFs and 3000×2000
photos, three departments), the class the issue's figures are about; with
`--scheduler local:2` each size is built twice, by the local pool and on a Dask
LocalCluster of two worker processes (`build --scheduler local:2`), and both are
reported with the machine's load average when each began.

Each student has three items (two course outcomes, one performance), one small
distinct photo (320×240 JPEG), a department, a `reviews.yaml` with comments, and
every third student a problem (a missing summary, a shortened link, an uncertified
course outcome after the 認證 window); portfolio.toml names `[deadlines]`. Each size
is built from scratch as a fresh process (`--offline`, every renderer, PDFs and the
counselor step included; classes over `--skip-pdf-over` students, if given, are built
with `--skip pdf`). Reported per size: wall time, the peak resident memory of the
largest process (ru_maxrss of the build and its forked workers), the peak memory of
the whole process tree (the sum of proportional set sizes, sampled every 0.5 s, so
pages the forked workers share are counted once), the pages and files written, and
each step's time.
Figures go to stdout and bench/results/class_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

RESULTS = Path(__file__).resolve().parent / "results"
TODAY = "2026-11-20"
DEADLINES = """
[deadlines]
upload = { start = 2026-09-01, end = 2026-10-31 }
certify = { start = 2026-11-01, end = 2026-11-10 }
tick = { start = 2027-01-02, end = 2027-01-15 }
confirm = { start = 2027-02-20, end = 2027-03-03 }
"""


def photo(path: Path, rng: random.Random) -> None:
    img = Image.new("RGB", (320, 240), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y, r = rng.randrange(320), rng.randrange(240), rng.randrange(10, 60)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256)
                                                              for _ in range(3)))
    img.save(path, "JPEG", quality=80)


def item(folder: Path, front: dict, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n"
    (folder / "index.md").write_text(text + body + "\n", "utf-8")


def make_class(root: Path, students: int) -> None:
    rng = random.Random(students)
    root.mkdir(parents=True)
    (root / "portfolio.toml").write_text(f'today = "{TODAY}"\n{DEADLINES}', "utf-8")
    for n in range(students):
        slug = f"s{n:04d}"
        folder = root / slug
        (folder / "items").mkdir(parents=True)
        (folder / "student.yaml").write_text(yaml.safe_dump(
            {"name": f"學生{n:04d}", "student_id": f"113{n:05d}", "enrolled": 113},
            allow_unicode=True), "utf-8")
        problem = n % 3
        item(folder / "items" / "optics", {
            "type": "course", "title": "光的折射實驗", "subject": "物理", "term": 1131,
            "certified": True, "form": "report", "submitted": 113, "images": ["photo.jpg"],
            "summary": "以雷射筆與水槽量測折射率並討論誤差。"}, "心得。\n\n![照片](photo.jpg)")
        photo(folder / "items" / "optics" / "photo.jpg", rng)
        item(folder / "items" / "draft", {
            "type": "course", "title": "化學實作", "subject": "化學", "term": 1151,
            "certified": problem != 2, "form": "practical",
            "summary": "滴定實驗的紀錄。"}, "心得。")
        contest = {"type": "performance", "title": "物理競賽", "category": "competition",
                   "date": "2025-03-01", "submitted": 113}
        if problem != 0:
            contest["summary"] = "參加比賽的過程與收穫。"
        if problem == 1:
            contest["links"] = ["https://bit.ly/3abcdef"]
        item(folder / "items" / "contest", contest, "比賽心得。")
        (folder / "departments.yaml").write_text(yaml.safe_dump(
            [{"code": "001012", "name": "某大學 物理學系", "courses": ["optics"],
              "performances": ["contest"]}], allow_unicode=True), "utf-8")
        (folder / "reviews.yaml").write_text(
            "items:\n  optics: 簡述再具體一點。\ndepartments:\n  \"001012\": 自述要寫計畫。\n",
            "utf-8")


def _children(pid: int) -> list[int]:
    """Every child of `pid`, whichever of its threads started it: a Dask LocalCluster's
    worker processes are started from its event loop's thread, and are listed only
    under that thread's task (reading the main thread's alone left them out)."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return sorted(set(found))


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_pss_kib(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kib(pid)
        todo += _children(pid)
    return total


class TreeSampler(threading.Thread):
    """The largest total PSS a process and its descendants reached."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.peak_kib = max(self.peak_kib, tree_pss_kib(self.pid))


def measure(content: Path, output: Path, jobs: int, skip_pdf: bool,
            scheduler: str | None = None) -> dict:
    """Run one build as a child process; its wall time and the largest peak RSS."""
    cmd = [sys.executable, "-m", "generator", "build", str(content), "-o", str(output),
           "--offline", "-q", "-j", str(jobs), "--today", TODAY]
    if skip_pdf:
        cmd += ["--skip", "pdf"]
    if scheduler:
        cmd += ["--scheduler", scheduler]
    load = round(os.getloadavg()[0], 2)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _out, err = proc.communicate()
        sampler.stop.set()
        sampler.join()
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.exit(f"build failed ({proc.returncode}):\n{err[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib = after.ru_maxrss
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    log = json.loads((output / ".portfolio" / "build.json").read_text("utf-8"))
    return {"seconds": round(seconds, 2), "cpu_s": round(cpu, 1), "load": load,
            "scheduler": scheduler,
            "peak_rss_mib": round(peak_kib / 1024, 1),
            "peak_tree_pss_mib": round(sampler.peak_kib / 1024, 1),
            "steps_s": log.get("timings", {}),
            "files_written": len(log["rendered"]),
            "pages": sum(1 for r in log["rendered"] if r.endswith(".html")),
            "pdf": not skip_pdf, "failures": len(log["failures"])}


def make_content(content: Path, students: int, realistic: bool) -> float:
    """The class, made here: in the process that starts the measured ones, so the
    content's own worker processes (1.3 GB for 40 realistic students) are not counted
    as the build's."""
    t0 = time.perf_counter()
    if realistic:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from bench.realistic import make_class as make_realistic

        make_realistic(content, students)
    else:
        make_class(content, students)
    return time.perf_counter() - t0


def one(students: int, jobs: int, skip_pdf: bool, content: Path, made: float,
        realistic: bool = False, scheduler: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="class-bench-") as tmp:
        result = measure(content, Path(tmp) / "output", jobs, skip_pdf, scheduler)
        return {"students": students, "jobs": jobs, "realistic": realistic,
                "make_content_s": round(made, 2), **result}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[40, 1000])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-pdf-over", type=int, default=None,
                    help="build classes over this many students with --skip pdf")
    ap.add_argument("--realistic", action="store_true",
                    help="bench/realistic.py's students (30 items, PDFs, photos)")
    ap.add_argument("--scheduler", default=None,
                    help="also build each size with --scheduler (e.g. local:2)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--on", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--content", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--made", type=float, default=0.0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:      # a size in its own process: ru_maxrss is its own
        skip = args.skip_pdf_over is not None and args.one > args.skip_pdf_over
        print(json.dumps(one(args.one, args.jobs, skip, Path(args.content), args.made,
                             args.realistic, args.on)))
        return
    figures = []
    for size in args.sizes:
        more = [] if args.skip_pdf_over is None else ["--skip-pdf-over",
                                                      str(args.skip_pdf_over)]
        if args.realistic:
            more.append("--realistic")
        with tempfile.TemporaryDirectory(prefix="class-bench-content-") as tmp:
            content = Path(tmp) / "content"
            made = make_content(content, size, args.realistic)
            for on in [None, args.scheduler] if args.scheduler else [None]:
                where = ["--on", on] if on else []
                done = subprocess.run([sys.executable, __file__, "--one", str(size), "--jobs",
                                       str(args.jobs), *more, *where, "--content",
                                       str(content), "--made", str(made)],
                                      capture_output=True, text=True, check=True)
                figures.append(json.loads(done.stdout.strip().splitlines()[-1]))
                print(json.dumps(figures[-1], ensure_ascii=False), flush=True)
    # Keep the figures of sizes not run this time (a 1,000-student run takes a while).
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "class_bench.json"
    try:
        earlier = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        earlier = []
    def key(f: dict) -> tuple:
        return (f.get("students"), f.get("pdf"), f.get("realistic", False),
                f.get("scheduler") or "")

    ran = {key(f) for f in figures}
    kept = [f for f in earlier if key(f) not in ran]
    merged = sorted(kept + figures, key=lambda f: (f["students"], not f["pdf"],
                                                   f.get("realistic", False),
                                                   f.get("scheduler") or ""))
    path.write_text(json.dumps(merged, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
