"""WAL checkpoints off the request path (SQLite files).

SQLite copies the write-ahead log back into the database file inside whichever commit
takes the log past ``wal_autocheckpoint`` pages, and syncs the file: that request waits
several milliseconds, which is most of a busy server's p99 latency. So the connection that
serves API requests does not checkpoint; a thread of the same process does, a few times a
second, with PASSIVE checkpoints, which never wait for nor block a writer. The state is in
the database as before: this only decides when its pages move from one file to the other.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger("mock_ecs.store")

INTERVAL_SECONDS = 0.2


class Checkpointer:
    def __init__(self, path: str, interval: float = INTERVAL_SECONDS) -> None:
        self.path = path
        self.interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mock-ecs-checkpoints", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            log.exception("WAL checkpoints: cannot open %s", self.path)
            return
        try:
            while not self._stopped.wait(self.interval):
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as error:  # busy or locked: the next round tries again
                    log.debug("WAL checkpoint skipped: %s", error)
            # A last one: the log of a stopped server is no longer than it must be.
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            log.debug("WAL checkpoint at shutdown skipped", exc_info=True)
        finally:
            connection.close()
