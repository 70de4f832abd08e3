"""One store transaction: credentials, nonces, the clock setting and check-and-set on instances."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Row, select

from mock_ecs.clock import ClockSetting
from mock_ecs.ecs.instances import Lock
from mock_ecs.ecs.lifecycle import REBOOT, LockReason, Phase, PhaseDurations, Schedule, Status, plan
from mock_ecs.protocol.errors import StateConflict
from mock_ecs.store import session as session_module
from mock_ecs.store import tables
from mock_ecs.store.database import Database
from mock_ecs.store.instance_columns import schedule_columns
from mock_ecs.store.session import NONCE_RETENTION_SECONDS
from tests.conftest import FakeWallClock
from tests.store.conftest import OpenDatabase, load_world

DURATIONS = PhaseDurations(stopping=5.0, starting=5.0, force_stopping=1.0)
WALL = 1_790_000_000.0
ID = tables.INSTANCES.c.id


# -- nonces ---------------------------------------------------------------------------------


def test_a_nonce_is_new_the_first_time_and_used_the_second(database: Database) -> None:
    with database.transaction() as store:
        assert store.remember_nonce("testAKID", "n-1", WALL) is True
        assert store.remember_nonce("testAKID", "n-1", WALL + 1) is False


def test_a_nonce_used_by_one_key_is_new_for_another(database: Database) -> None:
    with database.transaction() as store:
        store.remember_nonce("testAKID", "n-1", WALL)

        assert store.remember_nonce("otherAKID", "n-1", WALL) is True


def test_nonces_older_than_the_retention_are_purged(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "_NONCE_PURGE_EVERY", 1)  # purge on every insert
    with database.transaction() as store:
        store.remember_nonce("testAKID", "old", WALL - NONCE_RETENTION_SECONDS - 1)
        store.remember_nonce("testAKID", "recent", WALL - NONCE_RETENTION_SECONDS + 1)
        store.remember_nonce("testAKID", "now", WALL)

        kept = store.connection.execute(select(tables.NONCES.c.nonce)).scalars().all()
    assert sorted(kept) == ["now", "recent"]


# -- credentials ----------------------------------------------------------------------------


def test_find_access_key_answers_none_for_an_unknown_key(database: Database) -> None:
    with database.transaction() as store:
        assert store.find_access_key("noSuchKey") is None


def test_find_access_key_maps_a_plain_key(database: Database) -> None:
    with database.transaction() as store:
        key = store.find_access_key("testAKID")

    assert key is not None
    assert (key.id, key.secret, key.account_id, key.active) == (
        "testAKID",
        "testSecret",
        "1000000000000001",
        True,
    )
    assert (key.security_token, key.token_expires_at, key.allowed_actions) == (None, None, None)


def test_find_access_key_maps_an_inactive_key(database: Database) -> None:
    with database.transaction() as store:
        key = store.find_access_key("disabledAKID")

    assert key is not None
    assert key.active is False


def test_find_access_key_maps_a_security_token_and_its_expiry(database: Database) -> None:
    with database.transaction() as store:
        key = store.find_access_key("STS.liveKey")

    assert key is not None
    assert key.security_token == "CAIS-live-token"
    assert key.token_expires_at == datetime(2099, 1, 1, tzinfo=UTC).timestamp()


def test_find_access_key_maps_the_allowed_actions(database: Database) -> None:
    with database.transaction() as store:
        key = store.find_access_key("ramAKID")

    assert key is not None
    assert key.allowed_actions == frozenset({"DescribeRegions"})


# -- the clock setting ----------------------------------------------------------------------


def test_a_new_database_runs_on_wall_time(database: Database, wall_clock: FakeWallClock) -> None:
    with database.transaction() as store:
        assert store.clock_setting == ClockSetting()
        assert store.mock_now() == wall_clock.now


def test_a_saved_clock_setting_is_read_by_the_next_transaction(database: Database) -> None:
    with database.transaction() as store:
        store.save_clock_setting(ClockSetting(frozen_at=WALL + 60))

    with database.transaction() as store:
        assert store.clock_setting == ClockSetting(frozen_at=WALL + 60)
        assert store.mock_now() == WALL + 60


def test_a_saved_clock_setting_applies_within_the_same_transaction(database: Database) -> None:
    with database.transaction() as store:
        store.mock_now()
        store.save_clock_setting(ClockSetting(offset=10.0))

        assert store.mock_now() == WALL + 10.0


# -- regions, accounts, instances -----------------------------------------------------------


def test_region_exists_for_a_loaded_region_only(database: Database) -> None:
    with database.transaction() as store:
        assert store.region_exists("cn-hangzhou")
        assert not store.region_exists("cn-nowhere")


def test_account_balance_reads_the_account(database: Database) -> None:
    with database.transaction() as store:
        assert store.account_balance("1000000000000003") == -5.0


def test_account_balance_of_an_unknown_account_is_zero(database: Database) -> None:
    with database.transaction() as store:
        assert store.account_balance("9999") == 0.0


def test_instance_states_read_a_plain_instance(database: Database) -> None:
    with database.transaction() as store:
        state = store.instance_states(ID == "i-running-1")["i-running-1"]

    assert (state.account_id, state.region_id, state.status) == (
        "1000000000000001",
        "cn-hangzhou",
        Status.RUNNING,
    )
    assert (state.schedule, state.locks, state.version) == (None, (), 0)


def test_instance_states_read_locks_with_their_messages(database: Database) -> None:
    with database.transaction() as store:
        states = store.instance_states(ID.in_(["i-security-1", "i-financial-1"]))

    assert states["i-security-1"].locks == (Lock(LockReason.SECURITY, ""),)
    assert states["i-financial-1"].locks == (Lock(LockReason.FINANCIAL, "overdue"),)


def test_instance_states_list_several_locks_by_reason(database: Database) -> None:
    with database.transaction() as store:
        store.connection.execute(
            tables.INSTANCE_LOCKS.insert(),
            [
                {"instance_id": "i-running-1", "reason": "security", "message": ""},
                {"instance_id": "i-running-1", "reason": "financial", "message": ""},
            ],
        )
        state = store.instance_states(ID == "i-running-1")["i-running-1"]

    assert [lock.reason for lock in state.locks] == [LockReason.FINANCIAL, LockReason.SECURITY]


def test_instance_rows_come_in_creation_order(database: Database) -> None:
    with database.transaction() as store:
        ids = [state.id for _, state in store.instance_rows()]

    assert ids[:3] == ["i-running-1", "i-running-2", "i-running-3"]
    assert ids[-1] == "i-debt-1"


def test_instances_finds_only_the_callers_own_in_the_region(database: Database) -> None:
    wanted = ["i-running-1", "i-shanghai-1", "i-other-1", "i-nope"]
    with database.transaction() as store:
        found = store.instances("1000000000000001", "cn-hangzhou", wanted)

    assert list(found) == ["i-running-1"]


# -- schedules and check-and-set ------------------------------------------------------------


def _read(database: Database, instance_id: str = "i-running-1") -> Row[Any]:
    with database.transaction() as store:
        return store.connection.execute(
            select(tables.INSTANCES).where(tables.INSTANCES.c.id == instance_id)
        ).one()


def test_start_schedule_stores_the_schedule_and_bumps_the_version(database: Database) -> None:
    schedule = plan(REBOOT, WALL, DURATIONS, force=False)
    with database.transaction() as store:
        store.start_schedule(store.instance_states(ID == "i-running-1")["i-running-1"], schedule)

    with database.transaction() as store:
        state = store.instance_states(ID == "i-running-1")["i-running-1"]
    assert state.schedule == schedule
    assert state.version == 1
    assert state.status_at(WALL + 1) is Status.STOPPING


def test_starting_a_schedule_records_the_status_it_started_from(database: Database) -> None:
    """A second operation starts from where the first one settled, not from where it began."""
    first = plan(REBOOT, WALL, DURATIONS, force=False)
    second = plan(REBOOT, WALL + 60, DURATIONS, force=False)
    with database.transaction() as store:
        store.start_schedule(store.instance_states(ID == "i-running-1")["i-running-1"], first)
    with database.transaction() as store:
        store.update_instance(
            store.instance_states(ID == "i-running-1")["i-running-1"], {"status": "Stopped"}
        )
    with database.transaction() as store:
        state = store.instance_states(ID == "i-running-1")["i-running-1"]
        store.start_schedule(state, second)

    assert _read(database).status == "Running"  # the first reboot's settled status at WALL + 60


def test_update_instance_with_a_stale_version_raises_state_conflict(database: Database) -> None:
    with database.transaction() as store:
        stale = store.instance_states(ID == "i-running-1")["i-running-1"]
        store.update_instance(stale, {"name": "renamed"})

    with pytest.raises(StateConflict), database.transaction() as store:
        store.update_instance(stale, {"name": "lost update"})


def test_a_stale_update_changes_nothing(database: Database) -> None:
    with database.transaction() as store:
        stale = store.instance_states(ID == "i-running-1")["i-running-1"]
        store.update_instance(stale, {"name": "renamed"})

    with pytest.raises(StateConflict), database.transaction() as store:
        store.start_schedule(stale, plan(REBOOT, WALL, DURATIONS, force=False))

    row = _read(database)
    assert (row.name, row.version, row.operation) == ("renamed", 1, None)


def test_schedule_columns_refuse_more_than_two_phases() -> None:
    phases = (Phase(Status.STOPPING, 1.0), Phase(Status.STARTING, 2.0), Phase(Status.STOPPING, 3.0))

    with pytest.raises(ValueError, match="at most two phases"):
        schedule_columns(Schedule("twice", 0.0, phases, Status.RUNNING))


def test_schedule_columns_of_no_schedule_are_all_null() -> None:
    assert set(schedule_columns(None).values()) == {None}


# -- wipe -----------------------------------------------------------------------------------


def test_wipe_empties_the_database(database: Database) -> None:
    with database.transaction() as store:
        store.remember_nonce("testAKID", "n-1", WALL)
        store.wipe()

        assert store.is_empty()
        assert store.remember_nonce("testAKID", "n-1", WALL)


def test_wipe_keeps_the_schema_version(database: Database) -> None:
    with database.transaction() as store:
        store.wipe()

    assert database.prepare() is True  # not refused: the version is still there


# -- two workers, one instance --------------------------------------------------------------


def _reboot_once(url: str, wall_clock: FakeWallClock, barrier: threading.Barrier) -> str:
    """What a worker does with RebootInstances: read, check the status, start the schedule."""
    database = Database(url, wall_clock)
    try:
        barrier.wait(timeout=10)
        with database.transaction() as store:
            state = store.instance_states(ID == "i-running-1")["i-running-1"]
            now = store.mock_now()
            if state.status_at(now) is not Status.RUNNING:
                return f"saw {state.status_at(now)}"
            store.start_schedule(state, plan(REBOOT, now, DURATIONS, force=False))
        return "rebooted"
    except StateConflict:
        return "conflict"
    finally:
        database.dispose()


@pytest.mark.parametrize("round_", range(3))
def test_two_workers_rebooting_one_instance_record_exactly_one_reboot(
    open_database: OpenDatabase, wall_clock: FakeWallClock, tmp_path: Path, round_: int
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    seed = open_database(url)
    seed.prepare()
    load_world(seed)
    initial = _read(seed).version
    barrier = threading.Barrier(2)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(_reboot_once, url, wall_clock, barrier) for _ in range(2)]
        outcomes = sorted(future.result(timeout=30) for future in futures)

    outcomes.remove("rebooted")  # exactly one worker rebooted…
    assert outcomes in (["conflict"], ["saw Stopping"])  # …and the other lost, or saw its work
    assert _read(seed).version == initial + 1
