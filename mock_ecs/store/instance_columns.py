"""An instance row read into its lifecycle state (with what its side tables hold), and a
schedule written into its columns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, select

from mock_ecs.ecs.instances import InstanceState, Lock
from mock_ecs.ecs.lifecycle import LockReason, Phase, Schedule, Status
from mock_ecs.store import tables
from mock_ecs.store.prepared import Prepared, by_shape, listed, listed_values

_locks = tables.INSTANCE_LOCKS
_groups = tables.INSTANCE_SECURITY_GROUPS
_tags = tables.INSTANCE_TAGS


# Ids are bound a chunk at a time: it bounds both the statements kept (one per chunk size)
# and the variables of one statement (SQLite allows 32,766).
CHUNK = 100


def chunked(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _of_instances(table: Any, order: Any) -> Any:
    @by_shape
    def statement(count: int) -> Any:
        ids = listed("id", count)
        return select(table).where(table.c.instance_id.in_(ids)).order_by(table.c.instance_id, order)

    return statement


_LOCKS = _of_instances(_locks, _locks.c.reason)
_GROUPS = _of_instances(_groups, _groups.c.position)
_TAGS = _of_instances(_tags, _tags.c.key)


def _rows_of(statement: Any, connection: Connection, instance_ids: Sequence[str]) -> list[Any]:
    rows: list[Any] = []
    for part in chunked(instance_ids):
        prepared: Prepared = statement(len(part))
        rows += prepared.all(connection, listed_values("id", part))
    return rows


def locks_of(connection: Connection, instance_ids: Sequence[str]) -> dict[str, list[Lock]]:
    """The locks of these instances, by reason."""
    found: dict[str, list[Lock]] = {}
    for lock in _rows_of(_LOCKS, connection, instance_ids):
        found.setdefault(lock.instance_id, []).append(Lock(LockReason(lock.reason), lock.message))
    return found


def security_groups_of(connection: Connection, instance_ids: Sequence[str]) -> dict[str, list[str]]:
    """The security group ids of these instances, in their order."""
    found: dict[str, list[str]] = {}
    for group in _rows_of(_GROUPS, connection, instance_ids):
        found.setdefault(group.instance_id, []).append(group.security_group_id)
    return found


def tags_of(connection: Connection, instance_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """The tags of these instances, by key."""
    found: dict[str, list[tuple[str, str]]] = {}
    for tag in _rows_of(_TAGS, connection, instance_ids):
        found.setdefault(tag.instance_id, []).append((tag.key, tag.value))
    return found


def instance_state(row: Any, locks: Sequence[Lock]) -> InstanceState:
    schedule = None
    if row.operation is not None:
        phases = [Phase(Status(row.phase1_status), _float(row.phase1_ends_at))]
        if row.phase2_status is not None:
            phases.append(Phase(Status(row.phase2_status), _float(row.phase2_ends_at)))
        schedule = Schedule(
            row.operation, _float(row.operation_started_at), tuple(phases), Status(row.settles_to)
        )
    return InstanceState(
        id=row.id,
        account_id=row.account_id,
        region_id=row.region_id,
        status=Status(row.status),
        schedule=schedule,
        locks=tuple(locks),
        version=row.version,
        stopping_seconds=row.stopping_seconds,
        starting_seconds=row.starting_seconds,
    )


def schedule_columns(schedule: Schedule | None) -> dict[str, Any]:
    """The columns that store a schedule (all NULL for none); at most two phases fit."""
    if schedule is None:
        return dict.fromkeys(_SCHEDULE_COLUMNS)
    if len(schedule.phases) > 2:
        raise ValueError(f"{schedule.operation}: the instances table stores at most two phases")
    second = schedule.phases[1] if len(schedule.phases) == 2 else None
    return {
        "operation": schedule.operation,
        "operation_started_at": schedule.started_at,
        "phase1_status": schedule.phases[0].status.value,
        "phase1_ends_at": schedule.phases[0].ends_at,
        "phase2_status": second.status.value if second else None,
        "phase2_ends_at": second.ends_at if second else None,
        "settles_to": schedule.settles_to.value,
    }


_SCHEDULE_COLUMNS = (
    "operation",
    "operation_started_at",
    "phase1_status",
    "phase1_ends_at",
    "phase2_status",
    "phase2_ends_at",
    "settles_to",
)


def _float(value: float | None) -> float:
    if value is None:
        raise ValueError("an instance schedule is missing a time")
    return float(value)
