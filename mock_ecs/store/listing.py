"""The listing queries of DescribeInstances and DescribeInstanceStatus: a page of an account's
instances in a region, its total, and the records DescribeInstances shows (the SQL itself is
in listing_sql.py)."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, bindparam, select

from mock_ecs.ecs.lifecycle import Status
from mock_ecs.ecs.listing import InstanceFilter, InstanceRecord, InstanceStatusRecord, Page, Paging
from mock_ecs.store import tables
from mock_ecs.store.instance_columns import instance_state, locks_of, security_groups_of, tags_of
from mock_ecs.store.listing_sql import (
    Shape,
    bound,
    count_statement,
    page_statement,
    status_at,
    status_page_statement,
)
from mock_ecs.store.page_anchors import anchor_before
from mock_ecs.store.prepared import Prepared

__all__ = ["InstanceListing", "status_at"]

_zones = tables.ZONES
_counts = tables.INSTANCE_COUNTS
_KEPT_COUNT = Prepared(
    select(_counts.c.count, _counts.c.generation).where(
        _counts.c.account_id == bindparam("account"), _counts.c.region_id == bindparam("region")
    )
)
_ZONE = Prepared(
    select(_zones.c.id).where(_zones.c.id == bindparam("zone"), _zones.c.region_id == bindparam("region"))
)


class InstanceListing:
    """The listing half of ``StoreSession`` (a mixin: it uses the session's connection)."""

    connection: Connection

    def zone_exists(self, region_id: str, zone_id: str) -> bool:
        return _ZONE.first(self.connection, {"zone": zone_id, "region": region_id}) is not None

    def describe_instances(self, where: InstanceFilter, paging: Paging, now: float) -> Page[InstanceRecord]:
        if where.matches_nothing or where.instance_ids == ():
            return Page([], 0, more=False)
        rows, total, more = self._listed(where, paging, now, page_statement)
        return Page(self._records(rows), total, more=more, last_seq=rows[-1].seq if rows else None)

    def instance_statuses(
        self, where: InstanceFilter, paging: Paging, now: float
    ) -> Page[InstanceStatusRecord]:
        """As :meth:`describe_instances`, but only each instance's id and status, read in
        one statement: what DescribeInstanceStatus shows."""
        if where.matches_nothing or where.instance_ids == ():
            return Page([], 0, more=False)
        rows, total, more = self._listed(where, paging, now, status_page_statement)
        records = [InstanceStatusRecord(row.id, Status(row.status)) for row in rows]
        return Page(records, total, more=more, last_seq=rows[-1].seq if rows else None)

    def _listed(
        self, where: InstanceFilter, paging: Paging, now: float, page_of: Callable[[Shape], Prepared]
    ) -> tuple[list[Any], int, bool]:
        """One page of rows, the matches on all pages (0 when not counted), and whether
        more follow."""
        shape, values = bound(where, paging, now, self.connection.dialect.name)
        total, generation = self._total(shape, values) if paging.count_total else (0, None)
        # On SQLite the transaction holds the write lock, so the count and the page see the
        # same rows, and the count can decide the page: none past the end; an unfiltered one
        # walks from its page anchor, a filtered one in the second half from the last match.
        if paging.count_total and shape.dialect == "sqlite" and not shape.keyset:
            first = values["offset"]
            if first >= total:
                return [], total, False
            anchor = None
            if generation is not None:
                anchor = anchor_before(self.connection, where.account_id, where.region_id, generation, first)
            if anchor is not None:
                position, values["anchor"] = anchor
                values["offset"] = first - position
                shape = dataclasses.replace(shape, anchored=True)
            elif first > total // 2:
                end = min(first + values["limit"], total)
                values |= {"offset": total - end, "limit": end - first}
                shape = dataclasses.replace(shape, from_end=True)
        rows = page_of(shape).all(self.connection, values)
        return rows[: paging.size], total, len(rows) > paging.size

    def _total(self, shape: Shape, values: dict[str, Any]) -> tuple[int, int | None]:
        """The matches on all pages, and the generation of the kept count it came from."""
        if shape.owner_only:
            kept = _KEPT_COUNT.first(self.connection, values)
            return (0, None) if kept is None else (int(kept.count), int(kept.generation))
        return int(count_statement(shape).scalar(self.connection, values)), None

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


# InstanceRecord's fields that are the instances table's columns of the same name, in the
# record's order: read at once, and the record built from its fields in order (keyword
# arguments cost ten times as much, 35 of them for each instance of a page).
_NOT_COLUMNS = ("state", "security_group_ids", "tags")
_COLUMNS = tuple(name for name in InstanceRecord._fields if name not in _NOT_COLUMNS)
_read_columns = operator.attrgetter(*_COLUMNS)
_BOOLEANS = ("deletion_protection", "io_optimized")  # SQLite gives 0 or 1
_BOOLEAN_AT = tuple(_COLUMNS.index(name) for name in _BOOLEANS)
assert InstanceRecord._fields == ("state", *_COLUMNS, "security_group_ids", "tags")


def _record(row: Any, state: Any, groups: list[str], tags: list[tuple[str, str]]) -> InstanceRecord:
    values = list(_read_columns(row))
    for at in _BOOLEAN_AT:
        values[at] = bool(values[at])
    return InstanceRecord._make((state, *values, tuple(groups), tuple(tags)))
