"""The build context: everything a renderer needs, handed to each in turn."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from generator.checks.content_check import CheckedContent
from generator.engine.output_record import BuildState
from generator.engine.progress import Reporter
from generator.engine.steps import BuildPlan
from generator.engine.themes import Theme
from generator.engine.workers import TaskFailed, run_tasks
from generator.findings import Finding, counselor_only
from generator.model import Item, Portfolio, Student
from generator.support.atomic import make_dirs

if TYPE_CHECKING:
    from generator.engine.cluster import Cluster
    from generator.engine.warm_workers import WarmWorkers

T = TypeVar("T")
R = TypeVar("R")


@cache
def tool_version() -> str:
    try:
        return version("portfolio")
    except PackageNotFoundError:
        return "dev"


@dataclass
class Failure:
    """A piece of output that could not be made (the rest of the build went on)."""

    renderer: str
    what: str
    error: str
    code: str = ""   # a stable name for scripts, where there is one ("output-not-ours")
    trace: str = field(default="", repr=False)  # the traceback, shown with --debug

    def record(self) -> dict[str, str]:
        """What the build's state keeps of it (not the traceback: paths of this machine)."""
        return {"renderer": self.renderer, "what": self.what, "error": self.error,
                "code": self.code}


@dataclass
class BuildContext:
    """One build: the checked content, where output goes, and the memory of the last build.

    Steps read the model and findings, write under `output`, keep derived files under
    `cache_dir`, and ask `state` (through `fresh`/`record`) what is already up to date.
    `plan` holds every output of this build, gathered from every step before any runs
    (see `engine.steps`): a step links to another's output only if the plan has it.
    """

    check: CheckedContent
    output: Path
    lang: str
    jobs: int
    cache_dir: Path
    state: BuildState
    theme: Theme
    offline: bool = False
    reporter: Reporter = field(default_factory=lambda: Reporter(live=False))
    plan: BuildPlan = field(default_factory=BuildPlan)
    running: frozenset[str] = frozenset()   # the names of this build's steps
    failures: list[Failure] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    cluster: Cluster | None = None           # `--scheduler`: per-student tasks run there
    # What a step worked out once for the steps after it, by name (`item_files` once the
    # media step has made every web copy). Forked workers each fill their own copy.
    memo: dict[str, Any] = field(default_factory=dict)
    # Steps' helpers forked at the build's start, by step name (engine/warm_workers.py).
    warm: dict[str, WarmWorkers] = field(default_factory=dict)
    _shown: list[Finding] = field(default_factory=list, init=False, repr=False)
    _shown_for: list[Finding] | None = field(default=None, init=False, repr=False)
    _shown_len: int = field(default=-1, init=False, repr=False)

    @property
    def portfolio(self) -> Portfolio:
        return self.check.portfolio

    @property
    def findings(self) -> list[Finding]:
        """What the student-facing output shows: every finding but the counselor's own
        (about comment files), which only the counselor step reads, from `check`."""
        every = self.check.findings
        # Renderers may add findings (the PDF step does): refilter when the list grew.
        if self._shown_for is not every or self._shown_len != len(every):
            self._shown = [f for f in every if not counselor_only(f)]
            self._shown_for, self._shown_len = every, len(every)
        return self._shown

    @property
    def today(self) -> date:
        return self.portfolio.today

    @property
    def content(self) -> Path:
        return self.portfolio.root

    def students(self) -> list[Student]:
        return self.portfolio.students

    def student(self, slug: str) -> Student:
        """The student whose folder is `slug` (tasks carry names, not students)."""
        found = next((s for s in self.portfolio.students if s.slug == slug), None)
        if found is None:
            raise KeyError(slug)
        return found

    def findings_for(self, student: Student, item: Item | None = None) -> list[Finding]:
        """Findings about one student (item None: all of theirs), in the build's language."""
        return [f.localized(self.lang) for f in self.findings if f.student == student.key
                and (item is None or f.item == item.id)]

    def fingerprint(self, *parts: Any) -> str:
        """A hash of the inputs of one output; tool version and language are always in."""
        h = hashlib.sha256()
        h.update(json.dumps([tool_version(), self.lang, *parts], sort_keys=True, default=str,
                            ensure_ascii=False).encode())
        return h.hexdigest()

    def fresh(self, rel: str, fingerprint: str) -> bool:
        return self.state.fresh(rel, fingerprint)

    def record(self, rel: str, fingerprint: str, renderer: str) -> None:
        self.state.record(rel, fingerprint, renderer)

    def path(self, rel: str) -> Path:
        """The output path of `rel` (POSIX, relative to the output folder), parents made."""
        from generator.engine.output_paths import output_path

        target = output_path(self.output, rel)  # refuses a path that would leave the output
        # A file not ours in the way is said by the write itself (atomic.write_bytes).
        with contextlib.suppress(FileExistsError, NotADirectoryError):
            make_dirs(target.parent)
        return target

    def run(self, label: str, fn: Callable[[BuildContext, T], R], tasks: Sequence[T],
            renderer: str = "", renew: bool = True) -> list[R | TaskFailed]:
        """`fn(self, task)` for each task over `jobs` cores, with a progress bar.

        A task that raises is reported as a Failure and gives a TaskFailed result.
        `renew=False` keeps the same workers for every task (engine/workers.py).
        """
        step = self.reporter.task(label, len(tasks))

        def done(result: Any) -> None:
            step.advance()
            if isinstance(result, TaskFailed):
                self.failures.append(Failure(renderer or label, str(result.task), result.error,
                                             trace=result.trace))

        try:
            return run_tasks(self, fn, tasks, done, step=renderer, renew=renew)
        finally:
            step.done()
