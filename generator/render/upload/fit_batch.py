"""Fitting a whole portfolio: items in parallel, a progress bar, the --dry-run table.

Shared by `portfolio fit` and `portfolio build` (through `fit_portfolio`). It does
not import the command line, so `build` can use it without a cycle.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from generator.engine.output_paths import upload_copy, upload_stem
from generator.engine.progress import Reporter, wants_progress
from generator.findings import make
from generator.i18n import text
from generator.model import Item, Portfolio, Student
from generator.render.upload.fitting import FitPlan, FitResult, SizeLimits, file_sha256
from generator.render.upload.provenance import note_source, store_in
from generator.render.upload.upload_copies import (
    FitOutcome,
    default_cache_dir,
    fit_item,
    jobs_and_threads,
    plan_item,
    upload_dir,
    work_weight,
)
from generator.support.atomic import write_text
from generator.support.ffmpeg import EncodeSettings

Work = list[tuple[Student, Item, list[FitPlan]]]
PdfFitter = Callable[[Student, Item, FitPlan, Path], FitResult]


def plan_portfolio(portfolio: Portfolio, limits: SizeLimits, pdf: bool = True,
                   exact: bool = False) -> Work:
    """Every item's fit plans; `exact` for --dry-run (see upload_copies.plan_item)."""
    return [(s, i, plan_item(i, limits, s.key, pdf=pdf, exact=exact,
                             stem=upload_stem(s.items, i.id)))
            for s in portfolio.students for i in s.items]


def run(work: Work, output: Path, cache_dir: Path, limits: SizeLimits,
        console: Console | None = None, lang: str = "zh-TW",
        pdf_fitter: PdfFitter | None = None,
        reporter: Reporter | None = None) -> list[FitOutcome]:
    """Fit every item, items in parallel, with a progress bar when on a terminal.

    PDFs over the limit go to `pdf_fitter` (the PDF renderer's shrinker) when given.
    Within a build, progress goes to the build's `reporter` (a second live display
    would fight the build's own bars for the terminal).
    """
    console = console or Console(stderr=True)
    busy = [w for w in work if any(work_weight(p) >= 1 for p in w[2])]
    jobs, threads = jobs_and_threads(len(busy))
    settings = EncodeSettings(threads=threads)
    weights = {id(p): work_weight(p) for *_, plans in work for p in plans}
    done: dict[tuple[int, str], float] = {}
    lock = threading.Lock()
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    total = sum(weights.values()) or 1
    own = Progress(*columns, console=console, transient=False,
                   disable=reporter is not None or not wants_progress(console))
    with own as bar:
        task = bar.add_task(text("fit-progress", lang), total=total)
        step = reporter.task(text("fit-progress", lang), total) if reporter else None

        def show(completed: float) -> None:
            bar.update(task, completed=completed)
            if step is not None:
                step.update(completed)

        def one(entry: tuple[Student, Item, list[FitPlan]]) -> FitOutcome:
            student, item, plans = entry
            by_slot: dict[str, float] = {p.slot: weights[id(p)] for p in plans}

            def progress(slot: str, fraction: float) -> None:
                with lock:
                    done[(id(item), slot)] = fraction * by_slot.get(slot, 0.0)
                    show(sum(done.values()))

            out_dir = upload_dir(output, student.slug, item.id)
            big = [p for p in plans if is_big_pdf(p)] if pdf_fitter else []
            outcome = fit_item(item, out_dir, cache_dir, limits, settings,
                               student_key=student.key, progress=progress,
                               plans=[p for p in plans if p not in big])
            if big and pdf_fitter:
                extra = tuple(pdf_fitter(student, item, p, out_dir) for p in big)
                outcome = FitOutcome(outcome.student, outcome.item, outcome.results + extra)
            with lock:
                for p in plans:  # cached and copied files never report progress themselves
                    done[(id(item), p.slot)] = weights[id(p)]
                show(sum(done.values()))
            return outcome

        # Slowest first: two long encodes side by side finish sooner than in a row.
        ordered = sorted(work, key=lambda w: -sum(weights[id(p)] for p in w[2]))
        try:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                outcomes = list(pool.map(one, ordered))
        finally:
            if step is not None:
                step.done()
    return sorted(outcomes, key=lambda o: (o.student, o.item))


