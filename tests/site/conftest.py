from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline.building import BuildResult
from tests.site.sitekit import build_site, copy_demo


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The demo content built once (media and pages), for tests that only read it."""
    base = tmp_path_factory.mktemp("demo")
    content = copy_demo(base / "content")
    output = base / "output"
    result = build_site(content, output)
    assert not result.failures, result.failures
    return output, result
