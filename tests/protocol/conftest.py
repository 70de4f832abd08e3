from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mock_ecs import Settings, create_app
from tests.conftest import FakeWallClock
from tests.support.api import Api


@pytest.fixture
def clocked_api(settings: Settings, wall_clock: FakeWallClock) -> Iterator[Api]:
    """An API whose wall clock (the one request timestamps are judged by) is ``wall_clock``."""
    app = create_app(settings, wall_clock=wall_clock)
    with TestClient(app, base_url="http://mock-ecs.test:8080", raise_server_exceptions=False) as client:
        yield Api(client)
