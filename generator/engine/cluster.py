"""A build's per-student work on a Dask cluster (`build --scheduler ADDRESS`).

Locally the build forks its workers, which inherit the whole build context
(engine/workers.py). A Dask worker shares no memory with the build and may be on
another machine, so each task carries what it needs to rebuild its part of the
context, and nothing more:

- a **recipe**, one per build and sent once to every worker: the content root and the
  output (on a filesystem every machine mounts at the same path), the language, the
  theme's name, the portfolio's settings and rules, the SOURCE_DATE_EPOCH in force, and
  a digest of the tool's code and the machine's fonts, which a worker checks against
  its own (a worker with other code or other fonts would make other bytes);
- a **piece** per student, sent with each batch of that student's tasks: the
  student's model, the findings about them, and which of their outputs the build plans
  (a page links to a PDF only if the plan has it).

A worker turns the recipe into the shared part of a BuildContext once per build and
process (cached), adds the piece, and runs the very `fn(ctx, task)` the local pool
runs, with the same handling of a failing task (engine/workers.py `call`). Each
task says which student it needs (`cluster_scope`); a task that needs the whole build
(the class index) runs where the build runs, in the local pool. Writes on a worker
go through the output's guard, joined rather than claimed (support/ownership.py
`join`), so the build's record knows every file a worker wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.engine.steps import BuildPlan
from generator.support import atomic
from generator.support.atomic import OutputWriteError

if TYPE_CHECKING:
    from generator.engine.build_context import BuildContext
    from generator.findings import Finding
    from generator.model import Portfolio, Student

PACKAGE = Path(__file__).resolve().parents[1]
LOCAL = "local:"
# The environment a task's output depends on, carried from the build to its workers.
ENVIRONMENT = ("SOURCE_DATE_EPOCH",)


class ClusterError(Exception):
    """The cluster cannot run this build (exit 2): `key` and `params` say why."""

    def __init__(self, key: str, **params: str):
        super().__init__(key, params)
        self.key = key
        self.params = params

    def __reduce__(self) -> tuple[object, ...]:
        return (_cluster_error, (self.key, self.params))

    def message(self, lang: str) -> str:
        from generator.i18n import text

        return text(self.key, lang, **self.params)


def _cluster_error(key: str, params: dict[str, str]) -> ClusterError:
    return ClusterError(key, **params)


def task_scope(task: Any) -> str | None:
    """The slug of the student `task` needs, "" when it needs no student, None when it
    needs the whole build (and so runs where the build runs)."""
    scope = getattr(task, "cluster_scope", None)
    return scope if isinstance(scope, str) else None


# ---------------------------------------------------------------------- what is shipped

@dataclass(frozen=True)
class Recipe:
    """The part of a build context every task of the build shares (small, picklable)."""

    build: str                   # this build's id: workers cache per build
    content: Path
    output: Path
    cache_dir: Path
    lang: str
    theme: str
    offline: bool
    running: frozenset[str]
    portfolio: Portfolio         # settings, rules, today; no students
    environment: tuple[tuple[str, str | None], ...]
    digest: str                  # the tool's code and the machine's fonts


@dataclass(frozen=True)
class Piece:
    """One student's part of the build context."""

    student: Student | None
    findings: list[Finding]
    planned: frozenset[str]      # the student's outputs this build will have
    prefix: str                  # the student's folder in the output ("" for none)


class PlanPart(BuildPlan):
    """The part of the build's plan a student's tasks may ask about: their own outputs.
    Asking about another student's output is a mistake a test should see."""

    def __init__(self, planned: frozenset[str], prefix: str):
        super().__init__()
        self._planned, self._prefix = planned, prefix

    def has(self, rel: str) -> bool:
        if not self._prefix or not rel.startswith(self._prefix):
            raise LookupError(f"{rel}: not in this task's part of the plan ({self._prefix})")
        return rel in self._planned

    def of(self, step: str) -> list[Any]:
        raise LookupError("a task asks the plan only whether an output will be there")


