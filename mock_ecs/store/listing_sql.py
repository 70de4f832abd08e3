"""The SQL of DescribeInstances and DescribeInstanceStatus: a filter's shape, its bound values,
and the statements of each shape.

Status is derived (``Schedule.status_at``), so :func:`status_at` writes the same rule as a
SQL ``CASE`` over the schedule columns and the mock clock's now: filtering on it in SQL keeps
paging and ``TotalCount`` right. Every filter is scoped to one owner and region, and the
``instances`` table has an index per filter column that keeps creation order.

A filter's *shape* (which filters it sets, how many ids it lists) decides the statements;
its values are bound. So the statements of each shape are built and compiled once
(prepared.py), and a request only binds and runs them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Float, Integer, and_, bindparam, case, exists, func, select

from mock_ecs.ecs.listing import InstanceFilter, Paging
from mock_ecs.ecs.paging import MAX_SEQ
from mock_ecs.store import tables
from mock_ecs.store.prepared import by_shape, listed, listed_values

_instances = tables.INSTANCES
_locks = tables.INSTANCE_LOCKS
_groups = tables.INSTANCE_SECURITY_GROUPS
_tags = tables.INSTANCE_TAGS
_c = _instances.c

# The columns filtered by equality, by the InstanceFilter field that gives their value.
_EQUAL = {
    "zone_id": _c.zone_id,
    "instance_type": _c.instance_type,
    "image_id": _c.image_id,
    "vpc_id": _c.vpc_id,
    "vswitch_id": _c.vswitch_id,
    "instance_charge_type": _c.instance_charge_type,
    "internet_charge_type": _c.internet_charge_type,
    "key_pair_name": _c.key_pair_name,
    "resource_group_id": _c.resource_group_id,
    "io_optimized": _c.io_optimized,
}


def status_at(now: float) -> ColumnElement[Any]:
    """The status an instance shows at ``now``, as ``Schedule.status_at`` computes it: the
    first phase not yet over, else the status the operation settles to."""
    return status_case(bindparam("now", now, type_=Float))


def status_case(moment: ColumnElement[Any]) -> ColumnElement[Any]:
    return case(
        (_c.operation.is_(None), _c.status),
        (moment < _c.phase1_ends_at, _c.phase1_status),
        (and_(_c.phase2_ends_at.is_not(None), moment < _c.phase2_ends_at), _c.phase2_status),
        else_=_c.settles_to,
    )


@dataclass(frozen=True)
class Shape:
    """What decides a listing's SQL; the values are bound separately."""

    dialect: str
    equal: tuple[str, ...] = ()  # the _EQUAL filters given
    ids: int | None = None  # how many instance ids are listed (None: any instance)
    private_ips: int = 0
    public_ips: int = 0
    family: bool = False
    status: bool = False
    name: str | None = None  # "exact", "glob" (SQLite) or "like"
    lock: bool = False
    security_group: bool = False
    tags: tuple[bool, ...] = ()  # per Tag.N: whether a value is given
    keyset: bool = False  # a NextToken page (rather than a page number)
    from_end: bool = False  # a page by number in the second half, counted from the last match
    anchored: bool = False  # a page by number that starts walking at a page anchor

    @property
    def owner_only(self) -> bool:
        """No filter but the owner and region: the count is kept in ``instance_counts``."""
        unfiltered = Shape(self.dialect)
        return self == dataclasses.replace(
            unfiltered, keyset=self.keyset, from_end=self.from_end, anchored=self.anchored
        )


def bound(where: InstanceFilter, paging: Paging, now: float, dialect: str) -> tuple[Shape, dict[str, Any]]:
    """The filter's shape, and the values its statements bind."""
    values: dict[str, Any] = {"account": where.account_id, "region": where.region_id, "now": now}
    equal = []
    for name in _EQUAL:
        value = getattr(where, name)
        if value is not None:
            equal.append(name)
            values[name] = value
    lists = {"id": where.instance_ids, "private_ip": where.private_ips, "public_ip": where.public_ips}
    for prefix, items in lists.items():
        values.update(listed_values(prefix, items or ()))
    if where.instance_type_family is not None:
        values["family_from"] = where.instance_type_family + "."
        values["family_to"] = where.instance_type_family + "/"  # '/' sorts right after '.'
    if where.status is not None:
        values["status"] = where.status.value
    name_mode = None
    if where.name_pattern is not None:
        name_mode, values["name"] = _name_pattern(where.name_pattern, dialect)
    if where.lock_reason is not None:
        values["lock_reason"] = where.lock_reason.value
    if where.security_group_id is not None:
        values["security_group"] = where.security_group_id
    for n, (key, value) in enumerate(where.tags):
        values[f"tag_key_{n}"] = key
        if value is not None:
            values[f"tag_value_{n}"] = value
    if paging.after_seq is not None:
        # No stored seq is above the column's range; a token's may be (it carries 64 bits),
        # and binding it would overflow the driver (SQLite) or the column (PostgreSQL).
        values["after"] = min(paging.after_seq, MAX_SEQ)
    else:
        values["offset"] = (paging.number - 1) * paging.size
    # One more than a page tells whether another page follows, without counting.
    values["limit"] = paging.size + 1
    shape = Shape(
        dialect=dialect,
        equal=tuple(equal),
        ids=None if where.instance_ids is None else len(where.instance_ids),
        private_ips=len(where.private_ips or ()),
        public_ips=len(where.public_ips or ()),
        family=where.instance_type_family is not None,
        status=where.status is not None,
        name=name_mode,
        lock=where.lock_reason is not None,
        security_group=where.security_group_id is not None,
        tags=tuple(value is not None for _, value in where.tags),
        keyset=paging.after_seq is not None,
    )
    return shape, values


