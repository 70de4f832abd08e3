"""The database: WAL SQLite, the schema and its version, and state that outlives the process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, select
from sqlmodel import Field, SQLModel

from mock_ecs.clock import ClockSetting
from mock_ecs.runtime import Runtime
from mock_ecs.settings import Settings
from mock_ecs.store import tables
from mock_ecs.store.database import IncompatibleDatabase
from tests.conftest import FakeWallClock
from tests.store.conftest import WORLD, OpenDatabase, load_world


def _file_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'mock-ecs.sqlite3'}"


def _set_schema_version(path: Path, version: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    connection.close()


def _table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    connection.close()
    return names


def test_a_file_database_runs_in_wal_mode(open_database: OpenDatabase, tmp_path: Path) -> None:
    database = open_database(_file_url(tmp_path))
    database.prepare()

    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_prepare_creates_every_table(open_database: OpenDatabase, tmp_path: Path) -> None:
    database = open_database(_file_url(tmp_path))
    database.prepare()

    assert set(inspect(database.engine).get_table_names()) == set(tables.METADATA.tables)


def test_prepare_records_the_schema_version(open_database: OpenDatabase, tmp_path: Path) -> None:
    database = open_database(_file_url(tmp_path))
    database.prepare()

    with database.transaction() as store:
        stored = store.connection.execute(
            select(tables.META.c.value).where(tables.META.c.key == "schema_version")
        ).scalar()
    assert stored == tables.SCHEMA_VERSION


def test_prepare_creates_the_directory_of_a_database_file(
    open_database: OpenDatabase, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "deeper" / "mock-ecs.sqlite3"
    open_database(f"sqlite:///{path}").prepare()

    assert path.is_file()


def test_prepare_says_a_new_database_is_new(open_database: OpenDatabase, tmp_path: Path) -> None:
    assert open_database(_file_url(tmp_path)).prepare() is True


def test_prepare_says_a_database_with_a_schema_but_no_data_is_new(
    open_database: OpenDatabase, tmp_path: Path
) -> None:
    open_database(_file_url(tmp_path)).prepare()

    assert open_database(_file_url(tmp_path)).prepare() is True


def test_prepare_says_a_database_holding_data_is_not_new(open_database: OpenDatabase, tmp_path: Path) -> None:
    first = open_database(_file_url(tmp_path))
    first.prepare()
    load_world(first)
    first.dispose()

    assert open_database(_file_url(tmp_path)).prepare() is False


def test_a_database_of_another_schema_version_is_refused_naming_it(
    open_database: OpenDatabase, tmp_path: Path
) -> None:
    open_database(_file_url(tmp_path)).prepare()
    _set_schema_version(tmp_path / "mock-ecs.sqlite3", "0")

    with pytest.raises(
        IncompatibleDatabase, match=rf"has schema version 0; this mock-ecs needs {tables.SCHEMA_VERSION}"
    ):
        open_database(_file_url(tmp_path)).prepare()


def test_a_refused_database_is_left_as_it_was(open_database: OpenDatabase, tmp_path: Path) -> None:
    path = tmp_path / "mock-ecs.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("INSERT INTO meta VALUES ('schema_version', '0')")
    connection.close()

    with pytest.raises(IncompatibleDatabase):
        open_database(_file_url(tmp_path)).prepare()
    assert _table_names(path) == {"meta"}


def test_a_database_of_another_schema_version_is_replaced_when_asked(
    open_database: OpenDatabase, tmp_path: Path
) -> None:
    old = open_database(_file_url(tmp_path))
    old.prepare()
    load_world(old)
    old.dispose()
    _set_schema_version(tmp_path / "mock-ecs.sqlite3", "0")

    replaced = open_database(_file_url(tmp_path))

    assert replaced.prepare(replace=True) is True
    assert replaced.prepare() is True  # now of this version, and empty


def test_reset_at_start_up_replaces_a_database_of_another_schema_version(
    wall_clock: FakeWallClock, tmp_path: Path
) -> None:
    path = tmp_path / "mock-ecs.sqlite3"
    old = Runtime(Settings(db=str(path), fixtures=WORLD), wall_clock)
    old.start()
    old.close()
    _set_schema_version(path, "0")

    runtime = Runtime(Settings(db=str(path), fixtures=WORLD, reset=True), wall_clock)
    try:
        runtime.start()
        with runtime.database.transaction() as store:
            assert "i-running-1" in store.instance_states()
    finally:
        runtime.close()


def test_a_database_with_tables_of_its_own_is_refused(open_database: OpenDatabase, tmp_path: Path) -> None:
    path = tmp_path / "mock-ecs.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    connection.close()

    with pytest.raises(IncompatibleDatabase, match="holds tables that mock-ecs did not create"):
        open_database(_file_url(tmp_path)).prepare(replace=True)
    assert _table_names(path) == {"users"}


def test_a_transaction_that_raises_changes_nothing(open_database: OpenDatabase) -> None:
    database = open_database("sqlite://")
    database.prepare()

    def freeze_then_fail() -> None:
        with database.transaction() as store:
            store.save_clock_setting(ClockSetting(frozen_at=1.0))
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError, match="the request failed"):
        freeze_then_fail()

    with database.transaction() as store:
        assert store.clock_setting == ClockSetting()


def test_api_requests_on_a_file_reuse_one_connection(open_database: OpenDatabase, tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    database.prepare()
    drivers = []
    for _ in range(3):
        with database.request_transaction() as store:
            drivers.append(store.connection.connection.dbapi_connection)

    assert drivers[0] is drivers[1] is drivers[2]


def test_an_api_request_that_raises_changes_nothing(open_database: OpenDatabase, tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    database.prepare()

    def freeze_then_fail() -> None:
        with database.request_transaction() as store:
            store.save_clock_setting(ClockSetting(frozen_at=1.0))  # a Core statement
            store.remember_nonce("key", "nonce", 1.0)  # a prepared one
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError, match="the request failed"):
        freeze_then_fail()

    with database.request_transaction() as store:
        assert store.clock_setting == ClockSetting()
        assert store.remember_nonce("key", "nonce", 2.0)  # not used before


def test_an_api_request_commits_core_and_prepared_statements_alike(
    open_database: OpenDatabase, tmp_path: Path
) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    database.prepare()
    with database.request_transaction() as store:
        store.save_clock_setting(ClockSetting(frozen_at=1.0))
        store.remember_nonce("key", "nonce", 1.0)

    with database.transaction() as store:  # another connection sees both
        assert store.clock_setting == ClockSetting(frozen_at=1.0)
        assert not store.remember_nonce("key", "nonce", 2.0)


def test_an_in_memory_database_keeps_its_state_between_transactions(open_database: OpenDatabase) -> None:
    database = open_database("sqlite://")
    database.prepare()
    load_world(database)

    with database.transaction() as store:
        assert not store.is_empty()


def test_instances_survive_reopening_the_file(open_database: OpenDatabase, tmp_path: Path) -> None:
    first = open_database(_file_url(tmp_path))
    first.prepare()
    load_world(first)
    with first.transaction() as store:
        before = store.instance_states()
    first.dispose()

    reopened = open_database(_file_url(tmp_path))
    reopened.prepare()
    with reopened.transaction() as store:
        assert store.instance_states() == before


def test_used_nonces_survive_reopening_the_file(open_database: OpenDatabase, tmp_path: Path) -> None:
    first = open_database(_file_url(tmp_path))
    first.prepare()
    with first.transaction() as store:
        assert store.remember_nonce("testAKID", "nonce-1", 1_790_000_000.0)
    first.dispose()

    reopened = open_database(_file_url(tmp_path))
    reopened.prepare()
    with reopened.transaction() as store:
        assert not store.remember_nonce("testAKID", "nonce-1", 1_790_000_001.0)


def test_the_clock_setting_survives_reopening_the_file(open_database: OpenDatabase, tmp_path: Path) -> None:
    setting = ClockSetting(frozen_at=1_767_225_600.5)
    first = open_database(_file_url(tmp_path))
    first.prepare()
    with first.transaction() as store:
        store.save_clock_setting(setting)
    first.dispose()

    reopened = open_database(_file_url(tmp_path))
    reopened.prepare()
    with reopened.transaction() as store:
        assert store.clock_setting == setting


def test_the_display_url_hides_a_password(open_database: OpenDatabase) -> None:
    database = open_database("postgresql+psycopg://mock:secret@db:5432/mock_ecs")

    assert "secret" not in database.display_url
    assert database.display_url.startswith("postgresql+psycopg://mock:")


def test_an_applications_own_sqlmodel_tables_stay_out_of_the_mock_database(
    open_database: OpenDatabase, tmp_path: Path
) -> None:
    class Unrelated(SQLModel, table=True):  # e.g. a table of the code under test
        __tablename__ = "unrelated_application_table"
        id: int = Field(primary_key=True)

    try:
        database = open_database(_file_url(tmp_path))
        database.prepare()
        assert "unrelated_application_table" not in inspect(database.engine).get_table_names()
    finally:
        SQLModel.metadata.remove(Unrelated.__table__)  # type: ignore[attr-defined]