@cache
def machine_digest() -> str:
    """The tool's code, words, themes and the fonts installed here: what a worker must
    share with the build to make the same bytes."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".toml", ".css", ".html", ".js", ".yaml") and path.is_file():
            h.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes())
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            fonts = subprocess.run([fc_list, "--format", "%{file}\t%{index}\n"],
                                   capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            fonts = ""
        for line in sorted(set(fonts.splitlines())):
            file = line.partition("\t")[0]
            try:
                size = os.stat(file).st_size
            except OSError:
                size = -1
            h.update(f"{line}\t{size}\n".encode())
    return h.hexdigest()


# ---------------------------------------------------------------------- on a worker

_WORKER_LOCK = threading.Lock()   # one task at a time per process (its env and guard)
_SHARED: dict[str, tuple[Recipe, Any]] = {}


def _shared(recipe: Recipe) -> Any:
    """The guard for this build on this worker, made once per build and process."""
    from generator.support.ownership import join

    found = _SHARED.get(recipe.build)
    if found is not None:
        return found[1]
    if machine_digest() != recipe.digest:
        raise ClusterError("cluster-worker-differs", host=_host())
    marker = recipe.output / ".portfolio" / "cluster" / recipe.build
    if not marker.exists():
        raise ClusterError("cluster-output-not-shared", host=_host(), output=str(recipe.output))
    guard = join(recipe.output)
    _SHARED[recipe.build] = (recipe, guard)
    while len(_SHARED) > 4:   # builds this worker served before: long over
        _SHARED.pop(next(iter(_SHARED)))
    return guard


def _host() -> str:
    import socket

    return socket.gethostname()


def context_of(recipe: Recipe, piece: Piece) -> BuildContext:
    """The build context a task of `piece`'s student runs with, away from the build."""
    from generator.checks.content_check import CheckedContent
    from generator.engine.build_context import BuildContext
    from generator.engine.output_record import DetachedState
    from generator.engine.themes import Theme

    students = [piece.student] if piece.student is not None else []
    portfolio = replace(recipe.portfolio, students=students)
    return BuildContext(
        check=CheckedContent(portfolio, list(piece.findings), recipe.lang),
        output=recipe.output, lang=recipe.lang, jobs=1, cache_dir=recipe.cache_dir,
        state=DetachedState(recipe.output), theme=Theme.resolve(recipe.content, recipe.theme),
        offline=recipe.offline, plan=PlanPart(piece.planned, piece.prefix),
        running=recipe.running)


@contextmanager
def environment(pairs: tuple[tuple[str, str | None], ...]) -> Iterator[None]:
    before = {name: os.environ.get(name) for name, _ in pairs}
    try:
        for name, value in pairs:
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_chunk(recipe: Recipe, piece: Piece, fn: Callable[..., Any],
              tasks: Sequence[Any]) -> list[Any]:
    """On a worker: `fn(ctx, task)` for each task, as the local pool runs them."""
    from generator.engine.workers import call

    with _WORKER_LOCK:
        guard = _shared(recipe)
        ctx = context_of(recipe, piece)
        previous = atomic.set_guard(guard)
        try:
            with environment(recipe.environment):
                return [call(fn, ctx, task) for task in tasks]
        finally:
            atomic.set_guard(previous)


# ---------------------------------------------------------------------- in the build

