"""Several server processes on one database, as a shared mock runs: start-up and races.

Within one process requests never overlap (the gateway runs on the event loop), so the real
race is between processes: on SQLite ``BEGIN IMMEDIATE`` serialises them, on PostgreSQL the
row version guard turns the loser's update into a fresh evaluation.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import WORLD
from tests.e2e.flavours import FLAVOURS, Flavour, SdkError
from tests.support.control import Control
from tests.support.server import ServerProcess

WORKERS = 4
ROUNDS = 10
WORLD_INSTANCES = 11


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "shared.sqlite3")
    url: str = request.getfixturevalue("pg_url")
    return url


def _start_together(count: int, db: str) -> list[ServerProcess]:
    servers = [ServerProcess("--db", db, "--fixtures", str(WORLD)) for _ in range(count)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        failures = [f for f in pool.map(lambda s: _try_start(s), servers) if f is not None]
    if failures:
        for server in servers:
            server.stop()
        raise AssertionError("\n\n".join(failures))
    return servers


def _try_start(server: ServerProcess) -> str | None:
    try:
        server.start()
    except RuntimeError as error:
        return str(error)
    return None


@pytest.fixture
def workers(database_url: str) -> Iterator[list[ServerProcess]]:
    servers = _start_together(WORKERS, database_url)
    yield servers
    for server in servers:
        server.stop()


def test_workers_starting_together_on_a_new_database_all_start_and_load_the_fixtures_once(
    workers: list[ServerProcess],
) -> None:
    for server in workers:
        control = Control(server.url)
        assert len(control.http.get("/_mock/instances").json()["instances"]) == WORLD_INSTANCES
        control.close()


def _race(flavours: list[Flavour], instance_id: str) -> list[str]:
    barrier = threading.Barrier(len(flavours), timeout=10)

    def reboot(flavour: Flavour) -> str:
        barrier.wait()
        try:
            code: str = flavour.reboot([instance_id])["InstanceResponses"]["InstanceResponse"][0]["Code"]
        except SdkError as error:
            return error.code
        return code

    with ThreadPoolExecutor(max_workers=len(flavours)) as pool:
        return sorted(pool.map(reboot, flavours))


def test_two_workers_rebooting_one_instance_at_once_let_exactly_one_win(workers: list[ServerProcess]) -> None:
    first, second = workers[:2]
    flavours = [FLAVOURS["tea"](first.port), FLAVOURS["classic"](second.port)]
    control = Control(first.url)
    control.freeze()
    outcomes = []
    for _ in range(ROUNDS):
        control.patch_instance("i-running-1", status="Running")
        outcomes.append(_race(flavours, "i-running-1"))
        assert control.status("i-running-1") == "Stopping"
    for flavour in flavours:
        flavour.close()
    control.close()

    assert outcomes == [["200", "IncorrectInstanceStatus"]] * ROUNDS
