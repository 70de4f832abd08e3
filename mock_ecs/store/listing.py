"""The queries of DescribeInstances and DescribeInstanceStatus, in SQLAlchemy Core.

Status is derived (``Schedule.status_at``), so :func:`status_at` writes the same rule as a
SQL ``CASE`` over the schedule columns and the mock clock's now: filtering on it in SQL keeps
paging and ``TotalCount`` right. Every filter is scoped to one owner and region, and the
``instances`` table has an index per filter column that keeps creation order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, exists, func, literal, select

from mock_ecs.ecs.listing import InstanceFilter, InstanceRecord, Page, Paging
from mock_ecs.ecs.paging import MAX_SEQ
from mock_ecs.store import tables
from mock_ecs.store.instance_columns import instance_state, locks_of, security_groups_of, tags_of

_instances = tables.INSTANCES
_locks = tables.INSTANCE_LOCKS
_groups = tables.INSTANCE_SECURITY_GROUPS
_tags = tables.INSTANCE_TAGS
_zones = tables.ZONES
_c = _instances.c


def status_at(now: float) -> ColumnElement[Any]:
    """The status an instance shows at ``now``, as ``Schedule.status_at`` computes it: the
    first phase not yet over, else the status the operation settles to."""
    moment = literal(now)
    return case(
        (_c.operation.is_(None), _c.status),
        (moment < _c.phase1_ends_at, _c.phase1_status),
        (and_(_c.phase2_ends_at.is_not(None), moment < _c.phase2_ends_at), _c.phase2_status),
        else_=_c.settles_to,
    )


class InstanceListing:
    """The listing half of ``StoreSession`` (a mixin: it uses the session's connection)."""

    connection: Connection

    def zone_exists(self, region_id: str, zone_id: str) -> bool:
        found = self.connection.execute(
            select(_zones.c.id).where(_zones.c.id == zone_id, _zones.c.region_id == region_id)
        ).first()
        return found is not None

    def describe_instances(self, where: InstanceFilter, paging: Paging, now: float) -> Page:
        if where.matches_nothing or where.instance_ids == ():
            return Page([], 0, more=False)
        conditions = _conditions(where, now, self.connection.dialect.name)
        total = 0
        if paging.count_total:
            total = self.connection.execute(select(func.count()).where(*conditions)).scalar_one()
        query = select(_instances).where(*conditions).order_by(_c.seq)
        if paging.after_seq is not None:
            # No stored seq is above the column's range; a token's may be (it carries 64 bits),
            # and binding it would overflow the driver (SQLite) or the column (PostgreSQL).
            query = query.where(_c.seq > min(paging.after_seq, MAX_SEQ))
        else:
            query = query.offset((paging.number - 1) * paging.size)
        # One more than a page tells whether another page follows, without counting.
        rows = list(self.connection.execute(query.limit(paging.size + 1)).all())
        more = len(rows) > paging.size
        rows = rows[: paging.size]
        records = self._records(rows)
        return Page(records, total, more=more, last_seq=rows[-1].seq if rows else None)

    def _records(self, rows: list[Any]) -> list[InstanceRecord]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        locks = locks_of(self.connection, ids)
        groups = security_groups_of(self.connection, ids)
        tags = tags_of(self.connection, ids)
        return [
            _record(
                row, instance_state(row, locks.get(row.id, [])), groups.get(row.id, []), tags.get(row.id, [])
            )
            for row in rows
        ]


def _conditions(where: InstanceFilter, now: float, dialect: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        _c.account_id == where.account_id,
        _c.region_id == where.region_id,
    ]
    equal = {
        _c.zone_id: where.zone_id,
        _c.instance_type: where.instance_type,
        _c.image_id: where.image_id,
        _c.vpc_id: where.vpc_id,
        _c.vswitch_id: where.vswitch_id,
        _c.instance_charge_type: where.instance_charge_type,
        _c.internet_charge_type: where.internet_charge_type,
        _c.key_pair_name: where.key_pair_name,
        _c.resource_group_id: where.resource_group_id,
        _c.io_optimized: where.io_optimized,
    }
    conditions += [column == value for column, value in equal.items() if value is not None]
    if where.instance_ids is not None:
        conditions.append(_c.id.in_(where.instance_ids))
    if where.private_ips:
        conditions.append(_c.private_ip.in_(where.private_ips))
    if where.public_ips:
        conditions.append(_c.public_ip.in_(where.public_ips))
    if where.instance_type_family is not None:
        # A range rather than LIKE: it uses the index, and '/' sorts right after '.'.
        family = where.instance_type_family
        conditions.append(and_(_c.instance_type >= family + ".", _c.instance_type < family + "/"))
    if where.status is not None:
        conditions.append(status_at(now) == where.status.value)
    if where.name_pattern is not None:
        conditions.append(_name_matches(where.name_pattern, dialect))
    if where.lock_reason is not None:
        conditions.append(
            exists().where(_locks.c.instance_id == _c.id, _locks.c.reason == where.lock_reason.value)
        )
    if where.security_group_id is not None:
        conditions.append(
            exists().where(
                _groups.c.instance_id == _c.id, _groups.c.security_group_id == where.security_group_id
            )
        )
    for key, value in where.tags:
        tag = [_tags.c.instance_id == _c.id, _tags.c.key == key]
        if value is not None:
            tag.append(_tags.c.value == value)
        conditions.append(exists().where(*tag))
    return conditions


def _name_matches(pattern: str, dialect: str) -> ColumnElement[bool]:
    """``InstanceName`` with ``*`` wildcards, matched case-sensitively like the service."""
    if "*" not in pattern:
        return _c.name == pattern
    if dialect == "sqlite":
        # SQLite's LIKE ignores ASCII case; GLOB does not, and ``*`` is already its wildcard.
        escaped = "".join(f"[{char}]" if char in "?[" else char for char in pattern)
        return _c.name.op("GLOB")(escaped)
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
    return _c.name.like(escaped, escape="\\")


def _record(row: Any, state: Any, groups: list[str], tags: list[tuple[str, str]]) -> InstanceRecord:
    return InstanceRecord(
        state=state,
        seq=row.seq,
        zone_id=row.zone_id,
        name=row.name,
        hostname=row.hostname,
        description=row.description,
        instance_type=row.instance_type,
        image_id=row.image_id,
        cpu=row.cpu,
        memory=row.memory,
        os_name=row.os_name,
        os_name_en=row.os_name_en,
        os_type=row.os_type,
        instance_charge_type=row.instance_charge_type,
        internet_charge_type=row.internet_charge_type,
        internet_max_bandwidth_out=row.internet_max_bandwidth_out,
        internet_max_bandwidth_in=row.internet_max_bandwidth_in,
        vpc_id=row.vpc_id,
        vswitch_id=row.vswitch_id,
        private_ip=row.private_ip,
        public_ip=row.public_ip,
        network_interface_id=row.network_interface_id,
        mac_address=row.mac_address,
        key_pair_name=row.key_pair_name,
        resource_group_id=row.resource_group_id,
        serial_number=row.serial_number,
        deletion_protection=bool(row.deletion_protection),
        io_optimized=bool(row.io_optimized),
        created_at=row.created_at,
        expired_at=row.expired_at,
        started_at=row.started_at,
        stopped_mode=row.stopped_mode,
        security_group_ids=tuple(groups),
        tags=tuple(tags),
    )
