"""What a running server holds for its lifetime: settings, the database and the clocks.

Everything that changes lives in the database; this object only knows how to reach it.
"""

from __future__ import annotations

import random

from mock_ecs.clock import WallClock
from mock_ecs.ecs.lifecycle import PhaseDurations
from mock_ecs.settings import Settings
from mock_ecs.store.database import Database
from mock_ecs.store.fixtures import apply_document, read_file
from mock_ecs.store.session import StoreSession


class Runtime:
    def __init__(self, settings: Settings, wall_clock: WallClock) -> None:
        self.settings = settings
        self.wall_clock = wall_clock
        # Parsed once, at start-up: a broken file stops the server at once, and a reset goes
        # back to exactly what was loaded then.
        self.fixtures = read_file(settings.fixtures)
        self.database = Database(settings.database_url, wall_clock)
        self.rng = random.Random()
        self.durations = PhaseDurations(
            stopping=settings.stopping_seconds,
            starting=settings.starting_seconds,
            force_stopping=settings.force_stopping_seconds,
        )

    def start(self) -> None:
        """Create the schema; load the fixtures into a new database (or on ``--reset``)."""
        with self.database.startup() as store:
            if self.database.create_schema(store, replace=self.settings.reset) or self.settings.reset:
                self._load_fixtures(store)

    def reset(self) -> int:
        """Back to the fixtures, in one transaction; returns the number of instances loaded.

        The clock goes back to system time and nonces are forgotten with everything else.
        """
        with self.database.transaction() as store:
            return self._load_fixtures(store)

    def _load_fixtures(self, store: StoreSession) -> int:
        store.wipe()
        return len(apply_document(store, self.fixtures, str(self.settings.fixtures), self.rng))

    def close(self) -> None:
        self.database.dispose()
