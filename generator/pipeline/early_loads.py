"""What a step's workers need loaded before the step runs, loaded in a helper forked as
soon as a build is known to be needed (engine/warm_workers.py).

The PDF step's workers need WeasyPrint, the print theme and the PDF libraries: about a
second of one core to load, which the build's other core can spend while the build
reads the content. This module is light on purpose: the build command starts the
helpers before it imports the model, the rules or any step.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from generator.engine.warm_workers import WarmWorkers
from generator.support.ownership import derived_dir, is_ours

# A step's name: the library whose load a helper hides, and what loads it
# ("module:function", called with the content root and the build's cache of derived
# files). Steps that load the same share one helper: the kit and the checklists print
# with WeasyPrint too. A process that has the library loaded already (`serve` after its
# first build, a script that builds twice) gains nothing from a helper: its own workers
# inherit it, as without one.
_PRINTING = ("weasyprint", "generator.render.pdf.pdf_step:load_early")
EARLY: dict[str, tuple[str, str]] = {
    "kit": _PRINTING,
    "pdf": _PRINTING,
    "compare": _PRINTING,
}


@contextmanager
def started(given: dict[str, WarmWorkers] | None, steps: Sequence[str], content: Path,
            output: Path, jobs: int | None, scheduler: str | None
            ) -> Iterator[dict[str, WarmWorkers]]:
    """The helpers of `steps` (those `given`, or started now), stopped when the build
    ends. None on a cluster (its workers load their own), with one core, for a first
    build, or for a library this process has loaded already."""
    if given is not None:
        yield given
        return
    from generator.engine.workers import default_jobs

    helpers: dict[str, WarmWorkers] = {}
    by_spec: dict[str, WarmWorkers | None] = {}
    # A rebuild, not a first build: one into an empty output makes everything, and its
    # media step keeps both cores busy while the first printing step loads WeasyPrint
    # itself, so a helper would only add its own imports (measured: the same wall time,
    # more CPU). A rebuild after an edit is where the second core sits idle.
    if scheduler is None and (jobs or default_jobs()) > 1 and is_ours(output):
        for name in steps:
            library, spec = EARLY.get(name, ("", ""))
            if not spec or library in sys.modules:
                continue
            if spec not in by_spec:
                by_spec[spec] = WarmWorkers.start(spec, content, derived_dir(output))
            helper = by_spec[spec]
            if helper is not None:
                helpers[name] = helper
    try:
        yield helpers
    finally:
        for helper in set(helpers.values()):
            helper.stop()


def stop_idle(helpers: dict[str, WarmWorkers], idle: set[str]) -> None:
    """Drop the helpers of the `idle` steps (nothing to make); a helper no step needs
    any more stops, where its load got to."""
    for name in idle & set(helpers):
        helper = helpers.pop(name)
        if helper not in helpers.values():
            helper.stop()
