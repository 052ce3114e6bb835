"""Derived media (placeholder)."""

from __future__ import annotations

from generator.build.context import BuildContext


class MediaRenderer:
    name = "media"

    def run(self, ctx: BuildContext) -> None:
        pass
