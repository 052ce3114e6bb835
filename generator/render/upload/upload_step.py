"""The build's upload step: every item's upload-ready 影音 and image 文件.

The same work as `portfolio fit`, through the same cache, so `fit` then `build` (or
the other way round) encodes nothing twice. PDFs are the PDF renderer's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.render.upload.fit_batch import fit_portfolio

if TYPE_CHECKING:
    from generator.engine.build_context import BuildContext


class UploadMediaRenderer:
    name = "upload"

    def run(self, ctx: BuildContext) -> None:
        outcomes = fit_portfolio(ctx.portfolio, ctx.output, lang=ctx.lang, pdf=False,
                                 reporter=ctx.reporter)
        known = set(ctx.check.findings)
        for outcome in outcomes:
            for finding in outcome.findings:
                if finding not in known:
                    ctx.check.findings.append(finding)
                    known.add(finding)