@by_shape
def count_statement(shape: Shape) -> Any:
    return select(func.count()).select_from(_instances).where(*_conditions(shape))


@by_shape
def page_statement(shape: Shape) -> Any:
    return _paged(select(_instances), shape)


@by_shape
def status_page_statement(shape: Shape) -> Any:
    status = status_case(bindparam("now", type_=Float)).label("status")
    return _paged(select(_c.id, status, _c.seq), shape)


def _paged(query: Any, shape: Shape) -> Any:
    limit = bindparam("limit", type_=Integer)
    if shape.keyset:  # an index seek to the token's creation number
        query = query.where(*_conditions(shape), _c.seq > bindparam("after"))
        return query.order_by(_c.seq).limit(limit)
    # A page by number skips OFFSET matches one by one. Skipping the creation numbers alone
    # walks an index; the page's rows are then read by number (a "deferred join"), so a
    # deep page of a large listing reads 100 rows, not all the rows before it.
    conditions = _conditions(shape)
    if shape.anchored:
        conditions.append(_c.seq >= bindparam("anchor"))
    page = (
        select(_c.seq)
        .where(*conditions)
        .order_by(_c.seq.desc() if shape.from_end else _c.seq)
        .offset(bindparam("offset", type_=BigInteger))
        .limit(limit)
    )
    return query.where(_c.seq.in_(page.scalar_subquery())).order_by(_c.seq)


def _conditions(shape: Shape) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        _c.account_id == bindparam("account"),
        _c.region_id == bindparam("region"),
    ]
    conditions += [_EQUAL[name] == bindparam(name) for name in shape.equal]
    lists = {"id": (_c.id, shape.ids), "private_ip": (_c.private_ip, shape.private_ips)}
    lists["public_ip"] = (_c.public_ip, shape.public_ips)
    for prefix, (column, count) in lists.items():
        if count:
            conditions.append(column.in_(listed(prefix, count)))
    if shape.family:
        # A range rather than LIKE: it uses the index.
        conditions.append(
            and_(_c.instance_type >= bindparam("family_from"), _c.instance_type < bindparam("family_to"))
        )
    if shape.status:
        conditions.append(status_case(bindparam("now", type_=Float)) == bindparam("status"))
    if shape.name == "exact":
        conditions.append(_c.name == bindparam("name"))
    elif shape.name == "glob":
        conditions.append(_c.name.op("GLOB")(bindparam("name")))
    elif shape.name == "like":
        conditions.append(_c.name.like(bindparam("name"), escape="\\"))
    if shape.lock:
        conditions.append(
            exists().where(_locks.c.instance_id == _c.id, _locks.c.reason == bindparam("lock_reason"))
        )
    if shape.security_group:
        conditions.append(
            exists().where(
                _groups.c.instance_id == _c.id, _groups.c.security_group_id == bindparam("security_group")
            )
        )
    for n, has_value in enumerate(shape.tags):
        tag = [_tags.c.instance_id == _c.id, _tags.c.key == bindparam(f"tag_key_{n}")]
        if has_value:
            tag.append(_tags.c.value == bindparam(f"tag_value_{n}"))
        conditions.append(exists().where(*tag))
    return conditions


def _name_pattern(pattern: str, dialect: str) -> tuple[str, str]:
    """``InstanceName`` with ``*`` wildcards, matched case-sensitively like the service:
    how to match, and the pattern to bind."""
    if "*" not in pattern:
        return "exact", pattern
    if dialect == "sqlite":
        # SQLite's LIKE ignores ASCII case; GLOB does not, and ``*`` is already its wildcard.
        return "glob", "".join(f"[{char}]" if char in "?[" else char for char in pattern)
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
    return "like", escaped
