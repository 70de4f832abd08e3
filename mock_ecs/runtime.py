"""What a running server holds for its lifetime: settings, the database and the clocks.

Everything that changes lives in the database; this object only knows how to reach it,
and holds the generators of ids. With ``seed`` set they are seeded, and a reset seeds them
again, so a test run repeats its instance ids and RequestIds. They are per process: each
worker of a shared database follows the sequences on its own.
"""

from __future__ import annotations

import random
import secrets
import uuid

from mock_ecs.clock import WallClock
from mock_ecs.ecs.lifecycle import PhaseDurations
from mock_ecs.settings import Settings
from mock_ecs.store.database import Database
from mock_ecs.store.fixtures import FixtureRows, document_rows, read_file, write_rows
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
        self._request_rng = random.Random()
        self._fault_rng = random.Random()
        self._seed()
        # The fixtures' rows, generated ids and attributes included, made once and here:
        # a reference to an unknown account or region stops the server at once, and the
        # seeded generator stands after them whether or not this start writes them.
        self._fixture_rows: FixtureRows = document_rows(self.fixtures, str(settings.fixtures), self.rng)
        self._rng_after_fixtures = self.rng.getstate()
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
        self._seed()
        with self.database.transaction() as store:
            return self._load_fixtures(store)

    def _seed(self) -> None:
        seed = self.settings.seed
        if seed is None:
            return
        self.rng.seed(seed)
        self._request_rng.seed(f"{seed}:request-ids")
        self._fault_rng.seed(f"{seed}:faults")

    def new_request_id(self) -> str:
        """An upper-case UUID, as the service's RequestIds are."""
        if self.settings.seed is None:
            return str(uuid.uuid4()).upper()
        return str(uuid.UUID(int=self._request_rng.getrandbits(128), version=4)).upper()

    def new_fault_seed(self) -> int:
        """The seed of a fault rule that names none: shown with the rule, so it can be replayed."""
        if self.settings.seed is None:
            return secrets.randbits(31)
        return self._fault_rng.getrandbits(31)

    def _load_fixtures(self, store: StoreSession) -> int:
        """Empty the store and write the fixtures' rows, the same rows every time, seeded or
        not: back to the state of start-up. A seeded generator is put where making them left
        it, as if it had generated them again."""
        store.wipe()
        if self.settings.seed is not None:
            self.rng.setstate(self._rng_after_fixtures)
        write_rows(store, self._fixture_rows)
        return len(self._fixture_rows.instance_ids)

    def close(self) -> None:
        self.database.dispose()
