"""Engine set-up, schema creation, and one transaction per request.

SQLite (the default) runs in WAL mode, and every transaction begins ``IMMEDIATE``: it takes
the write lock up front (every API request writes, at least its nonce), so a check-and-set
can never interleave with another worker's. Any other SQLAlchemy URL (PostgreSQL) works too; there the
``version`` guard of each instance row catches the lost updates that ``READ COMMITTED`` lets
through (``StateConflict``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from mock_ecs.clock import WallClock
from mock_ecs.store import tables, triggers  # noqa: F401 (triggers: created with the schema)
from mock_ecs.store.session import StoreSession

# Any constant that no other application on a shared PostgreSQL server is likely to pick.
_STARTUP_LOCK = 0x6D6F636B_65637321  # "mock-ecs!" with the dash folded out


class IncompatibleDatabase(Exception):
    """The database was written by another schema version of mock-ecs."""


class Database:
    def __init__(self, url: str, wall_clock: WallClock) -> None:
        self.url = make_url(url)
        self.wall_clock = wall_clock
        self.engine = _create_engine(url)
        # SQLite: API requests run one at a time on the server's event loop, on one connection
        # kept open (a pool checkout per request costs more than the request's own SQL). A
        # server database keeps its pool, which replaces a connection the server dropped.
        self._keeps_connection = self.url.get_backend_name() == "sqlite"
        self._kept: Connection | None = None
        self._kept_lock = threading.RLock()

    @contextmanager
    def startup(self) -> Iterator[StoreSession]:
        """One transaction that no other process's start-up runs beside.

        Workers starting together on one database would otherwise all find it new, and race
        to create the schema and load the fixtures. SQLite's ``BEGIN IMMEDIATE`` already
        serialises them; PostgreSQL takes a transaction-scoped advisory lock.
        """
        with self.transaction() as store:
            if store.connection.dialect.name == "postgresql":
                store.connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _STARTUP_LOCK})
            yield store

    def prepare(self, *, replace: bool = False) -> bool:
        """:meth:`create_schema` in a start-up transaction of its own."""
        with self.startup() as store:
            return self.create_schema(store, replace=replace)

    def create_schema(self, store: StoreSession, *, replace: bool = False) -> bool:
        """Create the schema if missing; True when the database is new (holds no data yet).

        Runs inside :meth:`startup`. A database of another schema version is refused before
        anything touches it, unless ``replace`` (``--reset``, which drops the stored state
        anyway) lets it be dropped.
        """
        connection = store.connection
        existing = set(inspect(connection).get_table_names())
        if existing and tables.META.name not in existing:
            raise IncompatibleDatabase(f"{self.display_url} holds tables that mock-ecs did not create")
        stored = _schema_version(connection) if existing else None
        if stored is not None and stored != tables.SCHEMA_VERSION:
            if not replace:
                raise IncompatibleDatabase(
                    f"{self.display_url} has schema version {stored}; this mock-ecs needs "
                    f"{tables.SCHEMA_VERSION}. Start with --reset or use another --db."
                )
            # Drop what the other version made, as it made it: its tables may not be ours.
            old = MetaData()
            old.reflect(connection)
            old.drop_all(connection)
            stored = None
        tables.METADATA.create_all(connection)
        if stored is None:
            connection.execute(tables.META.insert().values(key="schema_version", value=tables.SCHEMA_VERSION))
        return store.is_empty()

    @contextmanager
    def transaction(self) -> Iterator[StoreSession]:
        with self.engine.begin() as connection:
            store = StoreSession(connection, self.wall_clock)
            yield store
            store.flush()

    @contextmanager
    def request_transaction(self) -> Iterator[StoreSession]:
        """:meth:`transaction`, for the API's requests."""
        if not self._keeps_connection:
            with self.transaction() as store:
                yield store
            return
        with self._kept_lock:
            if self._kept is None or self._kept.invalidated:
                self._kept = self.engine.connect()
            kept = self._kept
            # BEGIN and COMMIT on the driver: SQLAlchemy's own transaction bookkeeping costs
            # more than they do. A Core statement run inside (a rare path: a fault rule's
            # count, the rate limit) makes SQLAlchemy begin too; its "begin" hook sees the
            # transaction already open, and it is ended below with the driver's.
            driver = kept.connection.dbapi_connection
            assert driver is not None
            driver.execute("BEGIN IMMEDIATE")
            try:
                store = StoreSession(kept, self.wall_clock)
                yield store
                store.flush()
            except BaseException:
                driver.rollback()
                if kept.in_transaction():
                    kept.rollback()
                raise
            driver.commit()
            if kept.in_transaction():
                kept.commit()

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        with self._kept_lock:
            if self._kept is not None:
                self._kept.close()
                self._kept = None
        self.engine.dispose()


def _schema_version(connection: Connection) -> str | None:
    stored: str | None = connection.execute(
        select(tables.META.c.value).where(tables.META.c.key == "schema_version")
    ).scalar()
    return stored


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    memory = parsed.database in (None, "", ":memory:")
    if not memory and parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if memory:
        # One shared connection keeps an in-memory database alive; every use of it runs on
        # the server's event loop thread, one at a time.
        options["poolclass"] = StaticPool
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        driver = connection.connection.dbapi_connection
        if not driver.in_transaction:  # else begun on the driver (Database.request_transaction)
            driver.execute("BEGIN IMMEDIATE")

    return engine
