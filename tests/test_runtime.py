"""``Runtime.reset``: back to exactly the state a fresh start gives, in one transaction."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mock_ecs.clock import ClockSetting
from mock_ecs.protocol.request_log import LoggedRequest
from mock_ecs.runtime import Runtime
from mock_ecs.settings import Settings, default_fixtures_path
from mock_ecs.store import fixtures, tables
from mock_ecs.store.fixtures import InstanceSpec, add_instance, apply_document, parse_document
from tests.conftest import FakeWallClock

WORLD = Path(__file__).resolve().parent / "data" / "world.yaml"
ACCOUNT = "1000000000000001"
# Instances that leave everything to the loader: generated ids, serial numbers, clock times.
GENERATED = """\
regions:
  - {id: cn-hangzhou, zones: [cn-hangzhou-h, cn-hangzhou-i]}
  - {id: cn-beijing, zones: [cn-beijing-a]}
accounts:
  - {id: "1000000000000001", access_keys: [{id: testAKID, secret: testSecret}]}
instances:
  - {account: "1000000000000001", region: cn-hangzhou}
  - {account: "1000000000000001", region: cn-beijing, status: Stopped, internet_max_bandwidth_out: 5}
  - {account: "1000000000000001", region: cn-hangzhou, instance_charge_type: PrePaid, locks: [security]}
  - {account: "1000000000000001", region: cn-hangzhou, created_at: 2025-01-01T00:00:00Z, tags: {a: b}}
