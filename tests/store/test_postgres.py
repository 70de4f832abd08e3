"""mock-ecs on PostgreSQL: ``mock-ecs serve --db postgresql+psycopg://…``, as teams sharing one
mock across CI workers run it (design notes §1).

A real server driven by the official classic SDK, then the store's check-and-set under the
``READ COMMITTED`` isolation that PostgreSQL gives (SQLite never lets two writers overlap).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.utils import parameter_helper
from sqlalchemy import text

from mock_ecs.ecs.instances import InstanceState
from mock_ecs.ecs.lifecycle import REBOOT, PhaseDurations, plan
from mock_ecs.protocol.errors import StateConflict
from mock_ecs.runtime import Runtime
from mock_ecs.settings import Settings
from mock_ecs.store import tables
from mock_ecs.store.database import Database
from tests.support.control import Control
from tests.support.postgres import PostgresServer
from tests.support.sdk import Classic
from tests.support.server import ServerProcess

pytestmark = pytest.mark.postgres

WORLD = Path(__file__).resolve().parent.parent / "data" / "world.yaml"
DURATIONS = PhaseDurations(stopping=5.0, starting=5.0, force_stopping=1.0)
WAIT_SECONDS = 10


def postgres_serve(url: str) -> ServerProcess:
    return ServerProcess("--db", url, "--fixtures", str(WORLD))


@pytest.fixture(scope="module")
def pg_server(postgres: PostgresServer) -> Iterator[ServerProcess]:
    with postgres.database() as url, postgres_serve(url) as server:
        yield server


@pytest.fixture
def pg_control(pg_server: ServerProcess) -> Iterator[Control]:
    control = Control(pg_server.url)
    control.reset()
    control.freeze()
    yield control
    control.close()


@pytest.fixture
def fixed_nonce(monkeypatch: pytest.MonkeyPatch) -> str:
    """Make the classic SDK sign every request with the same SignatureNonce."""
    nonce = "5f0e8a3c-postgres-replay"
    monkeypatch.setattr(parameter_helper, "get_uuid", lambda: nonce)
    return nonce


def refused_code(call: Callable[[], object]) -> str:
    with pytest.raises(ServerException) as raised:
        call()
    code: str = raised.value.get_error_code()
    return code


# -- a real server on PostgreSQL ---------------------------------------------------------


def test_a_reboot_through_the_sdk_runs_its_phases(pg_server: ServerProcess, pg_control: Control) -> None:
    answer = json.loads(Classic(pg_server.port).reboot(["i-running-1"]))

    assert "RequestId" in answer
    assert pg_control.status("i-running-1") == "Stopping"
    pg_control.advance(5)
    assert pg_control.status("i-running-1") == "Starting"
    pg_control.advance(5)
    assert pg_control.status("i-running-1") == "Running"


def test_a_replayed_nonce_is_refused(pg_server: ServerProcess, pg_control: Control, fixed_nonce: str) -> None:
    sdk = Classic(pg_server.port)
    sdk.reboot(["i-running-1"])

    assert refused_code(lambda: sdk.reboot(["i-running-2"])) == "SignatureNonceUsed"
    assert pg_control.status("i-running-2") == "Running"


def test_reset_forgets_the_nonces(pg_server: ServerProcess, pg_control: Control, fixed_nonce: str) -> None:
    sdk = Classic(pg_server.port)
    sdk.reboot(["i-running-1"])
    pg_control.reset()

    sdk.reboot(["i-running-1"])
    assert pg_control.status("i-running-1") == "Stopping"


def test_a_restarted_server_keeps_instances_clock_and_nonces(pg_url: str, fixed_nonce: str) -> None:
    with postgres_serve(pg_url) as server:
        control = Control(server.url)
        control.freeze()
        Classic(server.port).reboot(["i-running-1"])
        control.patch_instance("i-running-2", status="Stopped")
        control.close()

    with postgres_serve(pg_url) as server:
        control = Control(server.url)
        assert control.clock()["frozen"] is True
        assert control.status("i-running-1") == "Stopping"
        assert control.status("i-running-2") == "Stopped"
        assert refused_code(lambda: Classic(server.port).reboot(["i-running-3"])) == "SignatureNonceUsed"
        control.advance(10)
        assert control.status("i-running-1") == "Running"
        control.close()


# -- the store on PostgreSQL ---------------------------------------------------------------


@pytest.fixture
def pg_database(pg_url: str) -> Iterator[Database]:
    runtime = Runtime(Settings(db=pg_url, fixtures=WORLD), wall_clock=lambda: 1_790_000_000.0)
    runtime.start()
    yield runtime.database
    runtime.close()


def read_instance(database: Database, instance_id: str) -> InstanceState:
    with database.transaction() as store:
        return store.instance_states(tables.INSTANCES.c.id == instance_id)[instance_id]


def test_a_new_database_is_prepared_and_loaded(pg_database: Database) -> None:
    assert pg_database.prepare() is False  # schema there, fixtures loaded: not new any more
    with pg_database.transaction() as store:
        assert not store.is_empty()
        key = store.find_access_key("disabledAKID")
        assert key is not None
        assert key.active is False  # a boolean column, read back as one


def test_a_nonce_is_remembered_once(pg_database: Database) -> None:
    with pg_database.transaction() as store:
        assert store.remember_nonce("testAKID", "n-1", 1_790_000_000.0) is True
        assert store.remember_nonce("testAKID", "n-1", 1_790_000_001.0) is False
        assert store.remember_nonce("otherAKID", "n-1", 1_790_000_001.0) is True


def test_two_racing_schedules_of_one_instance_let_exactly_one_win(pg_database: Database) -> None:
    both_read = threading.Barrier(2, timeout=WAIT_SECONDS)
    outcomes: list[str] = []

    def reboot() -> None:
        try:
            with pg_database.transaction() as store:
                instance = store.instance_states(tables.INSTANCES.c.id == "i-running-1")["i-running-1"]
                both_read.wait()
                store.start_schedule(instance, plan(REBOOT, store.mock_now(), DURATIONS, force=False))
        except StateConflict:
            outcomes.append("conflict")
        except Exception as error:
            outcomes.append(repr(error))
        else:
            outcomes.append("won")

    racers = [threading.Thread(target=reboot) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(WAIT_SECONDS)

    assert sorted(outcomes) == ["conflict", "won"]
    assert read_instance(pg_database, "i-running-1").version == 1


def test_a_writer_waiting_on_the_row_loses_when_the_holder_commits(pg_database: Database) -> None:
    """READ COMMITTED re-reads the row a blocked UPDATE waited for: the version guard then fails."""
    second_read, go = threading.Event(), threading.Event()
    outcome: list[str] = []

    def second_writer() -> None:
        try:
            with pg_database.transaction() as store:
                instance = store.instance_states(tables.INSTANCES.c.id == "i-running-1")["i-running-1"]
                second_read.set()
                go.wait(WAIT_SECONDS)
                store.start_schedule(instance, plan(REBOOT, store.mock_now(), DURATIONS, force=False))
        except StateConflict:
            outcome.append("conflict")
        except Exception as error:
            outcome.append(repr(error))
        else:
            outcome.append("won")

    thread = threading.Thread(target=second_writer)
    with pg_database.transaction() as first:
        instance = first.instance_states(tables.INSTANCES.c.id == "i-running-1")["i-running-1"]
        thread.start()
        assert second_read.wait(WAIT_SECONDS)
        first.start_schedule(instance, plan(REBOOT, first.mock_now(), DURATIONS, force=False))
        go.set()
        wait_for_a_lock_wait(pg_database)
    thread.join(WAIT_SECONDS)

    assert outcome == ["conflict"]
    assert read_instance(pg_database, "i-running-1").version == 1


def wait_for_a_lock_wait(database: Database) -> None:
    """Until some session of this database waits for a lock (a fresh snapshot each look)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with database.engine.connect() as connection:
            waiting = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar()
        if waiting:
            return
        time.sleep(0.02)
    raise AssertionError("the second writer never waited for the row lock")
