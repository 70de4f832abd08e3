"""An instance row read into its lifecycle state (with what its side tables hold), and a
schedule written into its columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, select

from mock_ecs.ecs.instances import InstanceState, Lock
from mock_ecs.ecs.lifecycle import LockReason, Phase, Schedule, Status
from mock_ecs.store import tables

_locks = tables.INSTANCE_LOCKS
_groups = tables.INSTANCE_SECURITY_GROUPS
_tags = tables.INSTANCE_TAGS


def locks_of(connection: Connection, instance_ids: Sequence[str]) -> dict[str, list[Lock]]:
    """The locks of these instances, by reason, in one query."""
    found: dict[str, list[Lock]] = {}
    for lock in connection.execute(
        select(_locks).where(_locks.c.instance_id.in_(instance_ids)).order_by(_locks.c.reason)
    ):
        found.setdefault(lock.instance_id, []).append(Lock(LockReason(lock.reason), lock.message))
    return found


def security_groups_of(connection: Connection, instance_ids: Sequence[str]) -> dict[str, list[str]]:
    """The security group ids of these instances, in their order, in one query."""
    found: dict[str, list[str]] = {}
    for group in connection.execute(
        select(_groups).where(_groups.c.instance_id.in_(instance_ids)).order_by(_groups.c.position)
    ):
        found.setdefault(group.instance_id, []).append(group.security_group_id)
    return found


def tags_of(connection: Connection, instance_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """The tags of these instances, by key, in one query."""
    found: dict[str, list[tuple[str, str]]] = {}
    for tag in connection.execute(
        select(_tags).where(_tags.c.instance_id.in_(instance_ids)).order_by(_tags.c.key)
    ):
        found.setdefault(tag.instance_id, []).append((tag.key, tag.value))
    return found


def instance_state(row: Row[Any], locks: Sequence[Lock]) -> InstanceState:
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
