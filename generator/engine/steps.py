"""The protocol of a build step (a renderer): what `build()` asks of each.

A step has a `name` and a `run(ctx)` that writes its part of the output (see
`BuildContext` for what it may use). The sequence of steps is the build's own
(`generator.commands.build_pipeline.STEPS`), so this layer never imports a step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from generator.engine.build_context import BuildContext


@runtime_checkable
class Renderer(Protocol):
    name: str

    def run(self, ctx: BuildContext) -> None: ...
