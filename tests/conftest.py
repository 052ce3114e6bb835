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

# Tests whose one run takes the longest (a minute and more at a high load): each is
# started first, on a worker of its own, so that no worker is left alone with one of
# them at the end while the other has nothing to do. Node-id prefixes, longest first.
LONGEST = (
    "tests/engine/test_cluster.py",
    "tests/site/test_language.py::test_every_command_speaks_one_language",
    "tests/structure/test_imports.py::test_every_module_imports_alone",
    "tests/pdf/test_waste.py",
    "tests/kit/test_kit.py::test_a_kit_file_over",
    "tests/export/test_rules.py",
    "tests/hostile/test_output.py::test_the_content_tree_is_unchanged_by_every_command",
    "tests/hostile/test_untrusted.py::test_active_content_never_reaches_an_output_pdf",
    "tests/counselor/test_counselor_files.py::test_export_never_holds_them",
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
    is short. The order is the same in every worker (xdist requires it): a stable sort
    on a fixed list.
    """
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    longest = sorted((i for i in items if _longest_rank(i) < len(LONGEST)), key=_longest_rank)
    if not longest:
        return
    rest = [i for i in items if _longest_rank(i) == len(LONGEST)]
    shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for n, item in enumerate(longest):
        shares[n % workers].append(item)
    # Fill the shares with the rest, in collection order, so each holds len(items)/n.
    size, extra = divmod(len(items), workers)
    at = 0
    for n, share in enumerate(shares):
        want = size + (1 if n < extra else 0) - len(share)
        share.extend(rest[at:at + max(want, 0)])
        at += max(want, 0)
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
