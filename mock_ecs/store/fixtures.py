"""Loading fixtures (the format: ``fixture_format``) into the store, in SQLAlchemy Core.

Loading a document adds what it names and replaces what exists under the same id; everything
else stays. A document is first turned into rows (:class:`FixtureRows`), then written with
one ``executemany`` per table. Start-up turns its fixtures into rows once; each reset writes
those same rows into the emptied tables, which is what keeps a reset to milliseconds.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, func, select, text, update

from mock_ecs.store import tables
from mock_ecs.store.fixture_format import (
    DEFAULT_IMAGE_ID,
    DEFAULT_INSTANCE_TYPE,
    AccessKeySpec,
    AccountSpec,
    FixtureDocument,
    FixtureError,
    InstanceSpec,
    LockSpec,
    RegionSpec,
    parse_document,
    read_file,
)
from mock_ecs.store.fixture_rows import (
    INSTANCE_CHILDREN,
    MERGED,
    FixtureRows,
    Nothing,
    Planner,
    plan_rows,
)
from mock_ecs.store.instance_rows import instance_row, security_group_rows, tag_rows
from mock_ecs.store.session import StoreSession

# Serialises transactions that number new instances on PostgreSQL ("mock-seq").
_SEQ_LOCK = 0x6D6F636B_2D736571

__all__ = [
    "DEFAULT_IMAGE_ID",
    "DEFAULT_INSTANCE_TYPE",
    "AccessKeySpec",
    "AccountSpec",
    "FixtureDocument",
    "FixtureError",
    "FixtureRows",
    "InstanceSpec",
    "LockSpec",
    "RegionSpec",
    "add_instance",
    "apply_document",
    "document_rows",
    "instance_row",
    "parse_document",
    "read_file",
    "security_group_rows",
    "tag_rows",
    "write_rows",
]


def document_rows(document: FixtureDocument, source: str, rng: random.Random) -> FixtureRows:
    """The rows of a document loaded into an empty database (start-up, reset)."""
    return plan_rows(document, source, rng, Nothing())


def write_rows(store: StoreSession, rows: FixtureRows) -> None:
    """Insert rows into tables that hold none of theirs (after :meth:`StoreSession.wipe`)."""
    for table, batch in rows.at(store.mock_now()):
        if batch:
            store.connection.execute(table.insert(), batch)


def apply_document(
    store: StoreSession, document: FixtureDocument, source: str, rng: random.Random
) -> list[str]:
    """Add or replace what the document names, in one transaction; returns the instance ids."""
    existing = _Stored(store.connection)
    rows = plan_rows(document, source, rng, existing)
    _merge(store, rows, existing)
    return rows.instance_ids


def add_instance(store: StoreSession, spec: InstanceSpec, where: str, rng: random.Random) -> str:
    """Create or replace one instance; ``where`` prefixes the errors (file and field)."""
    existing = _Stored(store.connection)
    planner = Planner(existing)
    instance_id = planner.add_instance(spec, where, rng)
    _merge(store, planner.rows(), existing)
    return instance_id


def _merge(store: StoreSession, rows: FixtureRows, existing: _Stored) -> None:
    """Write rows into a database that may hold some of them: those are replaced."""
    connection = store.connection
    replaced = existing.replaced_instances
    if replaced:
        for table in INSTANCE_CHILDREN:
            connection.execute(delete(table).where(table.c.instance_id.in_(replaced)))
        connection.execute(delete(tables.INSTANCES).where(tables.INSTANCES.c.id.in_(replaced)))
    for table, batch in rows.at(store.mock_now()):
        if not batch:
            continue
        if table in MERGED:
            stored = existing.ids(table, [row["id"] for row in batch])
            updates = [_update_of(row) for row in batch if row["id"] in stored]
            batch = [row for row in batch if row["id"] not in stored]
            if updates:
                connection.execute(update(table).where(table.c.id == bindparam("_id")), updates)
        if batch:
            connection.execute(table.insert(), batch)


def _update_of(row: dict[str, Any]) -> dict[str, Any]:
    """The parameters of ``UPDATE … WHERE id = :_id`` (the key itself is not set again)."""
    return {"_id": row["id"], **{column: value for column, value in row.items() if column != "id"}}


class _Stored:
    """The database of a transaction; remembers which instances a load replaces."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.replaced_instances: list[str] = []

    def region_position(self, region_id: str) -> int | None:
        regions = tables.REGIONS
        position = self.connection.execute(
            select(regions.c.position).where(regions.c.id == region_id)
        ).scalar()
        return None if position is None else int(position)

    def last_region_position(self) -> int:
        return int(self.connection.execute(select(func.max(tables.REGIONS.c.position))).scalar() or 0)

    def has_account(self, account_id: str) -> bool:
        return bool(self.ids(tables.ACCOUNTS, [account_id]))

    def has_region(self, region_id: str) -> bool:
        return bool(self.ids(tables.REGIONS, [region_id]))

    def zones(self, region_id: str) -> list[tuple[str, int]]:
        zones = tables.ZONES
        rows = self.connection.execute(
            select(zones.c.id, zones.c.position).where(zones.c.region_id == region_id)
        )
        return [(row.id, row.position) for row in rows]

    def instance(self, instance_id: str) -> tuple[int, int] | None:
        instances = tables.INSTANCES
        row = self.connection.execute(
            select(instances.c.seq, instances.c.version).where(instances.c.id == instance_id)
        ).first()
        if row is None:
            return None
        self.replaced_instances.append(instance_id)
        return int(row.seq), int(row.version)

    def has_instance(self, instance_id: str) -> bool:
        return bool(self.ids(tables.INSTANCES, [instance_id]))

    def last_seq(self) -> int:
        if self.connection.dialect.name == "postgresql":
            # Two transactions creating instances at once would read the same last number and
            # collide on it; SQLite's BEGIN IMMEDIATE serialises them already.
            self.connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEQ_LOCK})
        return int(self.connection.execute(select(func.max(tables.INSTANCES.c.seq))).scalar() or 0)

    def ids(self, table: Table, wanted: list[str]) -> set[str]:
        return set(self.connection.execute(select(table.c.id).where(table.c.id.in_(wanted))).scalars())
