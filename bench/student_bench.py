"""Time one realistic student (bench/realistic.py) through `portfolio build`.

    python bench/student_bench.py [--seed 0] [--jobs 2]

In one run, on one machine, with its load average beside each figure:

- a full build from scratch: an empty output folder and caches (wall, CPU of the build
  and its workers, each step), after an untimed build elsewhere has filled the
  bytecode cache;
- a no-op rebuild (nothing changed), the best of three or `--repeat`;
- one changed item (a reflection edited): the whole rebuild and its PDF step, the median
  of three or `--repeat` edits; and again in a process that has made PDFs already, as
  `portfolio serve` rebuilds on each save;
- one department PDF as the build makes it after the full build (its items' fragments
  in the cache: an assembly, generator/render/pdf/fragments.py);
- the whole portfolio.pdf from an empty fragment cache (every item laid out, then
  assembled; tagged, documents laid in) against bare WeasyPrint on the same HTML (the
  same picture fetcher, nothing laid in, untagged; and tagged, to tell what tagging
  itself costs), and their ratio; and the whole again with the fragments kept. Bare
  WeasyPrint handles its fonts as shipped (each document reads the whole font file,
  subsets it in two HarfBuzz passes and keeps every glyph at its id); the ratio to it
  with the build's font handling (font_subsetting.py, "one_pass") is given too.

Builds run as child processes (`python -m generator build`) with SOURCE_DATE_EPOCH
set and their Python bytecode cached (PYTHONPYCACHEPREFIX, in the bench's temporary
folder), as an installed package has it: where PYTHONDONTWRITEBYTECODE is set, each
process would compile the whole package again (`--compile-each-time` times it so).
The PDF timings run here, after the build, each the best of `--repeat` runs; the whole
and bare WeasyPrint take turns within each round.
Figures go to stdout and bench/results/student_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.realistic import TODAY, make_class

RESULTS = Path(__file__).resolve().parent / "results"


def load() -> float:
    return round(os.getloadavg()[0], 2)


PYCACHE: Path | None = None   # where the timed processes keep their bytecode


def build(content: Path, output: Path, jobs: int, scheduler: str | None = None) -> dict:
    cmd = [sys.executable, "-m", "generator", "build", str(content), "-o", str(output),
           "--offline", "-q", "-j", str(jobs), "--today", TODAY]
    if scheduler:
        cmd += ["--scheduler", scheduler]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, at = time.perf_counter(), load()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000"}
    if PYCACHE is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"build failed ({done.returncode}):\n{done.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    log = json.loads((output / ".portfolio" / "build.json").read_text("utf-8"))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load": at,
            "steps_s": log["timings"], "written": len(log["rendered"]),
            "failures": len(log["failures"])}


def edit(content: Path, sentence: str) -> None:
    """A sentence more in one performance's reflection (not its 簡述)."""
    index = content / "s0000" / "items" / "perf-03" / "index.md"
    head, body = index.read_text("utf-8").rsplit("---\n", 1)
    index.write_text(head + "---\n" + body.replace("。", sentence, 1), "utf-8")


def warm_rebuilds(content: Path, output: Path, jobs: int, repeat: int) -> dict:
    """One changed reflection rebuilt in this process, which has made PDFs already: what
    `portfolio serve` does on each save after its first build (WeasyPrint imported and
    its fonts loaded once per session, not once per rebuild)."""
    from datetime import date

    from generator.pipeline.building import build as build_here

    steps, walls = [], []
    at = load()
    # The first rebuild is serve's first build: it lays out again what the whole-portfolio
    # timing above took out of the fragment cache. Not counted.
    for n in range(repeat + 1):
        edit(content, f"，又補第 {n + 1} 句。")
        t0 = time.perf_counter()
        build_here(content, output, today=date.fromisoformat(TODAY), offline=True, jobs=jobs)
        wall = round(time.perf_counter() - t0, 2)
        log = json.loads((output / ".portfolio" / "build.json").read_text("utf-8"))
        if n:
            walls.append(wall)
            steps.append(log["timings"].get("pdf"))
    return {"wall_s": walls, "pdf_step_s": steps, "load": at}


