"""One store transaction: the queries of the API's hot path, in SQLAlchemy Core.

A :class:`StoreSession` is what the gateway calls a ``CredentialStore`` and what the ECS
actions call an ``EcsStore``. Core statements on the request's one connection, rather than
an ORM session per request, keep the hot path lean (design notes §2).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, exists, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from mock_ecs.clock import ClockSetting, WallClock
from mock_ecs.ecs.instances import InstanceState, RegionInfo
from mock_ecs.ecs.lifecycle import Schedule
from mock_ecs.protocol.authentication import AccessKey
from mock_ecs.protocol.errors import StateConflict
from mock_ecs.store import tables
from mock_ecs.store.instance_columns import chunked, instance_state, locks_of, schedule_columns
from mock_ecs.store.listing import InstanceListing
from mock_ecs.store.prepared import Prepared, by_shape, listed, listed_values, upsert_insert
from mock_ecs.store.traffic import TrafficRecords

# Nonces are kept twice as long as the 15-minute timestamp window that could replay them.
NONCE_RETENTION_SECONDS = 2 * 15 * 60
_NONCE_PURGE_EVERY = 1000  # expired nonces are purged on about one insert in this many

_instances = tables.INSTANCES
_locks = tables.INSTANCE_LOCKS
_nonces = tables.NONCES
_keys = tables.ACCESS_KEYS
_accounts = tables.ACCOUNTS
_regions = tables.REGIONS
_clock = tables.CLOCK
_WIPED = tuple(table for table in reversed(tables.METADATA.sorted_tables) if table is not tables.META)

# The hot path's statements (prepared.py): every API request reads its key, records its
# nonce and reads the clock; the actions read regions, balances and instances.
_ACCESS_KEY = Prepared(select(_keys).where(_keys.c.id == bindparam("id")))
_NONCE_VALUES: dict[str, Any] = {name: bindparam(name) for name in ("access_key_id", "nonce", "seen_at")}
_PURGE_NONCES = Prepared(delete(_nonces).where(_nonces.c.seen_at < bindparam("before")))
_CLOCK_SETTING = Prepared(select(_clock.c.frozen_at, _clock.c.offset).where(_clock.c.id == 1))
_REGION = Prepared(select(_regions.c.id).where(_regions.c.id == bindparam("id")))
_BALANCE = Prepared(select(_accounts.c.balance).where(_accounts.c.id == bindparam("id")))
_INSTANCE = Prepared(
    select(_instances).where(
        _instances.c.id == bindparam("id"), _instances.c.account_id == bindparam("account")
    )
)


@functools.cache
def _nonce_upsert(dialect: str) -> Prepared | None:
    """The nonce's INSERT … ON CONFLICT DO NOTHING, where the dialect has it."""
    insert = upsert_insert(dialect, _nonces)
    return None if insert is None else Prepared(insert.values(_NONCE_VALUES).on_conflict_do_nothing())


@by_shape
def _owned_instances(count: int) -> Any:
    """``count`` instances of one owner and region, by id, in creation order."""
    return (
        select(_instances)
        .where(
            _instances.c.id.in_(listed("id", count)),
            _instances.c.account_id == bindparam("account"),
            _instances.c.region_id == bindparam("region"),
        )
        .order_by(_instances.c.seq)
    )


@by_shape
def _instance_update(columns: tuple[str, ...]) -> Any:
    """Check-and-set of these columns: only if the row's version is still the one read."""
    return (
        update(_instances)
        .where(_instances.c.id == bindparam("where_id"), _instances.c.version == bindparam("where_version"))
        .values({name: bindparam(f"set_{name}") for name in (*columns, "version")})
    )


