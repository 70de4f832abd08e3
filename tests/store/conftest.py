from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mock_ecs.clock import WallClock
from mock_ecs.store.database import Database
from mock_ecs.store.fixtures import apply_document, read_file

WORLD = Path(__file__).resolve().parent.parent / "data" / "world.yaml"

OpenDatabase = Callable[[str], Database]


@pytest.fixture
def open_database(wall_clock: WallClock) -> Iterator[OpenDatabase]:
    """Open databases by URL on the test's wall clock; all of them are disposed afterwards."""
    opened: list[Database] = []

    def open_(url: str) -> Database:
        database = Database(url, wall_clock)
        opened.append(database)
        return database

    yield open_
    for database in opened:
        database.dispose()


def load_world(database: Database) -> None:
    with database.transaction() as store:
        apply_document(store, read_file(WORLD), str(WORLD), random.Random(0))


@pytest.fixture
def database(open_database: OpenDatabase) -> Database:
    """An in-memory database holding tests/data/world.yaml."""
    database = open_database("sqlite://")
    database.prepare()
    load_world(database)
    return database


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, open_database: OpenDatabase) -> Database:
    """tests/data/world.yaml, on SQLite or on PostgreSQL (a module may define its own)."""
    url = "sqlite://" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = open_database(url)
    database.prepare()
    load_world(database)
    return database
