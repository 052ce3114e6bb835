"""The PDF step's helper (engine/warm_workers.py, pipeline/early_loads.py): forked as the
build starts, it loads what the step's workers need while the build reads the content;
the step's tasks then run in workers forked from it. It only ever saves time: a helper
that is gone, or dies mid-wave, leaves its tasks to the build's own pool; it writes
nothing before the build has claimed its output, and nothing outlives the build."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.checks.content_check import check_content
from generator.engine.build_context import BuildContext
from generator.engine.warm_workers import WarmWorkers
from generator.pipeline.building import make_context
from generator.render.pdf.pdf_step import load_early
from generator.support.atomic import write_bytes
from generator.support.ownership import derived_dir, holding, read_state
from tests.builder import ContentBuilder, settle

# Set by `_load` in the helper: what its workers inherit, and this process never has.
LOADED: list[int] = []


def _load(mark: str) -> None:
    LOADED.append(os.getpid())
    os.environ["WARM_TEST_MARK"] = mark


@dataclass(frozen=True)
class _Task:
    student: str
    n: int
    write: bool = False
    kill_helper: bool = False

    @property
    def cluster_scope(self) -> str:
        return self.student


def _task(ctx: BuildContext, task: _Task) -> dict[str, Any]:
    if task.kill_helper and LOADED:
        os.kill(os.getppid(), signal.SIGKILL)   # the helper, mid-wave
    if task.write:
        write_bytes(ctx.path(f"{task.student}/warm-{task.n}.txt"), b"made by a warm worker")
    return {"pid": os.getpid(), "parent": os.getppid(), "loaded": list(LOADED),
            "mark": os.environ.get("WARM_TEST_MARK"), "name": ctx.student(task.student).name}


def _local(ctx: BuildContext, tasks: Any, on_done: Any) -> list[dict[str, Any]]:
    out = [{**_task(ctx, t), "local": True} for t in tasks]
    for result in out:
        if on_done is not None:
            on_done(result)
    return out


def _context(content: ContentBuilder, output: Path) -> BuildContext:
    content.student("ming", name="王小明")
    content.course("optics", summary="量測折射率。", submitted=113)
    check = check_content(content.root, offline=True, output=output)
    return make_context(check, output, jobs=2)


def _helper() -> WarmWorkers:
    helper = WarmWorkers.start(f"{__name__}:_load", "early")
    assert helper is not None
    return helper


def _run(helper: WarmWorkers, ctx: BuildContext, tasks: list[_Task],
         done: list[Any] | None = None) -> list[Any]:
    return helper.run(ctx, _task, tasks, None if done is None else done.append,
                      lambda here, d: _local(ctx, here, d))


def test_a_step_s_tasks_run_in_workers_forked_from_the_warm_helper(
        content: ContentBuilder, tmp_path: Path) -> None:
    output = tmp_path / "out"
    ctx = _context(content, output)
    # Started before the output is claimed, as `portfolio build` starts it.
    helper = _helper()
    done: list[Any] = []
    try:
        with holding(output, content.root):
            results = _run(helper, ctx, [_Task("ming", n, write=True) for n in range(5)], done)
            # A wave of one runs in the helper itself: no fork to wait for.
            alone = _run(helper, ctx, [_Task("ming", 9)], done)
        state_after = read_state(output)   # the claim's record, as it was let go
    finally:
        helper.stop()
    assert not LOADED and "WARM_TEST_MARK" not in os.environ   # never loaded here
    assert len(results) == 5 and len(done) == 6
    assert alone[0]["pid"] == helper.pid and alone[0]["loaded"] == [helper.pid]
    for result in results:
        assert "local" not in result
        assert result["parent"] == helper.pid          # forked from the helper…
        assert result["loaded"] == [helper.pid]        # …after it loaded early
        assert result["mark"] == "early"
        assert result["name"] == "王小明"              # the student's piece arrived
    # The workers wrote through the claim they joined: each file is in the record.
    assert state_after is not None
    for n in range(5):
        assert (output / "ming" / f"warm-{n}.txt").read_bytes() == b"made by a warm worker"
        assert f"ming/warm-{n}.txt" in state_after["owned"]
    assert not helper.alive()
    assert helper not in multiprocessing.active_children()


def test_a_helper_that_is_gone_leaves_every_task_to_the_build_s_pool(
        content: ContentBuilder, tmp_path: Path) -> None:
    ctx = _context(content, tmp_path / "out")
    helper = _helper()
    os.kill(helper.pid, signal.SIGKILL)
    helper._process.join(5)
    results = _run(helper, ctx, [_Task("ming", n) for n in range(3)])
    helper.stop()
    assert [r.get("local") for r in results] == [True, True, True]
    assert [r["name"] for r in results] == ["王小明"] * 3


@pytest.mark.timeout(120)
def test_a_helper_that_dies_mid_wave_leaves_the_rest_to_the_build_s_pool(
        content: ContentBuilder, tmp_path: Path) -> None:
    output = tmp_path / "out"
    ctx = _context(content, output)
    helper = _helper()
    with holding(output, content.root):
        results = _run(helper, ctx, [_Task("ming", n, kill_helper=(n == 2)) for n in range(6)])
    helper.stop()
    assert len(results) == 6 and all(r["name"] == "王小明" for r in results)
    assert any(r.get("local") for r in results)   # the task that killed it, at least
    assert not helper.alive()


def test_what_the_helper_loads_early_writes_nothing_without_a_claim(
        content: ContentBuilder, tmp_path: Path) -> None:
    # The helper starts before the build claims (or is refused) its output: loading the
    # print theme compiles its templates, which a claimed build keeps in the output's
    # cache. A refused folder must stay as it was.
    content.student("ming")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "notes.txt").write_text("mine", "utf-8")
    load_early(content.root, derived_dir(victim))
    assert sorted(str(p.relative_to(victim)) for p in victim.rglob("*")) == ["notes.txt"]


def test_the_build_process_never_loads_weasyprint_its_helper_does(
        content: ContentBuilder, tmp_path: Path) -> None:
    # Its PDF workers are forked from the helper, which loaded it; and no helper or
    # worker is left when the build ends.
    content.student("ming", name="王小明")
    content.course("optics", summary="量測折射率。", submitted=113)
    output = tmp_path / "out"
    script = (
        "import sys, json, multiprocessing\n"
        "from generator.cli import main\n"
        "try:\n"
        f"    main(['build', {str(content.root)!r}, '-o', {str(output)!r}, '--offline',"
        " '-q', '-j', '2'], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps({'weasyprint': 'weasyprint' in sys.modules,"
        " 'children': len(multiprocessing.active_children())}))\n")

    def build() -> dict[str, Any]:
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             timeout=300, env={**os.environ, "SOURCE_DATE_EPOCH": "1790000000"})
        assert run.returncode == 0, run.stderr
        return dict(json.loads(run.stdout.strip().splitlines()[-1]))

    # A first build makes everything: no helper (its media step keeps both cores busy).
    assert build() == {"weasyprint": True, "children": 0}
    pdf = output / "ming" / "portfolio.pdf"
    first = pdf.read_bytes()
    # A student's edit, then a rebuild: the helper's workers make the PDFs.
    index = content.root / "ming" / "items" / "optics" / "index.md"
    index.write_text(index.read_text("utf-8").replace("量測折射率", "量測水的折射率"), "utf-8")
    settle(content.root)
    assert build() == {"weasyprint": False, "children": 0}
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.read_bytes() != first


def test_a_process_that_has_weasyprint_already_forks_its_own_warm_workers(
        tmp_path: Path) -> None:
    # As `serve` after its first build: a helper would load what is loaded.
    import weasyprint  # noqa: F401 - loaded, as in such a process

    from generator.pipeline import early_loads

    with early_loads.started(None, ["kit", "pdf", "compare"], tmp_path, tmp_path / "out",
                             2, None) as helpers:
        assert helpers == {}
