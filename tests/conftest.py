"""Shared fixtures: content roots built in temporary folders, and real media made once;
and the two things that keep the whole suite under ten minutes on two cores: bytecode
compiled once, and the longest tests started first."""

from __future__ import annotations

import compileall
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import generator
from tests.browserkit import BrowserThread
from tests.builder import ContentBuilder
from tests.mediafactory import MediaFactory

# A crash in the tool must fail the test with its traceback, not turn into exit 2.
os.environ["PORTFOLIO_DEBUG"] = "1"

# The tests that take the longest (a minute and more at a high load), longest first:
# each is started first, on a worker of its own, so that no worker is left alone with
# one of them at the end while the other has nothing to do. Node-id prefixes; a file
# whose tests share a module-scoped fixture is named whole and moved whole, so that
# its fixture is still made once.
LONGEST = (
    "tests/engine/test_cluster.py",
    "tests/site/test_language.py",
    "tests/structure/test_imports.py::test_every_module_imports_alone",
    "tests/pdf/test_waste.py",
    "tests/export/test_rules.py",
    "tests/kit/test_kit.py::test_a_kit_file_over",
    "tests/hostile/test_output.py::test_the_content_tree_is_unchanged_by_every_command",
    "tests/counselor/test_counselor_files.py",
    "tests/hostile/test_untrusted.py::test_active_content_never_reaches_an_output_pdf",
)


def pytest_configure(config: pytest.Config) -> None:
    # Hundreds of tests start the tool in a fresh interpreter (hostile cases, every
    # command's language, every module importing alone). Where PYTHONDONTWRITEBYTECODE
    # is set, each of them compiled the package from source again; written once here
    # (compileall writes whatever that setting says, skips what is up to date, and
    # replaces a file atomically, so two workers doing it at once is harmless), every
    # interpreter after it reads the bytecode instead.
    compileall.compile_dir(Path(generator.__file__).parent, quiet=2)


def _longest_rank(item: pytest.Item) -> int:
    return next((n for n, prefix in enumerate(LONGEST) if item.nodeid.startswith(prefix)),
                len(LONGEST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first, dealt out to the workers' shares.

    `--dist worksteal` (pyproject's addopts) gives each of the n workers one contiguous
    n-th of the collection, runs it from the front, and moves tests from the back of
    the busiest share to a worker that ran out. So the longest tests go to the front of
    the shares, in turn: each worker starts on one of them, and what is moved at the end
    is short. The order is the same in every worker (xdist requires it): it depends only
    on the collection, the fixed list and the number of workers. With -n 0 it is simply
    the longest first.
    """
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    groups: list[list[pytest.Item]] = [[] for _ in LONGEST]
    rest = []
    for item in items:
        rank = _longest_rank(item)
        (groups[rank] if rank < len(LONGEST) else rest).append(item)
    if not any(groups):
        return
    shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for n, group in enumerate(g for g in groups if g):
        shares[n % workers].extend(group)
    # Fill the shares with the rest, in collection order, to the sizes worksteal cuts:
    # each worker in turn gets what is left divided by the workers still to serve.
    left, at = len(items), 0
    for n, share in enumerate(shares):
        size = left // (workers - n)
        want = max(size - len(share), 0)
        share.extend(rest[at:at + want])
        at += want
        left -= len(share)
    shares[-1].extend(rest[at:])
    items[:] = [i for share in shares for i in share]


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    """Real files (Pillow, ffmpeg, WeasyPrint), each made once per test session."""
    return MediaFactory(tmp_path_factory.mktemp("media"))


@pytest.fixture
def content(tmp_path, media: MediaFactory) -> ContentBuilder:
    return ContentBuilder(tmp_path / "content", media)


@pytest.fixture(scope="session")
def chromium() -> Iterator[BrowserThread]:
    """The system Chromium, started once per test process for every browser test."""
    driver = BrowserThread()
    yield driver
    driver.close()
