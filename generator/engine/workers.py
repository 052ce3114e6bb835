"""Spreading independent pieces of work (pages, thumbnails) over the cores.

Workers are forked, so they inherit the loaded portfolio and the build context
instead of receiving a pickled copy of it: a task sends only its small key and gets
back a small result. On a Dask cluster (`build --scheduler`) a task's context is
rebuilt on the worker instead (engine/cluster.py), around the same `call`. Where
fork is unavailable, or one core is asked for, the work runs in this process.
Workers die with the build (generator.support.lifeline), and an output that takes
no more writes (disk full, read-only) stops the build rather than failing every
task one by one.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from generator.support.atomic import OutputWriteError, as_write_error, is_fatal
from generator.support.lifeline import worker_initializer

if TYPE_CHECKING:
    from generator.engine.build_context import BuildContext

T = TypeVar("T")
R = TypeVar("R")

_SHARED: tuple[BuildContext, Callable[..., Any]] | None = None

# Workers are replaced after about this many tasks each. WeasyPrint and Pillow keep
# caches that grow with every document, so a worker that drew a whole grade's PDFs
# held several times the memory of one that drew a class's; fresh forks keep the
# peak where a class of 40 puts it, for the cost of one fork per batch. A step whose
# tasks keep nothing (the site's pages) asks for no such renewal: each new worker redoes
# its lazy loads (templates, modules), about 60 ms a pool, a third of a pages-only build.
TASKS_PER_WORKER = 100


class TaskFailed:
    """What a task that raised returns instead of its result: the build goes on."""

    def __init__(self, task: Any, error: BaseException):
        self.task = task
        self.error = f"{type(error).__name__}: {error}"
        self.trace = traceback.format_exc()

    def __repr__(self) -> str:
        return f"TaskFailed({self.task!r}, {self.error!r})"


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def call(fn: Callable[..., Any], ctx: BuildContext, task: Any) -> Any:
    """`fn(ctx, task)`, or the TaskFailed that says why not (here, in a forked worker,
    or on a cluster's worker: engine/cluster.py)."""
    try:
        return fn(ctx, task)
    except OutputWriteError:
        raise
    except Exception as exc:  # one bad file must not stop the other pages
        if isinstance(exc, OSError) and is_fatal(exc):
            raise as_write_error(exc, None if exc.filename else ctx.output) from None
        return TaskFailed(task, exc)


def _in_worker(batch: list[Any]) -> list[Any]:
    assert _SHARED is not None
    ctx, fn = _SHARED
    return [call(fn, ctx, task) for task in batch]


def batches(tasks: Sequence[T], jobs: int) -> list[list[T]]:
    """`tasks` in the batches workers take them in, in order.

    A student's tasks (their `cluster_scope`) go together, so that what a worker works
    out for one of a student's pages (its items' files, its texts) serves the others,
    instead of each of two workers working it out for half of them; such a batch holds
    at most an eighth of each worker's share, so the work still spreads to the end.
    Other tasks (pictures to derive, of very different costs) go in small batches."""
    chunk = max(1, min(16, len(tasks) // (jobs * 4)))
    most = max(chunk, -(-len(tasks) // (jobs * 8)))
    out: list[list[T]] = []
    scope: object = None
    for task in tasks:
        here = getattr(task, "cluster_scope", None) or None
        if out and here == scope and len(out[-1]) < (chunk if here is None else most):
            out[-1].append(task)
        else:
            out.append([task])
        scope = here
    return out


def run_tasks(ctx: BuildContext, fn: Callable[[BuildContext, T], R], tasks: Sequence[T],
              on_done: Callable[[Any], None] | None = None,
              step: str = "", renew: bool = True) -> list[R | TaskFailed]:
    """`fn(ctx, task)` for every task, in order; a task that raises gives a TaskFailed.

    `fn` must be a module-level function. It may write files under the output and
    the cache; it must not change `ctx` (changes made in a worker are lost). On a
    cluster (`ctx.cluster`, engine/cluster.py) the tasks that name their student run
    there, the others here. A `step` with a helper forked early (`ctx.warm`,
    engine/warm_workers.py) runs its tasks in the helper's workers. `renew`: fresh
    workers every TASKS_PER_WORKER tasks each (for tasks whose libraries keep caches).
    """
    if ctx.cluster is not None and tasks:
        # The few tasks that need the whole build (the class index) run in this process:
        # forking beside the Dask client's threads could copy a lock one of them holds.
        return ctx.cluster.run(ctx, fn, tasks, on_done,
                               lambda here, done: _run_here(ctx, fn, here, done, may_fork=False))
    helper = ctx.warm.get(step) if step else None
    if helper is not None and ctx.jobs > 1:   # one task too: the helper has it loaded
        return helper.run(ctx, fn, tasks, on_done,
                          lambda here, done: _run_here(ctx, fn, here, done))
    return _run_here(ctx, fn, tasks, on_done, renew=renew)


def _run_here(ctx: BuildContext, fn: Callable[[BuildContext, T], R], tasks: Sequence[T],
              on_done: Callable[[Any], None] | None,
              may_fork: bool = True, renew: bool = True) -> list[R | TaskFailed]:
    global _SHARED
    jobs = min(ctx.jobs, len(tasks))
    fork = may_fork and "fork" in multiprocessing.get_all_start_methods()
    results: list[Any] = []
    if jobs <= 1 or not fork:
        for task in tasks:
            results.append(call(fn, ctx, task))
            if on_done:
                on_done(results[-1])
        return results
    _SHARED = (ctx, fn)
    batch = jobs * TASKS_PER_WORKER if renew else len(tasks)
    # What this process holds is the workers' to read, not to collect: frozen, no
    # collection in a worker walks (and so copies, page by page) the build's whole model.
    gc.freeze()
    try:
        for start in range(0, len(tasks), batch):
            part = tasks[start:start + batch]
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                     initializer=worker_initializer()) as pool:
                for done in pool.map(_in_worker, batches(part, jobs)):
                    for result in done:
                        results.append(result)
                        if on_done:
                            on_done(result)
    finally:
        _SHARED = None
        gc.unfreeze()
    return results
