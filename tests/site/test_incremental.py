"""Incremental builds, counted through the build's own record of what it wrote."""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.checks.content_check import check_content
from generator.engine import workers as parallel
from generator.engine.build_context import BuildContext
from generator.engine.output_record import BuildState
from generator.engine.themes import Theme
from generator.render.web_media import web_media_step as media_renderer
from tests.builder import ContentBuilder
from tests.site.sitekit import build_site, pages


@pytest.fixture
def three_items(content: ContentBuilder, media) -> ContentBuilder:
    content.student()
    content.course("optics", images=["photo.jpg"], submitted=113)
    content.file("optics", "photo.jpg", media.jpg)
    content.course("essay", subject="國文", form="report", submitted=113)
    content.performance("contest", document="scan.png", submitted=113)
    content.file("contest", "scan.png", media.png)
    content.departments([{"code": "001", "name": "某大學 物理學系",
                          "courses": ["optics"], "performances": ["contest"]}])
    return content


def test_nothing_changed_nothing_rendered(three_items: ContentBuilder, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_site(three_items.root, out)
    assert pages(first) == sorted([
        "index.html", "ming/index.html", "ming/items/contest/index.html",
        "ming/items/essay/index.html", "ming/items/optics/index.html",
        "ming/departments/001/index.html"])
    assert any("/files/" in rel for rel in first.rendered)
    again = build_site(three_items.root, out)
    assert again.rendered == []
    assert sorted(again.kept) == sorted(first.rendered)
    log = json.loads((out / ".portfolio" / "build.json").read_text("utf-8"))
    assert log["rendered"] == [] and log["kept"] == len(first.rendered)


def test_one_item_changed_rerenders_it_and_the_pages_listing_it(
        three_items: ContentBuilder, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(three_items.root, out)
    three_items.course("optics", images=["photo.jpg"], submitted=113,
                       body="改寫過的心得，多了一段。")
    result = build_site(three_items.root, out)
    # The item, the student home that lists it, the department that selected it; not the
    # class index (its counts did not change), not the other items, no media work.
    assert pages(result) == ["ming/departments/001/index.html", "ming/index.html",
                             "ming/items/optics/index.html"]
    assert all(rel.endswith(".html") for rel in result.rendered)
    assert "改寫過的心得" in (out / "ming/items/optics/index.html").read_text("utf-8")


def test_an_item_outside_every_department_leaves_department_pages_alone(
        three_items: ContentBuilder, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(three_items.root, out)
    three_items.course("essay", subject="國文", form="report", submitted=113, title="新標題")
    assert pages(build_site(three_items.root, out)) == ["ming/index.html",
                                                        "ming/items/essay/index.html"]


def test_a_replaced_photo_is_derived_again_and_only_it(three_items: ContentBuilder, media,
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build_site(three_items.root, out)
    made: list[str] = []
    real = media_renderer.derive
    monkeypatch.setattr(media_renderer, "derive",
                        lambda cache, job: made.append(job.source) or real(cache, job))
    three_items.file("optics", "photo.jpg", media.gps_jpg)
    result = build_site(three_items.root, out, jobs=1)
    assert [Path(s).name for s in made] == ["photo.jpg"]
    assert {rel.split("/files/")[0] for rel in result.rendered if "/files/" in rel} == {
        "ming/items/optics"}


def test_the_media_cache_lives_in_the_output(three_items: ContentBuilder, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build_site(three_items.root, out)
    assert not (three_items.root / ".portfolio").exists()   # the content is only read
    assert any((out / ".portfolio" / "cache" / "derived").rglob("meta.json"))
    shutil.rmtree(out / "ming" / "items")
    made: list[str] = []
    monkeypatch.setattr(media_renderer, "derive", lambda cache, job: made.append(job.source))
    result = build_site(three_items.root, out, jobs=1)
    assert made == []           # every thumbnail came from the output's cache
    assert not result.failures
    assert any("/files/" in rel for rel in result.rendered)


def test_a_removed_item_leaves_no_trace(three_items: ContentBuilder, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(three_items.root, out)
    assert (out / "ming/items/contest/files").is_dir()
    three_items.departments([{"code": "001", "name": "某大學 物理學系", "courses": ["optics"]}])
    for path in sorted((three_items.root / "ming/items/contest").rglob("*"), reverse=True):
        path.unlink()
    (three_items.root / "ming/items/contest").rmdir()
    result = build_site(three_items.root, out)
    assert "ming/items/contest/index.html" in result.removed
    assert not (out / "ming/items/contest").exists()
    assert "ming/index.html" in result.rendered


def test_parallel_and_serial_builds_are_identical(three_items: ContentBuilder,
                                                  tmp_path: Path) -> None:
    a = build_site(three_items.root, tmp_path / "a", jobs=1)
    b = build_site(three_items.root, tmp_path / "b", jobs=2)
    assert sorted(a.rendered) == sorted(b.rendered)
    for rel in a.rendered:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def _worker_pid(ctx: BuildContext, task: int) -> tuple[int, int]:
    return task * task, os.getpid()


def test_workers_are_replaced_batch_by_batch(three_items: ContentBuilder, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "TASKS_PER_WORKER", 2)
    check = check_content(three_items.root, offline=True)
    out = tmp_path / "out"
    ctx = BuildContext(check, out, "zh-TW", 2, tmp_path / "cache", BuildState(out),
                       Theme.resolve(None, None))
    results = parallel.run_tasks(ctx, _worker_pid, list(range(10)))
    assert [r[0] for r in results] == [n * n for n in range(10)]     # in order, all there
    pids = {r[1] for r in results}
    # Ten tasks, two workers, two tasks each before fresh ones take over: at least three
    # processes did the work, none of them this one.
    assert len(pids) >= 3 and os.getpid() not in pids
    # Tasks that keep nothing (pages) are all done by the same two workers.
    kept = parallel.run_tasks(ctx, _worker_pid, list(range(10)), renew=False)
    assert [r[0] for r in kept] == [n * n for n in range(10)]
    assert len({r[1] for r in kept}) <= 2 and os.getpid() not in {r[1] for r in kept}
    # A build with workers this short-lived writes the same site.
    a = build_site(three_items.root, tmp_path / "a", jobs=1)
    b = build_site(three_items.root, tmp_path / "b", jobs=2)
    assert sorted(a.rendered) == sorted(b.rendered)
    for rel in a.rendered:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


@dataclass(frozen=True)
class _Scoped:
    key: int
    cluster_scope: str | None
    pause: float = 0.002   # long enough for the other worker to take the next batch


def _scoped_pid(ctx: BuildContext, task: _Scoped) -> tuple[int, int]:
    time.sleep(task.pause)
    return task.key, os.getpid()


def test_a_student_s_pages_go_to_one_worker_and_one_student_s_to_both(
        three_items: ContentBuilder, tmp_path: Path) -> None:
    """What a worker works out for one of a student's pages (its items' files) serves
    the others only if the same worker makes them (engine/workers.batches)."""
    check = check_content(three_items.root, offline=True)
    out = tmp_path / "out"
    ctx = BuildContext(check, out, "zh-TW", 2, tmp_path / "cache", BuildState(out),
                       Theme.resolve(None, None))
    # The class index (no student), then 40 students of 10 pages each.
    tasks = [_Scoped(0, None)] + [_Scoped(n, f"s{n // 10:02d}") for n in range(1, 401)]
    done = parallel.run_tasks(ctx, _scoped_pid, tasks, renew=False)
    assert [key for key, _pid in done] == [t.key for t in tasks]      # in order, all there
    by_student: dict[str, set[int]] = {}
    for task, (_key, pid) in zip(tasks[1:], done[1:], strict=True):
        by_student.setdefault(str(task.cluster_scope), set()).add(pid)
    assert all(len(pids) == 1 for pids in by_student.values())
    assert len(set().union(*by_student.values())) == 2                # both workers worked
    # One student's 33 pages alone still spread over both workers.
    alone = parallel.run_tasks(ctx, _scoped_pid, [_Scoped(n, "s00", 0.01) for n in range(33)],
                               renew=False)
    assert len({pid for _key, pid in alone}) == 2


def test_a_theme_change_rerenders_every_page(three_items: ContentBuilder,
                                             tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_site(three_items.root, out)
    override = three_items.root / "themes" / "default" / "templates" / "macros.html"
    override.parent.mkdir(parents=True)
    from generator.engine.themes import BUILTIN
    override.write_text((BUILTIN / "default/templates/macros.html").read_text("utf-8")
                        + "\n{# a school's tweak #}\n", "utf-8")
    assert pages(build_site(three_items.root, out)) == pages(first)


def test_an_item_s_web_copies_are_worked_out_once_for_all_its_pages(
        three_items: ContentBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its page, its student's page and each department's page show the same copies:
    once the media step has made them all, each item's are looked up once a process."""
    asked: list[tuple[str, str]] = []
    looked_up = media_renderer._item_files

    def counting(ctx: BuildContext, slug: str, item_id: str) -> dict:
        asked.append((slug, item_id))
        return looked_up(ctx, slug, item_id)

    monkeypatch.setattr(media_renderer, "_item_files", counting)
    result = build_site(three_items.root, tmp_path / "out", jobs=1)
    assert "ming/items/optics/index.html" in pages(result)
    # Planning asks before the copies are made (the department's text images); then the
    # pages: the optics item is shown on three of them, and looked up once.
    ran = asked[asked.index(("ming", "optics")):]
    assert ran.count(("ming", "optics")) == 1
    page = (tmp_path / "out" / "ming" / "departments" / "001" / "index.html").read_text("utf-8")
    assert "files/" in page or "photo" in page


@pytest.mark.parametrize("changed", ["column_shares.py", "compare_views.py", "pdf_assembly.py",
                                     "receipts.toml"])
def test_the_checklists_are_made_again_when_their_code_or_words_change(
        changed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison and checklist fingerprints carry a digest of the code and words they
    are made with, not a version number someone must remember to raise (a change of the
    printed tables' column shares alone once made no checklist again)."""
    from pathlib import Path as P

    from generator.render.site import compare_step

    before = compare_step.code_digest.__wrapped__()
    read = P.read_bytes

    def edited(self: P) -> bytes:
        return read(self) + (b"\n# edited" if self.name == changed else b"")

    monkeypatch.setattr(P, "read_bytes", edited)
    assert compare_step.code_digest.__wrapped__() != before
