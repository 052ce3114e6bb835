"""The editor's only doors into the build, the renderers and the fitting of media.

Everything the editor needs from outside its usual imports (model, rules, content,
checks, pipeline…) is imported here and only here, each when first used: the Markdown
sanitiser of the site, the review-time estimate of the site's department pages, the
build for previews, the output's paths, and `portfolio fit`'s steps. When those
modules move, this file is the one to follow them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from generator.findings import Finding
from generator.model import Department, Portfolio, Student

# The steps a preview of an item's page needs: its pictures and its page. The PDFs,
# the upload copies and the counselor's pages are the real build's business.
PREVIEW_STEPS = frozenset({"media", "site"})


def markdown_html(text: str, image: Callable[[str, str], dict[str, str] | None]) -> str:
    """The reflection as the site renders it: the same parser and the same sanitiser."""
    from generator.render.markdown import render_markdown

    return render_markdown(text, image, heading_offset=1)


def review_time(student: Student, dep: Department) -> tuple[int, int] | None:
    """(pages, minutes) a reviewer needs for the department's selection, as the site
    estimates it; None when the estimate is not available."""
    try:
        from generator.render.site.review_time import estimate
    except ImportError:
        return None
    spent = estimate(student, dep)
    return spent.pages, spent.minutes


def item_page(slug: str, item_id: str) -> str:
    """The URL path of an item's page in the output, percent-encoded."""
    from generator.engine import output_paths as paths

    return quote(paths.item_page(slug, item_id), safe="/")


def upload_folder(output: Path, slug: str, item_id: str) -> Path:
    """Where `portfolio fit` puts an item's upload-ready copies."""
    from generator.render.upload.upload_copies import upload_dir

    return upload_dir(output, slug, item_id)


def output_url(output: Path, file: Path) -> str | None:
    """The URL path of a file in the output (for /preview/), or None when outside it."""
    try:
        rel = Path(os.path.abspath(file)).relative_to(os.path.abspath(output))
    except ValueError:
        return None
    return quote(rel.as_posix(), safe="/")


def preview(content: Path, output: Path, lang: str, today: Any) -> list[str]:
    """An incremental build of the pages (no PDFs); what could not be made."""
    from generator.pipeline.building import STEPS, build, default_renderers

    skip = frozenset(name for name, _spec in STEPS if name not in PREVIEW_STEPS)
    result = build(content, output, lang=lang, today=today, offline=True, jobs=1,
                   renderers=default_renderers(skip))
    return [f"{f.what}: {f.error}" for f in result.failures]


@dataclass
class Fitted:
    slot: str
    action: str
    output: Path | None
    size: int | None
    findings: tuple[Finding, ...]


def fit(portfolio: Portfolio, student: Student, item_id: str, output: Path,
        progress: Callable[[float], None]) -> list[Fitted]:
    """`portfolio fit` for one item: its upload-ready 文件 and 影音 in
    OUTPUT/<student>/upload/<item>/, with the progress of the whole item (0…1)."""
    from generator.render.upload.fit_batch import is_big_pdf, pdf_fitter
    from generator.render.upload.fitting import SizeLimits
    from generator.render.upload.upload_copies import (
        default_cache_dir,
        fit_item,
        jobs_and_threads,
        plan_item,
        upload_dir,
        work_weight,
    )
    from generator.support.ffmpeg import EncodeSettings as Settings

    item = student.item(item_id)
    if item is None:
        return []
    limits = SizeLimits.from_rules(portfolio.rules.files)
    from generator.engine.output_paths import upload_stem

    plans = plan_item(item, limits, student.key, stem=upload_stem(student.items, item.id))
    weights: dict[str, float] = {p.slot: max(work_weight(p), 0.01) for p in plans}
    total = sum(weights.values()) or 1.0
    done: dict[str, float] = {}

    def step(slot: str, fraction: float) -> None:
        done[slot] = fraction * weights.get(slot, 0.0)
        progress(min(1.0, sum(done.values()) / total))

    cache = default_cache_dir(output)
    out_dir = upload_dir(output, student.slug, item.id)
    big = [p for p in plans if is_big_pdf(p)]
    _jobs, threads = jobs_and_threads(1)
    outcome = fit_item(item, out_dir, cache, limits, Settings(threads=threads),
                       student_key=student.key, progress=step,
                       plans=[p for p in plans if p not in big])
    results = list(outcome.results)
    if big:
        shrink = pdf_fitter(portfolio, cache, portfolio.settings.language)
        results += [shrink(student, item, p, out_dir) for p in big]
    progress(1.0)
    return [Fitted(r.plan.slot, r.plan.action, r.output, r.size, r.findings) for r in results]
