"""The build's upload step: every item's upload-ready 影音 and image 文件.

The same work as `portfolio fit`, through the same cache, so `fit` then `build` (or
the other way round) encodes nothing twice. PDFs are the PDF renderer's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.engine import output_paths as paths
from generator.engine.steps import Output
from generator.render.upload.fit_batch import fit_portfolio, plan_portfolio
from generator.render.upload.fitting import SizeLimits
from generator.render.upload.upload_copies import fitted_findings

if TYPE_CHECKING:
    from generator.engine.build_context import BuildContext


# What a fit plan does that leaves an upload copy behind.
MAKES_A_FILE = frozenset({"copy", "remux", "transcode", "shrink", "clean"})


class UploadStep:
    name = "upload"

    def plan(self, ctx: BuildContext) -> list[Output]:
        """Each upload copy to make: named by its plan, fingerprinted by its source and
        what is to be done to it (the fit's own cache makes nothing twice)."""
        limits = SizeLimits.from_rules(ctx.portfolio.rules.files)
        out = []
        for student, item, plans in plan_portfolio(ctx.portfolio, limits, pdf=False):
            for p in plans:
                if p.output_name and p.action in MAKES_A_FILE:
                    rel = paths.upload_file(student.slug, item.id, p.output_name)
                    out.append(Output(rel, ctx.fingerprint(
                        "upload", rel, item.files[p.source.name].sha256
                        if p.source.name in item.files else str(p.source),
                        p.action, p.estimate, p.detail)))
        return out

    def run(self, ctx: BuildContext) -> None:
        outcomes = fit_portfolio(ctx.portfolio, ctx.output, lang=ctx.lang, pdf=False,
                                 reporter=ctx.reporter)
        known = set(ctx.check.findings)
        for outcome in outcomes:
            for finding in outcome.findings:
                if finding not in known:
                    ctx.check.findings.append(finding)
                    known.add(finding)
        # A copy made now stands in for its original over the limit, as in `check`.
        ctx.check.findings = fitted_findings(ctx.portfolio, ctx.check.findings, ctx.output)
