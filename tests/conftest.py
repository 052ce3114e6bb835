"""Shared fixtures: content roots built in temporary folders, and real media made once."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.browserkit import BrowserThread
from tests.builder import ContentBuilder
from tests.mediafactory import MediaFactory

# A crash in the tool must fail the test with its traceback, not turn into exit 2.
os.environ["PORTFOLIO_DEBUG"] = "1"


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
