"""WAL checkpoints leave the request path: the API connection never checkpoints, a thread
of the process does, and stops with the database."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from mock_ecs.store.checkpoints import Checkpointer
from tests.store.conftest import OpenDatabase


def _checkpointed_rows(path: Path) -> int:
    """Rows in the database file itself, the write-ahead log ignored."""
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as reader:
        count: int = reader.execute("SELECT count(*) FROM things").fetchone()[0]
        return count


def _write_uncheckpointed(path: Path, rows: int) -> None:
    with sqlite3.connect(path, isolation_level=None) as writer:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
        writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the table itself is in the file
        writer.executemany("INSERT INTO things VALUES (?)", [(n,) for n in range(rows)])
        # Closing the last connection would checkpoint: a reader stays open meanwhile.


def test_the_checkpointer_copies_the_log_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    keep_open = sqlite3.connect(path)
    _write_uncheckpointed(path, 50)
    assert _checkpointed_rows(path) == 0

    checkpointer = Checkpointer(str(path), interval=0.01)
    checkpointer.start()
    try:
        deadline = time.monotonic() + 10
        while _checkpointed_rows(path) < 50 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        checkpointer.stop()
        keep_open.close()

    assert _checkpointed_rows(path) == 50
    assert not checkpointer.running


def test_the_api_connection_of_a_file_leaves_checkpoints_to_the_checkpointer(
    open_database: OpenDatabase, tmp_path: Path
) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    database.prepare()
    with database.request_transaction() as store:
        driver = store.connection.connection.dbapi_connection
        assert driver is not None
        assert driver.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)

    checkpointer = database._checkpointer
    assert checkpointer is not None
    assert checkpointer.running

    database.dispose()
    assert not checkpointer.running


def test_an_in_memory_database_has_no_checkpointer(open_database: OpenDatabase) -> None:
    database = open_database("sqlite://")
    database.prepare()
    with database.request_transaction():
        pass

    assert database._checkpointer is None