class StoreSession(InstanceListing, TrafficRecords):
    def __init__(self, connection: Connection, wall_clock: WallClock) -> None:
        self.connection = connection
        self.wall_clock = wall_clock
        self._orm: Session | None = None

    @property
    def orm(self) -> Session:
        """A SQLModel session inside this same transaction, for the control plane."""
        if self._orm is None:
            self._orm = Session(bind=self.connection)
        return self._orm

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo what is done inside if it raises; the transaction itself goes on.

        Written as SQL on the driver's cursor: every API request takes one, and SQLAlchemy's
        ``begin_nested`` costs several times the statements themselves.
        """
        cursor = self.connection.connection.cursor()
        cursor.execute("SAVEPOINT request")
        try:
            yield
        except BaseException:
            cursor.execute("ROLLBACK TO SAVEPOINT request")
            cursor.execute("RELEASE SAVEPOINT request")
            raise
        cursor.execute("RELEASE SAVEPOINT request")

    def flush(self) -> None:
        if self._orm is not None:
            self._orm.flush()

    def wipe(self) -> None:
        """Delete every row but the schema version: a reset, before the fixtures load again.

        One query finds the tables that hold rows; only those get a DELETE (children first).
        """
        held = self.connection.execute(select(*(exists().select_from(table) for table in _WIPED))).one()
        for table, has_rows in zip(_WIPED, held, strict=True):
            if has_rows:
                self.connection.execute(delete(table))
        self.__dict__["clock_setting"] = ClockSetting()  # the clock row is gone: system time again

    def is_empty(self) -> bool:
        return not any(
            self.connection.execute(select(exists().select_from(table))).scalar()
            for table in (_regions, _accounts, _instances)
        )

    # -- credentials --------------------------------------------------------------------

    def find_access_key(self, access_key_id: str) -> AccessKey | None:
        row = _ACCESS_KEY.first(self.connection, {"id": access_key_id})
        if row is None:
            return None
        allowed = None if row.allowed_actions is None else frozenset(json.loads(row.allowed_actions))
        return AccessKey(
            id=row.id,
            secret=row.secret,
            account_id=row.account_id,
            active=bool(row.active),
            security_token=row.security_token,
            token_expires_at=row.token_expires_at,
            allowed_actions=allowed,
        )

    def default_access_key(self) -> AccessKey | None:
        """The key to show a new user: active, usable without a security token, and allowed
        every action if there is such a key."""
        row = self.connection.execute(
            select(_keys.c.id)
            .where(_keys.c.active.is_(True), _keys.c.security_token.is_(None))
            .order_by(_keys.c.allowed_actions.is_not(None), _keys.c.account_id, _keys.c.id)
        ).first()
        return None if row is None else self.find_access_key(row.id)

    def remember_nonce(self, access_key_id: str, nonce: str, seen_at: float) -> bool:
        values = {"access_key_id": access_key_id, "nonce": nonce, "seen_at": seen_at}
        upsert = _nonce_upsert(self.connection.dialect.name)
        if upsert is not None:
            inserted = upsert.rowcount(self.connection, values) == 1
        else:  # a database without upsert: look first (the transaction holds the row's key)
            used = self.connection.execute(
                select(_nonces.c.nonce).where(
                    _nonces.c.access_key_id == access_key_id, _nonces.c.nonce == nonce
                )
            ).first()
            if used is not None:
                return False
            self.connection.execute(_nonces.insert().values(values))
            inserted = True
        if inserted and hash(nonce) % _NONCE_PURGE_EVERY == 0:
            _PURGE_NONCES.execute(self.connection, {"before": seen_at - NONCE_RETENTION_SECONDS})
        return inserted

    # -- the mock clock -----------------------------------------------------------------

    @cached_property
    def clock_setting(self) -> ClockSetting:
        row = _CLOCK_SETTING.first(self.connection)
        return ClockSetting() if row is None else ClockSetting(row.frozen_at, row.offset)

    def save_clock_setting(self, setting: ClockSetting) -> None:
        values = {"frozen_at": setting.frozen_at, "offset": setting.offset}
        if self.connection.execute(update(_clock).where(_clock.c.id == 1).values(values)).rowcount == 0:
            self.connection.execute(_clock.insert().values(id=1, **values))
        self.__dict__["clock_setting"] = setting

    def mock_now(self) -> float:
        return self.clock_setting.now(self.wall_clock())

    # -- ECS ----------------------------------------------------------------------------

    def region_exists(self, region_id: str) -> bool:
        return _REGION.first(self.connection, {"id": region_id}) is not None

    def account_balance(self, account_id: str) -> float:
        balance = _BALANCE.scalar(self.connection, {"id": account_id})
        return 0.0 if balance is None else float(balance)

    def instances(self, account_id: str, region_id: str, ids: Sequence[str]) -> Mapping[str, InstanceState]:
        rows = []
        for part in chunked(ids):
            values = {"account": account_id, "region": region_id, **listed_values("id", part)}
            rows += _owned_instances(len(part)).all(self.connection, values)
        return {state.id: state for state in self._states(rows)}

    def find_instance(self, account_id: str, instance_id: str) -> InstanceState | None:
        row = _INSTANCE.first(self.connection, {"id": instance_id, "account": account_id})
        return None if row is None else self._states([row])[0]

    def regions(self) -> list[RegionInfo]:
        rows = self.connection.execute(
            select(_regions.c.id, _regions.c.local_names).order_by(_regions.c.position, _regions.c.id)
        )
        return [RegionInfo(row.id, json.loads(row.local_names or "{}")) for row in rows]

    def instance_states(self, *conditions: ColumnElement[bool]) -> dict[str, InstanceState]:
        return {state.id: state for _, state in self.instance_rows(*conditions)}

    def instance_rows(self, *conditions: ColumnElement[bool]) -> list[tuple[Row[Any], InstanceState]]:
        """Matching instances in creation order: each stored row, and its lifecycle state."""
        rows = self.connection.execute(select(_instances).where(*conditions).order_by(_instances.c.seq)).all()
        return list(zip(rows, self._states(rows), strict=True))

    def _states(self, rows: Sequence[Any]) -> list[InstanceState]:
        locks = locks_of(self.connection, [row.id for row in rows]) if rows else {}
        return [instance_state(row, locks.get(row.id, [])) for row in rows]

    def start_schedule(
        self, instance: InstanceState, schedule: Schedule, *, stopped_mode: str | None = None
    ) -> None:
        values = {
            "status": instance.status_at(schedule.started_at),
            **schedule_columns(schedule),
            "stopped_mode": stopped_mode,
        }
        # The schedule being replaced may have brought the instance up: keep when (StartTime).
        since = instance.schedule.running_since(schedule.started_at) if instance.schedule else None
        if since is not None:
            values["started_at"] = since
        self.update_instance(instance, values)

    def update_instance(self, instance: InstanceState, values: Mapping[str, Any]) -> None:
        """Check-and-set: applies only if nobody changed the instance since it was read."""
        bound = {f"set_{name}": value for name, value in values.items()}
        bound |= {
            "set_version": instance.version + 1,
            "where_id": instance.id,
            "where_version": instance.version,
        }
        if _instance_update(tuple(values)).rowcount(self.connection, bound) != 1:
            raise StateConflict(instance.id)
