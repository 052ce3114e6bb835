"""A build step, and the plan every step's outputs are gathered into before any is made.

A build runs in two phases, as Pelican's generators and MkDocs' files do:

1. **plan**: every step says what it will make, `plan(ctx) -> [Output]` (where it goes,
   the fingerprint of what it is made from, the task that makes it). The build gathers
   all of them into one `BuildPlan` before anything is written, so a step that links to
   another's output (the site to the PDFs) asks the plan, never guesses. An output whose
   fingerprint is "" is fingerprinted when it is made, because it shows what earlier
   steps found (the upload list, the counselor's pages).
2. **run**: each step in turn makes its outputs that are not fresh, `run(ctx)`, reading
   its own planned outputs from `ctx.plan.of(name)`.

The sequence of steps is the build's own (`generator.pipeline.building.STEPS`), so
this layer never imports a step.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from generator.engine.build_context import BuildContext


@dataclass(frozen=True)
class Output:
    """One file a step will make: where, from what (fingerprint), and how (task)."""

    rel: str             # relative to the output folder (engine.output_paths)
    fingerprint: str
    task: Any = None     # what the step's run needs to make it (small, picklable)


@runtime_checkable
class Step(Protocol):
    name: str

    def plan(self, ctx: BuildContext) -> Sequence[Output]: ...

    def run(self, ctx: BuildContext) -> None: ...


class BuildPlan:
    """Every output of this build, by the step that makes it.

    The build plans its steps from last to first: a step links only to outputs of the
    steps after it (a page to the PDFs, the lists, the checklists), so its plan can ask
    about them. Two steps may plan one path: the first to plan it, the later step in the
    sequence, owns it (the counselor's dashboard is the class index the site would
    otherwise write). Outputs of steps that do not run this time but made them before,
    and are still there, count as planned.
    """

    def __init__(self) -> None:
        self._owner: dict[str, str] = {}
        self._by_step: dict[str, list[Output]] = {}
        self._kept: set[str] = set()
        self._sorted: list[str] | None = None   # every rel, sorted, for `under`

    def add(self, step: str, outputs: Iterable[Output]) -> None:
        mine = self._by_step.setdefault(step, [])
        self._sorted = None
        for output in outputs:
            mine.append(output)
            self._owner.setdefault(output.rel, step)

    def keep(self, rels: Iterable[str]) -> None:
        """Outputs an earlier build made that stay, their step not running now."""
        self._kept.update(rels)
        self._sorted = None

    def has(self, rel: str) -> bool:
        """Whether `rel` is there once this build is done (to link to it)."""
        return rel in self._owner or rel in self._kept

    def under(self, folder: str) -> list[str]:
        """Every output planned (or kept) inside `folder`, sorted."""
        prefix = folder.rstrip("/") + "/"
        # A page asks this of every item it lists: a search in the sorted outputs, not a
        # scan of every output of the class.
        if self._sorted is None:
            self._sorted = sorted({*self._owner, *self._kept})
        rels, out = self._sorted, []
        for n in range(bisect_left(rels, prefix), len(rels)):
            if not rels[n].startswith(prefix):
                break
            out.append(rels[n])
        return out

    def owner(self, rel: str) -> str | None:
        return self._owner.get(rel)

    def of(self, step: str) -> list[Output]:
        """What `step` makes: only the outputs it owns."""
        return [o for o in self._by_step.get(step, []) if self._owner.get(o.rel) == step]

    def rels(self) -> set[str]:
        """Every output this build will have (to hand a student's part to a worker)."""
        return set(self._owner) | self._kept

    def __len__(self) -> int:
        return len(self._owner)
