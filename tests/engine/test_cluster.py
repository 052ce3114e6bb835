"""`build --scheduler`: a class built on a real Dask LocalCluster (2 worker processes)
is, file for file, byte for byte, the class built by the local pool; bad schedulers are
a clear exit 2.

The LocalCluster is started once (by `connect("local:2")`, what `--scheduler local:2`
does) and both cluster builds reach it by its tcp:// address, as a school's builds
reach a long-running `dask scheduler`: the second build runs on workers the first one
warmed, and must still make what its own content says. Starting the workers (and their
first import of WeasyPrint) is most of the time a cluster build of two students takes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.engine.cluster import connect
from generator.pipeline.building import build
from tests.builder import ContentBuilder, run_cli
from tests.mediafactory import MediaFactory
from tests.pdf.conftest import photo

STUDENTS = {"an": "林安", "bo": "陳博"}


def _class(root: Path, media: MediaFactory) -> Path:
    c = ContentBuilder(root, media)
    for n, (slug, name) in enumerate(STUDENTS.items()):
        c.student(slug, name=name, student_id=f"1130{n:04d}")
        c.course("lab", slug=slug, title=f"{name}的光學實驗 🔬", summary="量測折射率。",
                 form="science", term=1132, submitted=113, document="report.pdf")
        c.file("lab", "report.pdf", media.pdf, slug=slug)
        c.performance("trip", slug=slug, title="科學館參訪", summary="參訪與心得。",
                      category="other", date=dt.date(2025, 4, 1), images=["hall.jpg"],
                      body=f"第 {n + 1} 次參訪。\n\n![展覽](hall.jpg)")
        c.file("trip", "hall.jpg", photo(n, (900, 600)), slug=slug)
        c.departments([{"code": "001012", "name": "國立臺灣大學 物理學系",
                        "courses": ["lab"], "performances": ["trip"],
                        "statement": "## 動機\n\n物理。", "reflection": "做實驗。"}], slug=slug)
    return root


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".portfolio" not in p.relative_to(out).parts}


# Three builds and two worker processes that import WeasyPrint: 32 s at a load of 2 on
# two cores, three minutes and more at a load of 13, hence its own timeout.
@pytest.mark.cluster
@pytest.mark.timeout(900)
def _worker_profiles() -> bool:
    import dask

    return bool(dask.config.get("distributed.worker.profile.enabled"))


def test_a_class_on_a_local_cluster_is_the_local_build_byte_for_byte(
        tmp_path: Path, media: MediaFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    root = _class(tmp_path / "content", media)
    here = build(root, tmp_path / "here", offline=True, jobs=2)
    with connect("local:2") as cluster:
        assert cluster is not None and cluster.local is not None and cluster.workers == 2
        # Its workers run no sampling profiler (a tenth of the CPU, read by nobody).
        profiling = cluster.client.run(_worker_profiles)
        assert list(profiling.values()) == [False, False], profiling
        there = build(root, tmp_path / "there", offline=True, scheduler=cluster.address)
        assert not here.failures and not there.failures, (here.failures, there.failures)
        mine, theirs = _files(tmp_path / "here"), _files(tmp_path / "there")
        assert mine.keys() == theirs.keys()
        pdfs = [rel for rel in mine if rel.endswith(".pdf")]
        assert len(pdfs) >= 3 * len(STUDENTS)   # whole, department, each upload copy
        different = [rel for rel in mine if mine[rel] != theirs[rel]]
        assert different == []
        # The record knows every file the workers wrote: a second build keeps them all,
        # and a changed item is redone on the cluster again.
        log = json.loads((tmp_path / "there" / ".portfolio" / "build.json").read_text())
        assert log["scheduler"] == cluster.address and log["failures"] == []
        state = json.loads((tmp_path / "there" / ".portfolio" / "state.json").read_text())
        assert set(mine) <= set(state["owned"]) | {"report.json"}
        index = root / "bo" / "items" / "trip" / "index.md"
        index.write_text(index.read_text("utf-8").replace("參訪與心得", "參訪與兩頁心得"),
                         "utf-8")
        # A new item whose page's place holds a file the tool did not write: the worker
        # that draws it must leave it alone, and the build must say so.
        ContentBuilder(root, media).performance("talk", slug="an", title="演講",
                                                summary="聽講。", category="other",
                                                date=dt.date(2025, 5, 1))
        foreign = tmp_path / "there" / "an" / "items" / "talk" / "index.html"
        foreign.parent.mkdir(parents=True)
        foreign.write_text("mine, not the tool's", "utf-8")
        again = build(root, tmp_path / "there", offline=True, scheduler=cluster.address)
    assert {"bo/portfolio.pdf", "an/portfolio.pdf"} <= set(again.rendered)
    # Made from this build's content, not from what the warm workers saw before.
    said = "".join(page.extract_text()
                   for page in PdfReader(tmp_path / "there" / "bo" / "portfolio.pdf").pages)
    assert "參訪與兩頁心得" in said
    assert foreign.read_text("utf-8") == "mine, not the tool's"
    assert [(f.code, f.what) for f in again.failures] == [("output-not-ours",
                                                           "an/items/talk/index.html")]
    assert not list((tmp_path / "there" / ".portfolio").glob("journal*"))


def test_a_scheduler_that_is_not_there_is_exit_2(tmp_path: Path, media: MediaFactory) -> None:
    root = _class(tmp_path / "content", media)
    run = run_cli("build", str(root), "-o", str(tmp_path / "out"), "--offline",
                  "--scheduler", "tcp://127.0.0.1:9", "--lang", "en")
    assert run.exit_code == 2
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:9" in run.output


@pytest.mark.parametrize("command", ["build", "export"])
@pytest.mark.parametrize("spec", ["local:0", "local:x", " "])
def test_a_bad_scheduler_is_a_usage_error(tmp_path: Path, spec: str, command: str) -> None:
    run = run_cli(command, str(tmp_path), "--all", "--scheduler", spec) if command == "export" \
        else run_cli(command, str(tmp_path), "--scheduler", spec)
    assert run.exit_code == 2
    assert "local:N" in run.output