def print_plan(work: Work, limits: SizeLimits, lang: str,
               console: Console | None = None) -> None:
    """The --dry-run table: per file, the size now, the size after, what will be done."""
    console = console or Console(highlight=False)
    table = Table(show_lines=False)
    for key in ("fit-col-file", "fit-col-now", "fit-col-after", "fit-col-action"):
        sizes = "now" in key or "after" in key
        # Paths fold rather than being cut: the student has to know which file is meant.
        table.add_column(text(key, lang), justify="right" if sizes else "left",
                         overflow="fold", no_wrap=sizes)
    for student, item, plans in work:
        for p in plans:
            name = item.document if p.slot == "document" else item.media
            action = text(f"fit-action-{'shrink' if is_big_pdf(p) else p.action}", lang)
            if p.detail:
                action += f" ({p.detail})"
            if p.trim:
                action += " " + text("fit-trimmed", lang, trim=str(p.trim))
            style = {"too-long": "red", "failed": "red"}.get(p.action, "")
            table.add_row(f"{student.slug}/{item.id}/{name}", limits.size(p.size, unit=True),
                          limits.size(p.estimate, unit=True) if p.estimate is not None else "—",
                          action, style=style)
    console.print(table)


def is_big_pdf(p: FitPlan) -> bool:
    return p.kind == "pdf" and p.action == "skip"


def pdf_fitter(portfolio: Portfolio, cache_dir: Path, lang: str) -> PdfFitter:
    """Shrink a given PDF over the limit with the PDF renderer, remembering the verdict.

    The verdict is kept by the source's hash, so a second run neither shrinks again
    nor rewrites the copy, and still tells the student what was done.
    """

    def fit_pdf(student: Student, item: Item, p: FitPlan, out_dir: Path) -> FitResult:
        from generator.render.pdf import PdfSettings, make_upload_pdf

        target = out_dir / PurePosixPath(upload_copy(student.slug, student.items, item.id,
                                                     ".pdf")).name
        digest = file_sha256(p.source)
        limit = portfolio.rules.files.document_max_bytes
        marker = cache_dir / "pdf" / f"{digest}-{limit}.json"
        where = (student.key, item.id, item.document)
        try:
            seen = json.loads(marker.read_text("utf-8"))
            if target.is_file() and file_sha256(target) == seen["output"]:
                found = tuple(make(f["code"], *where, **f["params"]) for f in seen["findings"])
                note_source(target, digest, store_in(cache_dir))
                return FitResult(p, target, target.stat().st_size, True, found)
        except (OSError, ValueError, KeyError, TypeError):
            pass
        settings = PdfSettings(lang=lang, today=portfolio.today, cache_dir=cache_dir / "pdf")
        result = make_upload_pdf(item, student, portfolio.rules, settings, target)
        made = target.is_file() and result.action != "failed"
        if made:
            write_text(marker, json.dumps({"output": file_sha256(target), "findings": [
                {"code": f.code, "params": f.params} for f in result.findings]},
                ensure_ascii=False, default=str))
            note_source(target, digest, store_in(cache_dir))
        return FitResult(p, target if made else None, result.size if made else None, False,
                         tuple(result.findings))

    return fit_pdf


def fit_portfolio(portfolio: Portfolio, output: Path, cache_dir: Path | None = None,
                  console: Console | None = None, lang: str = "zh-TW",
                  pdf: bool = False, reporter: Reporter | None = None) -> list[FitOutcome]:
    """Every item's upload copies, for `build`: the same work as `portfolio fit`.

    PDFs given as 文件 are left to the PDF renderer unless `pdf` is set, so that
    two renderers never write the same PDF.
    """
    limits = SizeLimits.from_rules(portfolio.rules.files)
    work = plan_portfolio(portfolio, limits, pdf)
    cache_dir = cache_dir or default_cache_dir(output)
    return run(work, output, cache_dir, limits, console, lang,
               pdf_fitter(portfolio, cache_dir, lang) if pdf else None, reporter)

