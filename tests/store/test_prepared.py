"""Prepared statements: compiled once per dialect, values bound by name (the statement's own
constants too), run in the transaction SQLAlchemy began, rows read by column name."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, column, insert, literal, select, table, text

from mock_ecs.store.database import Database
from mock_ecs.store.prepared import Prepared, by_shape
from tests.store.conftest import OpenDatabase

_things = table("things", column("id"), column("name"), column("size"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, open_database: OpenDatabase) -> Database:
    url = "sqlite://" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = open_database(url)
    with database.transaction() as store:
        store.connection.execute(
            text("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT, size INTEGER)")
        )
    return database


_INSERT = Prepared(insert(_things).values(id=bindparam("id"), name=bindparam("name"), size=bindparam("size")))
_BY_SIZE = Prepared(
    select(_things.c.id, _things.c.name).where(_things.c.size >= bindparam("size")).order_by(_things.c.id)
)


def _fill(database: Database) -> None:
    with database.transaction() as store:
        for id_, name, size in [(1, "a", 10), (2, "b", 20), (3, "c", 30)]:
            _INSERT.execute(store.connection, {"id": id_, "name": name, "size": size})


def test_rows_are_read_by_column_name(backend: Database) -> None:
    _fill(backend)
    with backend.transaction() as store:
        rows = _BY_SIZE.all(store.connection, {"size": 20})

    assert [(row.id, row.name) for row in rows] == [(2, "b"), (3, "c")]


def test_values_are_bound_by_name_in_whatever_order_the_sql_needs_them(backend: Database) -> None:
    _fill(backend)
    statement = Prepared(
        select(_things.c.name).where(_things.c.size < bindparam("below"), _things.c.id > bindparam("above"))
    )
    with backend.transaction() as store:
        found = statement.all(store.connection, {"above": 1, "below": 30})

    assert [row.name for row in found] == ["b"]


def test_constants_written_into_the_statement_are_bound_too(backend: Database) -> None:
    _fill(backend)
    statement = Prepared(select(_things.c.name).where(_things.c.id == 3, _things.c.size > literal(5)))
    with backend.transaction() as store:
        assert statement.scalar(store.connection) == "c"


def test_first_scalar_and_rowcount(backend: Database) -> None:
    _fill(backend)
    with backend.transaction() as store:
        assert _BY_SIZE.first(store.connection, {"size": 99}) is None
        assert _BY_SIZE.first(store.connection, {"size": 0}).name == "a"
        assert _BY_SIZE.scalar(store.connection, {"size": 30}) == 3
        update = Prepared(text("UPDATE things SET size = size + 1 WHERE size > :size"))
        assert update.rowcount(store.connection, {"size": 15}) == 2


def test_what_it_runs_is_undone_with_the_transaction(backend: Database) -> None:
    def insert_then_fail() -> None:
        with backend.transaction() as store:
            _INSERT.execute(store.connection, {"id": 9, "name": "z", "size": 1})
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        insert_then_fail()

    with backend.transaction() as store:
        assert _BY_SIZE.all(store.connection, {"size": 0}) == []


def test_an_expanding_in_is_refused() -> None:
    statement = Prepared(select(_things.c.id).where(_things.c.id.in_([1, 2])))
    database = Database("sqlite://", lambda: 0.0)
    try:
        with database.transaction() as store, pytest.raises(ValueError, match="expanding IN"):
            statement.execute(store.connection)
    finally:
        database.dispose()


def test_a_shape_is_built_once() -> None:
    built: list[int] = []

    @by_shape
    def ids(count: int) -> object:
        built.append(count)
        return select(_things.c.id).where(_things.c.id.in_([bindparam(f"id_{n}") for n in range(count)]))

    assert ids(2) is ids(2)
    assert ids(3) is not ids(2)
    assert built == [2, 3]
