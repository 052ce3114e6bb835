from __future__ import annotations

from collections.abc import Iterator

import pytest

from generator.links.link_check import CheckerConfig
from generator.links.service import LinkSettings

from .server import LinkServer

# Short enough that the page that never answers costs about two seconds. The server is
# on 127.0.0.1, which only `allow_private` lets the checker connect to.
FAST = CheckerConfig(timeout=1.0, retries=1, backoff=0.05, max_retry_after=5.0,
                     trust_env=False, allow_private=True)


@pytest.fixture(scope="session")
def server() -> Iterator[LinkServer]:
    srv = LinkServer().start()
    yield srv
    srv.close()


@pytest.fixture
def settings() -> LinkSettings:
    return LinkSettings(checker=FAST)
