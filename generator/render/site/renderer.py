"""The browsable site (placeholder until the pages land)."""

from __future__ import annotations

from generator.build.context import BuildContext


class SiteRenderer:
    name = "site"

    def run(self, ctx: BuildContext) -> None:
        pass