@dataclass
class Cluster:
    """A connection to a Dask scheduler (or a LocalCluster this build started)."""

    address: str
    client: Any
    local: Any = None
    build: str = field(default_factory=lambda: uuid.uuid4().hex)
    _recipe: Any = None
    _marker: Path | None = None

    @property
    def workers(self) -> int:
        info = self.client.scheduler_info()
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def close(self) -> None:
        if self._marker is not None:
            self._marker.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                self._marker.parent.rmdir()
        self.client.close()
        if self.local is not None:
            self.local.close()

    def recipe(self, ctx: BuildContext) -> Recipe:
        return recipe_of(ctx, self.build, machine_digest())

    def run(self, ctx: BuildContext, fn: Callable[..., Any], tasks: Sequence[Any],
            on_done: Callable[[Any], None] | None,
            local: Callable[[Sequence[Any], Callable[[Any], None] | None], list[Any]]
            ) -> list[Any]:
        """`fn(ctx, task)` for every task, per-student tasks on the cluster, the others
        by `local`; results in the order of `tasks`."""
        from distributed import as_completed

        results: list[Any] = [None] * len(tasks)
        by_scope: dict[str, list[int]] = {}
        here: list[int] = []
        for n, task in enumerate(tasks):
            scope = task_scope(task)
            (here if scope is None else by_scope.setdefault(scope, [])).append(n)
        if not by_scope:
            return local(tasks, on_done)
        self._mark(ctx)
        if self._recipe is None:
            self._recipe = self.client.scatter(self.recipe(ctx), broadcast=True, hash=False)
        pieces = pieces_of(ctx, sorted(by_scope))
        per = max(1, min(16, len(tasks) // (self.workers * 4)))
        futures: dict[Any, list[int]] = {}
        for scope, numbers in by_scope.items():
            for start in range(0, len(numbers), per):
                part = numbers[start:start + per]
                # The piece rides with each chunk rather than being scattered once: a
                # scattered piece would tie its student's tasks to the worker holding it.
                future = self.client.submit(run_chunk, self._recipe, pieces[scope], fn,
                                            [tasks[n] for n in part], pure=False)
                futures[future] = part
        if here:
            for n, result in zip(here, local([tasks[n] for n in here], on_done), strict=True):
                results[n] = result
        for future in as_completed(list(futures)):
            part = futures[future]
            try:
                done = future.result()
            except (OutputWriteError, ClusterError):
                self._cancel(futures)
                raise
            except Exception as exc:  # a worker died, a task could not be shipped
                from generator.engine.workers import TaskFailed

                done = [TaskFailed(tasks[n], exc) for n in part]
            for n, result in zip(part, done, strict=True):
                results[n] = result
                if on_done:
                    on_done(result)
        return results

    def _mark(self, ctx: BuildContext) -> None:
        """A file each worker looks for: the output is the same folder where it runs."""
        marker = ctx.output / ".portfolio" / "cluster" / self.build
        if self._marker is None:
            atomic.make_dirs(marker.parent)
            atomic.write_text(marker, self.address + "\n")
            self._marker = marker

    def _cancel(self, futures: dict[Any, list[int]]) -> None:
        self.client.cancel(list(futures))


def recipe_of(ctx: BuildContext, build: str, digest: str) -> Recipe:
    """The shared part of `ctx`, to rebuild it elsewhere (`context_of`)."""
    portfolio = replace(ctx.portfolio, students=[])
    return Recipe(build, ctx.content.resolve(), ctx.output.resolve(), ctx.cache_dir.resolve(),
                  ctx.lang, ctx.theme.name, ctx.offline, ctx.running, portfolio,
                  tuple((name, os.environ.get(name)) for name in ENVIRONMENT), digest)


def pieces_of(ctx: BuildContext, scopes: list[str]) -> dict[str, Piece]:
    """Each student's piece (scope "" is the piece of no student)."""
    from generator.engine import output_paths as paths

    wanted = set(scopes)
    students = {s.slug: s for s in ctx.students() if s.slug in wanted}
    findings: dict[str, list[Finding]] = {}
    keys = {s.key: s.slug for s in students.values()}
    for f in ctx.check.findings:
        slug = keys.get(f.student or "")
        if slug is not None:
            findings.setdefault(slug, []).append(f)
    planned: dict[str, set[str]] = {}
    prefixes = {slug: paths.student_dir(slug) + "/" for slug in students}
    heads = {prefix.split("/", 1)[0]: slug for slug, prefix in prefixes.items()}
    for rel in ctx.plan.rels():
        slug = heads.get(rel.split("/", 1)[0])
        if slug is not None and rel.startswith(prefixes[slug]):
            planned.setdefault(slug, set()).add(rel)
    out = {}
    for scope in scopes:
        student = students.get(scope)
        out[scope] = Piece(student, findings.get(scope, []),
                           frozenset(planned.get(scope, ())),
                           prefixes.get(scope, "") if student else "")
    return out


def parse(spec: str) -> tuple[str, int | None]:
    """`local:N` → ("local", N); anything else is a scheduler's address."""
    if spec.startswith(LOCAL):
        count = spec[len(LOCAL):]
        if not count.isdigit() or int(count) < 1:
            raise ValueError(spec)
        return "local", int(count)
    if not spec.strip():
        raise ValueError(spec)
    return spec.strip(), None


@contextmanager
def connect(spec: str | None) -> Iterator[Cluster | None]:
    """The cluster `spec` names for the time of a build (None: no cluster)."""
    if spec is None:
        yield None
        return
    address, count = parse(spec)
    import logging

    import dask
    from distributed import Client, LocalCluster

    local = None
    try:
        if count is not None:
            # One thread per worker process: tasks are CPU-bound Python (the GIL), and
            # a worker runs one task at a time anyway (its environment, its guard). No
            # sampling profiler in the workers: nobody reads it (there is no dashboard),
            # and it cost a tenth of a realistic student's CPU.
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                local = LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                                     dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(local)
            address = local.scheduler_address
        else:
            client = Client(address, timeout="10s")
    except Exception as exc:  # refused, timed out, a LocalCluster that could not start
        if local is not None:
            with contextlib.suppress(Exception):
                local.close()
        raise ClusterError("cluster-unreachable", address=address,
                           reason=str(exc).strip() or type(exc).__name__) from exc
    cluster = Cluster(address, client, local)
    try:
        yield cluster
    finally:
        cluster.close()
