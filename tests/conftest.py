"""Shared fixtures: content roots built in temporary folders, and real media made once."""

from __future__ import annotations

import os

import pytest

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