"""
TABLES = [table for table in tables.METADATA.sorted_tables if table is not tables.META]
Snapshot = dict[str, list[tuple[Any, ...]]]
MakeRuntime = Callable[..., Runtime]


@pytest.fixture(params=["world", "default", "generated"])
def fixtures_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "world":
        return WORLD
    if request.param == "default":
        return default_fixtures_path()
    path = tmp_path / "generated.yaml"
    path.write_text(GENERATED, encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "state.db")
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def make_runtime(db: str, wall_clock: FakeWallClock) -> Iterator[MakeRuntime]:
    """Started runtimes on one database; a later one with ``reset=True`` is a fresh start."""
    started: list[Runtime] = []

    def make(fixtures_path: Path = WORLD, **settings: Any) -> Runtime:
        runtime = Runtime(Settings(db=db, fixtures=fixtures_path, **settings), wall_clock)
        started.append(runtime)
        runtime.start()
        return runtime

    yield make
    for runtime in started:
        runtime.close()


def snapshot(runtime: Runtime) -> Snapshot:
    """Every row of every table but the schema version, table by table."""
    with runtime.database.transaction() as store:
        return {
            table.name: sorted(
                (tuple(row) for row in store.connection.execute(select(table))),
                key=lambda row: tuple((value is None, str(value)) for value in row),
            )
            for table in TABLES
        }


def disturb(runtime: Runtime, wall_clock: FakeWallClock) -> None:
    """What a test leaves behind: new and changed instances, faults, nonces, a set clock."""
    account, region = runtime.fixtures.accounts[0].id, runtime.fixtures.regions[0].id
    with runtime.database.transaction() as store:
        add_instance(store, InstanceSpec(account=account, region=region), "test", runtime.rng)
        document = parse_document(
            {
                "regions": [{"id": region, "zones": [f"{region}-z"]}],
                "accounts": [{"id": account, "balance": 1}],
            },
            "test",
        )
        apply_document(store, document, "test", runtime.rng)
        store.connection.execute(tables.INSTANCES.update().values(status="Stopped", version=7))
        store.remember_nonce("testAKID", "nonce-1", wall_clock())
        store.count_request("testAKID", 12)
        store.log_request(_logged(), keep=100)
        store.connection.execute(
            tables.FAULTS.insert().values(action="RebootInstances", code="Throttling", seed=1)
        )
        store.save_clock_setting(ClockSetting(frozen_at=1_000.0))
    runtime.new_request_id()
    runtime.new_fault_seed()


def _logged() -> LoggedRequest:
    return LoggedRequest(
        request_id="R-1",
        time=1.0,
        action="RebootInstances",
        access_key_id="testAKID",
        params={},
        headers={},
        code="200",
        http_status=200,
        duration_ms=1.0,
    )


# -- the state after a reset ----------------------------------------------------------------


@pytest.mark.parametrize("seed", [None, 7], ids=["unseeded", "seeded"])
def test_a_reset_gives_back_the_state_of_start_up(
    make_runtime: MakeRuntime, wall_clock: FakeWallClock, fixtures_file: Path, seed: int | None
) -> None:
    runtime = make_runtime(fixtures_file, seed=seed)
    at_start = snapshot(runtime)
    disturb(runtime, wall_clock)

    runtime.reset()

    assert snapshot(runtime) == at_start


@pytest.mark.parametrize("fixtures_path", [WORLD, default_fixtures_path()], ids=["world", "default"])
def test_a_reset_later_equals_a_fresh_start_then(
    make_runtime: MakeRuntime, wall_clock: FakeWallClock, fixtures_path: Path
) -> None:
    runtime = make_runtime(fixtures_path, seed=3)
    disturb(runtime, wall_clock)
    wall_clock.now += 3600

    runtime.reset()
    after_reset = snapshot(runtime)

    assert snapshot(make_runtime(fixtures_path, seed=3, reset=True)) == after_reset


def test_a_seeded_reset_later_equals_a_seeded_fresh_start_then(
    make_runtime: MakeRuntime, wall_clock: FakeWallClock, tmp_path: Path
) -> None:
    path = tmp_path / "generated.yaml"
    path.write_text(GENERATED, encoding="utf-8")
    runtime = make_runtime(path, seed=3)
    disturb(runtime, wall_clock)
    wall_clock.now += 3600

    runtime.reset()
    after_reset = snapshot(runtime)

    assert snapshot(make_runtime(path, seed=3, reset=True)) == after_reset


def test_instances_without_a_creation_time_are_created_at_the_reset(
    make_runtime: MakeRuntime, wall_clock: FakeWallClock, tmp_path: Path
) -> None:
    path = tmp_path / "generated.yaml"
    path.write_text(GENERATED, encoding="utf-8")
    runtime = make_runtime(path)
    wall_clock.now += 3600

    runtime.reset()

    instances = {row[0]: row[1:] for row in _instance_times(runtime)}
    times = sorted(instances.values(), key=str)
    assert times == sorted(
        [
            (wall_clock.now, wall_clock.now, None),  # Running: started when created
            (wall_clock.now, None, None),  # Stopped
            (wall_clock.now, wall_clock.now, wall_clock.now + 30 * 24 * 3600),  # PrePaid: a month
            (1_735_689_600.0, 1_735_689_600.0, None),  # its own creation time
        ],
        key=str,
    )


def _instance_times(runtime: Runtime) -> list[tuple[Any, ...]]:
    instances = tables.INSTANCES
    with runtime.database.transaction() as store:
        query = select(instances.c.id, instances.c.created_at, instances.c.started_at, instances.c.expired_at)
        return [tuple(row) for row in store.connection.execute(query)]


def test_an_unseeded_reset_keeps_the_ids_generated_at_start_up(
    make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    path = tmp_path / "generated.yaml"
    path.write_text(GENERATED, encoding="utf-8")
    runtime = make_runtime(path)
    at_start = {row[0] for row in _instance_times(runtime)}

    runtime.reset()

    assert {row[0] for row in _instance_times(runtime)} == at_start


def test_a_reset_clears_faults_nonces_the_request_log_rate_windows_and_the_clock(
    make_runtime: MakeRuntime, wall_clock: FakeWallClock
) -> None:
    runtime = make_runtime()
    disturb(runtime, wall_clock)

    runtime.reset()

    state = snapshot(runtime)
    for table in ("faults", "nonces", "request_log", "rate_windows", "clock"):
        assert state[table] == [], table
    with runtime.database.transaction() as store:
        assert store.mock_now() == wall_clock.now


def test_a_reset_returns_the_number_of_instances_loaded(make_runtime: MakeRuntime) -> None:
    runtime = make_runtime(default_fixtures_path())

    assert runtime.reset() == 10


def test_a_reset_that_fails_changes_nothing(
    make_runtime: MakeRuntime, wall_clock: FakeWallClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = make_runtime()
    disturb(runtime, wall_clock)
    before = snapshot(runtime)

    def broken(*_: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("mock_ecs.runtime.write_rows", broken)
    with pytest.raises(RuntimeError):
        runtime.reset()

    assert snapshot(runtime) == before


# -- the generators after a reset -----------------------------------------------------------


def _new_instance(runtime: Runtime) -> str:
    with runtime.database.transaction() as store:
        return add_instance(store, InstanceSpec(account=ACCOUNT, region="cn-hangzhou"), "test", runtime.rng)


def test_a_seeded_generator_goes_on_after_a_reset_as_after_start_up(
    make_runtime: MakeRuntime, wall_clock: FakeWallClock, tmp_path: Path
) -> None:
    path = tmp_path / "generated.yaml"
    path.write_text(GENERATED, encoding="utf-8")
    runtime = make_runtime(path, seed=11)
    first = (_new_instance(runtime), runtime.new_request_id(), runtime.new_fault_seed())
    disturb(runtime, wall_clock)

    runtime.reset()

    assert (_new_instance(runtime), runtime.new_request_id(), runtime.new_fault_seed()) == first


def test_a_seeded_instance_created_after_a_reset_replaces_no_fixture_instance(
    make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    path = tmp_path / "generated.yaml"
    path.write_text(GENERATED, encoding="utf-8")
    runtime = make_runtime(path, seed=11)
    runtime.reset()

    _new_instance(runtime)

    assert len(_instance_times(runtime)) == 5


def test_fixture_rows_are_computed_once(make_runtime: MakeRuntime, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = make_runtime()
    runtime.reset()
    calls: list[object] = []
    original = fixtures.plan_rows

    def counting(*args: Any) -> Any:
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(fixtures, "plan_rows", counting)
    runtime.reset()
    runtime.reset()

    assert calls == []


def test_the_rows_of_a_document_do_not_depend_on_the_database() -> None:
    document = parse_document({"regions": [{"id": "r", "zones": ["r-a"]}]}, "test")

    rows = fixtures.document_rows(document, "test", random.Random(0))

    assert rows.rows[tables.REGIONS] == [{"id": "r", "position": 1, "local_names": "{}"}]
    assert rows.rows[tables.ZONES] == [{"id": "r-a", "region_id": "r", "position": 0}]


def test_fixtures_naming_an_unknown_account_stop_a_start_on_an_existing_database(tmp_path: Path) -> None:
    """The fixtures are turned into rows at start-up, written or not: a broken reference is
    found then, not at the first reset."""
    db = str(tmp_path / "mock-ecs.sqlite3")
    Runtime(Settings(db=db, fixtures=WORLD), FakeWallClock()).start()
    broken = tmp_path / "broken.yaml"
    broken.write_text("instances:\n  - {id: i-x, account: nobody, region: cn-hangzhou}\n")

    with pytest.raises(fixtures.FixtureError, match=r"instances\[0\]\.account"):
        Runtime(Settings(db=db, fixtures=broken), FakeWallClock())