def pdf_timings(content: Path, output: Path, repeat: int) -> dict:
    """One department PDF alone, and the whole portfolio against bare WeasyPrint.

    The department PDF and the whole portfolio are timed as a build makes them after
    the full build (item fragments in the cache: an assembly) and, for the whole, from
    an empty fragment cache too (every fragment laid out, then assembled): that one is
    the figure to hold against bare WeasyPrint on the same HTML."""
    os.environ["SOURCE_DATE_EPOCH"] = "1790000000"
    import shutil

    from weasyprint import HTML

    from generator.checks.content_check import check_content
    from generator.i18n import text
    from generator.pipeline.building import make_context
    from generator.render.pdf.pdf_assembly import print_fetcher, timestamp
    from generator.render.pdf.pdf_documents import render_portfolio
    from generator.render.pdf.pdf_step import draft_of, errors_of, settings_for, upload_files
    from generator.render.pdf.print_item import PrintedItems
    from generator.render.pdf.print_view import build_view

    check = check_content(content, offline=True, output=output)
    ctx = make_context(check, output, jobs=1)
    settings = settings_for(ctx)
    student = check.portfolio.students[0]
    rules = check.portfolio.rules_for(student)
    dep = student.departments[0]
    uploads = upload_files(output, student, dep)
    dep_draft = draft_of(errors_of(ctx.findings, student, dep))
    draft = draft_of(errors_of(ctx.findings, student))

    def best(fn: object, before: object = None) -> tuple[float, float]:
        times = []
        at = load()
        for _ in range(repeat):
            if before is not None:
                before()  # type: ignore[operator]
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]
            times.append(time.perf_counter() - t0)
        return round(min(times), 3), at

    department, dep_load = best(lambda: render_portfolio(student, rules, settings, dep,
                                                         uploads, dep_draft))
    whole_warm, _ = best(lambda: render_portfolio(student, rules, settings, None, None, draft))
    fragments = settings.cache_dir / "fragments"
    views = PrintedItems(rules, settings.lang, settings.images, settings.quality)
    view = build_view(student, rules, views, settings.today, None, None, draft)
    title = f"{student.name} {text('pdf-cover-title', settings.lang)}"
    html = settings.theme.render("portfolio.html", settings.lang, v=view, title=title,
                                 created=timestamp(settings.today))
    fetcher = print_fetcher([settings.images.folder])
    # Bare WeasyPrint as shipped: its own fonts (read for each document, subset in two
    # passes, each glyph at its id), not the build's (generator/render/pdf/
    # font_subsetting.py); and with the build's ("one_pass").
    from generator.render.pdf import font_subsetting

    def shipped(tagged: bool) -> None:
        with font_subsetting.weasyprints_way():
            HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_tags=tagged)

    def whole_cold() -> None:
        shutil.rmtree(fragments, ignore_errors=True)
        t0 = time.perf_counter()
        render_portfolio(student, rules, settings, None, None, draft)
        cold.append(time.perf_counter() - t0)

    # The whole and bare WeasyPrint take turns, round after round, each its best: the
    # machine's speed drifts by a fifth within minutes, so one after the other would
    # compare the drift as much as the two.
    cold: list[float] = []
    rounds: dict[str, list[float]] = {"bare": [], "tagged": [], "one_pass": [],
                                      "tagged_one_pass": []}
    runs = {"bare": lambda: shipped(False), "tagged": lambda: shipped(True),
            "one_pass": lambda: HTML(string=html, url_fetcher=fetcher).write_pdf(),
            "tagged_one_pass": lambda: HTML(string=html, url_fetcher=fetcher).write_pdf(
                pdf_tags=True)}
    whole_load = bare_load = load()
    for _ in range(repeat):
        whole_cold()
        for name, fn in runs.items():
            t0 = time.perf_counter()
            fn()
            rounds[name].append(time.perf_counter() - t0)
    whole = round(min(cold), 3)
    bare, tagged, one_pass, tagged_one_pass = (
        round(min(rounds[n]), 3) for n in ("bare", "tagged", "one_pass", "tagged_one_pass"))
    return {"department_pdf_s": department, "department_load": dep_load,
            "portfolio_pdf_s": whole, "portfolio_load": whole_load,
            "portfolio_pdf_warm_s": whole_warm,
            "bare_weasyprint_s": bare, "bare_load": bare_load,
            "bare_weasyprint_tagged_s": tagged, "bare_weasyprint_one_pass_s": one_pass,
            "ratio": round(whole / bare, 2), "ratio_to_tagged": round(whole / tagged, 2),
            "ratio_to_one_pass": round(whole / one_pass, 2),
            "bare_weasyprint_tagged_one_pass_s": tagged_one_pass,
            "ratio_to_tagged_one_pass": round(whole / tagged_one_pass, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--compile-each-time", action="store_true",
                    help="no bytecode cache for the timed builds")
    args = ap.parse_args()
    global PYCACHE
    with tempfile.TemporaryDirectory(prefix="student-bench-") as tmp:
        PYCACHE = None if args.compile_each_time else Path(tmp) / "pycache"
        content, output = Path(tmp) / "content", Path(tmp) / "output"
        make_class(content, 1, seed=args.seed)
        if PYCACHE is not None:
            # Untimed, into another folder: fills the bytecode cache of every module a
            # build imports, WeasyPrint's and its workers' included, as installing them
            # does (pip compiles what it installs). Else the timed full build compiled
            # them all, seconds of it.
            build(content, Path(tmp) / "warm-up", args.jobs)
        full = build(content, output, args.jobs)
        print("full", json.dumps(full, ensure_ascii=False), flush=True)
        # Best of several: a no-op is the same work each time, and a single one right
        # after the full build ran while the machine still settled (0.8 to 1.3 s).
        noops = [build(content, output, args.jobs) for _ in range(max(3, args.repeat))]
        noop = {**min(noops, key=lambda run: run["wall_s"]),
                "walls_s": [run["wall_s"] for run in noops]}
        print("no-op", json.dumps(noop, ensure_ascii=False), flush=True)
        # One changed reflection, several times (a new sentence each): its median by the
        # PDF step, each run's step listed. A single run moved by a quarter with the hour.
        runs = []
        for n in range(max(3, args.repeat)):
            edit(content, f"，再補第 {n + 1} 句。")
            runs.append(build(content, output, args.jobs))
        runs.sort(key=lambda run: run["steps_s"].get("pdf") or 0.0)
        changed = {**runs[len(runs) // 2],
                   "pdf_steps_s": [run["steps_s"].get("pdf") for run in runs],
                   "walls_s": [run["wall_s"] for run in runs]}
        print("one item", json.dumps(changed, ensure_ascii=False), flush=True)
        pdfs = pdf_timings(content, output, args.repeat)
        print("pdf", json.dumps(pdfs), flush=True)
        warm = warm_rebuilds(content, output, args.jobs, args.repeat)
        print("warm one item", json.dumps(warm), flush=True)
    figures = {"seed": args.seed, "jobs": args.jobs, "bytecode_cached": PYCACHE is not None,
               "full": full, "noop": noop,
               "noop_share": round(noop["wall_s"] / full["wall_s"], 3),
               "one_item": changed, "one_item_pdf_step_s": changed["steps_s"].get("pdf"),
               **pdfs, "warm_one_item": warm}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "student_bench.json").write_text(json.dumps(figures, indent=1) + "\n", "utf-8")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
