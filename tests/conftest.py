from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ecs import MockEcsApp, Settings, create_app
from tests.support.api import Api
from tests.support.postgres import PostgresServer, postgres_or_skip

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
WORLD = Path(__file__).resolve().parent / "data" / "world.yaml"


class FakeWallClock:
    """Wall time that only moves when a test moves it."""

    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def wall_clock() -> FakeWallClock:
    return FakeWallClock()


@pytest.fixture
def settings() -> Settings:
    return Settings(db=":memory:", fixtures=WORLD)


@pytest.fixture
def app(settings: Settings) -> MockEcsApp:
    return create_app(settings)


@pytest.fixture
def client(app: MockEcsApp) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://mock-ecs.test:8080", raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient) -> Api:
    return Api(client)


@pytest.fixture(scope="session")
def mock_ecs_settings() -> dict[str, Any]:
    """The plugin's server (``mock_ecs``, mock_ecs/testing) serves the test world.

    Tests that need a process of their own (restarts, several workers, the CLI) start one
    with tests/support/server.py.
    """
    return {"fixtures": WORLD}


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the session (skipped where none can start, except in CI)."""
    with postgres_or_skip() as server:
        yield server


@pytest.fixture
def pg_url(postgres: PostgresServer) -> Iterator[str]:
    """A new, empty database on it, dropped after the test."""
    with postgres.database() as url:
        yield url
