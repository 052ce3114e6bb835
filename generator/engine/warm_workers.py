"""A step's workers forked from a helper that loaded the step's libraries early.

The PDF step first loads WeasyPrint, the print theme's stylesheet, fonts and templates
(about 0.7 s of one core), then forks its workers, which inherit them. Until that step
the build has spent a second or more on one core: starting, reading and checking the
content, planning, the steps before. One changed item's PDFs take about as long again,
so the load was a third of the step.

So the build forks a helper for such a step at its start (`WarmWorkers.start`, with what
pipeline/early_loads.py names for the step): the helper loads it on the other core while
the build reads the content, then waits. When the step runs, its tasks go to the helper
(`run`), which forks the workers from itself: they start with everything loaded. The
helper was forked before the content was read and before the build claimed its output,
so a wave of tasks carries its context the way a cluster's tasks do, and the helper
joins the claim as a cluster's worker does (engine/cluster.py: the recipe, each
student's piece, a journal of its own). Until then it writes nothing: what it loads
early is only read (compiled templates are kept by a process that holds the claim).

The helper only ever saves time. When it cannot run a wave (it died, a worker of its
died, a message could not be sent), the tasks it did not answer run in the build's own
pool, as without it; a task's own error is its TaskFailed as anywhere. A step whose
outputs are all fresh drops its helper after planning, and the build stops every helper
when it ends (pipeline/early_loads.py, which also says when none is started). The
helper and its workers die with the build (support/lifeline.py).
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from generator.engine import cluster
from generator.engine.workers import TASKS_PER_WORKER, call
from generator.support import atomic
from generator.support.atomic import OutputWriteError
from generator.support.lifeline import die_with_parent, worker_initializer
from generator.support.ownership import join

if TYPE_CHECKING:
    from generator.engine.build_context import BuildContext

Local = Callable[[Sequence[Any], Callable[[Any], None] | None], list[Any]]

# In the helper (and its workers): each student's context (by task scope) and the wave's
# function.
_CONTEXTS: dict[str, Any] = {}
_FN: list[Callable[..., Any]] = []
_UNANSWERED = object()


class WarmWorkers:
    """The build's side of one helper."""

    def __init__(self, process: Any, conn: Connection):
        self._process = process
        self._conn: Connection | None = conn

    @property
    def pid(self) -> int:
        return int(self._process.pid)

    @classmethod
    def start(cls, early: str, *args: Any) -> WarmWorkers | None:
        """A helper that calls `early` ("module:function") with `args` now, then waits
        for tasks (None: no fork here). The helper imports the module itself: the build
        need not have imported it yet."""
        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        # What the build printed must not be printed again by the helper when it ends.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                stream.flush()
        mine, theirs = multiprocessing.Pipe()
        process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(theirs, early, args, os.getpid()), daemon=False,
            name="portfolio-warm-workers")
        process.start()
        theirs.close()
        return cls(process, mine)

    def alive(self) -> bool:
        return self._conn is not None and self._process.is_alive()

    def run(self, ctx: BuildContext, fn: Callable[..., Any], tasks: Sequence[Any],
            on_done: Callable[[Any], None] | None, local: Local) -> list[Any]:
        """`fn(ctx, task)` for every task (results in order): in the helper's workers,
        or by `local` for what the helper does not answer."""
        results: list[Any] = [_UNANSWERED] * len(tasks)
        scopes = {cluster.task_scope(t) for t in tasks}
        if tasks and None not in scopes and self.alive():
            self._wave(ctx, fn, tasks, sorted(s for s in scopes if s is not None),
                       results, on_done)
        rest = [n for n, result in enumerate(results) if result is _UNANSWERED]
        if rest:
            for n, result in zip(rest, local([tasks[n] for n in rest], on_done), strict=True):
                results[n] = result
        return results

    def _wave(self, ctx: BuildContext, fn: Callable[..., Any], tasks: Sequence[Any],
              scopes: list[str], results: list[Any],
              on_done: Callable[[Any], None] | None) -> None:
        assert self._conn is not None
        try:
            self._conn.send((cluster.recipe_of(ctx, "warm", ""), cluster.pieces_of(ctx, scopes),
                             fn, list(tasks), ctx.jobs))
            while True:
                kind, n, said = self._conn.recv()
                if kind == "done":
                    results[n] = said
                    if on_done:
                        on_done(said)
                elif kind == "raise":
                    raise said
                elif kind == "end":
                    break
                else:   # "gone": the helper cannot go on; the build runs the rest
                    self.stop()
                    break
        except OutputWriteError:
            raise
        except Exception:  # a message that could not be sent or read: the helper is done
            self.stop()

    def stop(self) -> None:
        """Ends the helper (and its workers with it) at once. Between waves it has nothing
        in hand: its workers' writes are done and recorded. Mid-load it writes nothing;
        mid-wave, the build was interrupted."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)


def _serve(conn: Connection, early: str, args: tuple[Any, ...], parent: int) -> None:
    """The helper: load early, then run waves of tasks until told to stop."""
    die_with_parent(parent)
    # A load that fails here fails again in the step's own run, which says why.
    with contextlib.suppress(Exception):
        module, _, name = early.partition(":")
        getattr(importlib.import_module(module), name)(*args)
    while True:
        try:
            recipe, pieces, fn, tasks, jobs = conn.recv()
        except (EOFError, OSError):   # the build closed its end: done
            return
        try:
            # Forked before the build claimed its output (or beside the claim): its
            # workers write as a cluster's do, in their own journal (engine/cluster.py).
            if not atomic.guarded():
                atomic.set_guard(join(recipe.output))
            _CONTEXTS.clear()
            _CONTEXTS.update({scope: cluster.context_of(recipe, piece)
                              for scope, piece in pieces.items()})
            _FN[:] = [fn]
            with cluster.environment(recipe.environment):
                _pool(conn, tasks, jobs)
        except OutputWriteError as exc:
            conn.send(("raise", -1, exc))
        except Exception as exc:  # a worker that died, a context that could not be made
            conn.send(("gone", -1, repr(exc)))
        else:
            conn.send(("end", -1, None))


def _in_worker(task: Any) -> Any:
    return call(_FN[0], _CONTEXTS[cluster.task_scope(task) or ""], task)


def _pool(conn: Connection, tasks: Sequence[Any], jobs: int) -> None:
    """The wave over `jobs` workers forked from here, each result sent as it comes (in
    order), with fresh workers every TASKS_PER_WORKER tasks each (engine/workers.py). One
    task runs here, as the build's own pool runs one task in the build: a fork would
    only add its cost (one changed item's upload 文件 is such a wave)."""
    if len(tasks) == 1:
        conn.send(("done", 0, _in_worker(tasks[0])))
        return
    batch = jobs * TASKS_PER_WORKER
    for start in range(0, len(tasks), batch):
        part = tasks[start:start + batch]
        chunk = max(1, min(16, len(part) // (jobs * 4)))
        with ProcessPoolExecutor(min(jobs, len(part)),
                                 mp_context=multiprocessing.get_context("fork"),
                                 initializer=worker_initializer()) as pool:
            for n, result in enumerate(pool.map(_in_worker, part, chunksize=chunk), start):
                conn.send(("done", n, result))
