"""A fixtures document turned into rows, table by table, before anything is written.

Entries are read in the document's order, each as if the one before were already written:
a later entry sees (and replaces) an earlier one. What the database already holds comes
from an :class:`Existing`: nothing for start-up and resets, the transaction's tables for a
document loaded at runtime (``mock_ecs.store.fixtures``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Table

from mock_ecs.ecs import ids
from mock_ecs.store import tables
from mock_ecs.store.fixture_format import (
    AccountSpec,
    FixtureDocument,
    FixtureError,
    InstanceSpec,
    RegionSpec,
    check_unique,
    epoch_seconds,
)
from mock_ecs.store.instance_rows import clock_columns, instance_row, security_group_rows, tag_rows

_ID_ATTEMPTS = 100  # draws of a generated id before giving up (20 characters: never, in practice)

# The tables a document writes, parents first.
TABLES = (
    tables.REGIONS,
    tables.ZONES,
    tables.ACCOUNTS,
    tables.ACCESS_KEYS,
    tables.INSTANCES,
    tables.INSTANCE_LOCKS,
    tables.INSTANCE_SECURITY_GROUPS,
    tables.INSTANCE_TAGS,
)
MERGED = TABLES[:4]  # rows kept and updated when a document names them again
INSTANCE_CHILDREN = TABLES[5:]


@dataclass(frozen=True)
class FixtureRows:
    """A document's rows by table, parents first, and the ids of its instances.

    Instance times left to the clock (no ``created_at``) are stored counted from 0 and named
    in ``from_now``: writing adds the mock time of the load, so a reset gives them the time
    of the reset, as a fresh start at that moment would.
    """

    rows: dict[Table, list[dict[str, Any]]]
    instance_ids: list[str]
    from_now: dict[str, tuple[str, ...]]  # instance id -> its columns counted from the load

    def at(self, now: float) -> Iterator[tuple[Table, list[dict[str, Any]]]]:
        for table, rows in self.rows.items():
            if table is tables.INSTANCES:
                rows = [_shifted(row, self.from_now.get(row["id"], ()), now) for row in rows]
            yield table, rows


def _shifted(row: dict[str, Any], columns: tuple[str, ...], now: float) -> dict[str, Any]:
    return {**row, **{column: row[column] + now for column in columns}} if columns else row


def plan_rows(document: FixtureDocument, source: str, rng: random.Random, existing: Existing) -> FixtureRows:
    check_unique(document, source)
    planner = Planner(existing)
    for region in document.regions:
        planner.add_region(region)
    for account in document.accounts:
        planner.add_account(account)
    for index, instance in enumerate(document.instances):
        planner.add_instance(instance, f"{source}: instances[{index}]", rng)
    return planner.rows()


class Existing(Protocol):
    """What the database already holds, asked about what a document names."""

    def region_position(self, region_id: str) -> int | None: ...
    def last_region_position(self) -> int: ...
    def has_account(self, account_id: str) -> bool: ...
    def has_region(self, region_id: str) -> bool: ...
    def zones(self, region_id: str) -> list[tuple[str, int]]: ...
    def instance(self, instance_id: str) -> tuple[int, int] | None: ...
    def has_instance(self, instance_id: str) -> bool: ...
    def last_seq(self) -> int: ...


class Nothing:
    """An empty database."""

    def region_position(self, region_id: str) -> int | None:
        return None

    def last_region_position(self) -> int:
        return 0

    def has_account(self, account_id: str) -> bool:
        return False

    def has_region(self, region_id: str) -> bool:
        return False

    def zones(self, region_id: str) -> list[tuple[str, int]]:
        return []

    def instance(self, instance_id: str) -> tuple[int, int] | None:
        return None

    def has_instance(self, instance_id: str) -> bool:
        return False

    def last_seq(self) -> int:
        return 0


class Planner:
    """Turns specs into rows, in the order a document gives them, as if each were written
    before the next is read: a later entry sees (and replaces) an earlier one."""

    def __init__(self, existing: Existing) -> None:
        self.existing = existing
        self.regions: dict[str, dict[str, Any]] = {}
        self.zones: dict[str, dict[str, Any]] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, dict[str, Any]] = {}
        self.instances: dict[str, dict[str, Any]] = {}
        self.children: dict[str, dict[Table, list[dict[str, Any]]]] = {}
        self.from_now: dict[str, tuple[str, ...]] = {}
        self.order: list[str] = []  # instance ids as the document gives them
        self._last_position: int | None = None
        self._last_seq: int | None = None

    def add_region(self, region: RegionSpec) -> None:
        position = self.existing.region_position(region.id)
        if position is None:
            if self._last_position is None:
                self._last_position = self.existing.last_region_position()
            self._last_position += 1
            position = self._last_position
        self.regions[region.id] = {
            "id": region.id,
            "position": position,
            "local_names": json.dumps(region.local_names),
        }
        for index, zone in enumerate(region.zones):
            self.zones[zone] = {"id": zone, "region_id": region.id, "position": index}

    def add_account(self, account: AccountSpec) -> None:
        self.accounts[account.id] = {"id": account.id, "balance": account.balance}
        for key in account.access_keys:
            self.keys[key.id] = {
                "id": key.id,
                "secret": key.secret,
                "account_id": account.id,
                "active": key.active,
                "security_token": key.security_token,
                "token_expires_at": epoch_seconds(key.token_expires),
                "allowed_actions": None if key.actions is None else json.dumps(key.actions),
            }

    def add_instance(self, spec: InstanceSpec, where: str, rng: random.Random) -> str:
        if spec.account not in self.accounts and not self.existing.has_account(spec.account):
            raise FixtureError(f"{where}.account: no account {spec.account!r}")
        if spec.region not in self.regions and not self.existing.has_region(spec.region):
            raise FixtureError(f"{where}.region: no region {spec.region!r}")
        zones = self._zones_of(spec.region)
        zone = spec.zone or zones[0]
        if zone not in zones:
            raise FixtureError(f"{where}.zone: {zone!r} is not a zone of {spec.region}")
        instance_id = spec.id or self._new_id(spec.region, where, rng)
        earlier = self.instances.get(instance_id)
        previous = (earlier["seq"], earlier["version"]) if earlier else self.existing.instance(instance_id)
        if previous is None:
            if self._last_seq is None:
                self._last_seq = self.existing.last_seq()
            self._last_seq += 1
            seq, version = self._last_seq, 0
        else:
            seq, version = previous[0], previous[1] + 1
        row = instance_row(spec, instance_id, seq, zone, 0.0, rng)
        self.instances[instance_id] = {**row, "version": version}
        self.from_now[instance_id] = clock_columns(spec, row)
        self.children[instance_id] = {
            tables.INSTANCE_LOCKS: [
                {"instance_id": instance_id, "reason": lock.reason.value, "message": lock.message}
                for lock in spec.locks
            ],
            tables.INSTANCE_SECURITY_GROUPS: security_group_rows(spec, row),
            tables.INSTANCE_TAGS: tag_rows(spec, instance_id),
        }
        self.order.append(instance_id)
        return instance_id

    def _new_id(self, region_id: str, where: str, rng: random.Random) -> str:
        """A generated id is never one in use: with a seed the same ids come again after a
        restart or in another worker, and a generated id must not replace an instance."""
        for _ in range(_ID_ATTEMPTS):
            candidate = ids.instance_id(region_id, rng)
            if candidate not in self.instances and not self.existing.has_instance(candidate):
                return candidate
        raise FixtureError(f"{where}.id: no unused instance id found in {_ID_ATTEMPTS} draws")

    def _zones_of(self, region_id: str) -> list[str]:
        """The region's zones in order, as the database will hold them once this is written."""
        stored = [
            (zone, position) for zone, position in self.existing.zones(region_id) if zone not in self.zones
        ]
        named = [(zone, row["position"]) for zone, row in self.zones.items() if row["region_id"] == region_id]
        return [zone for zone, _ in sorted(stored + named, key=lambda entry: entry[1])]

    def rows(self) -> FixtureRows:
        children = {
            table: [row for rows in self.children.values() for row in rows[table]]
            for table in INSTANCE_CHILDREN
        }
        return FixtureRows(
            rows={
                tables.REGIONS: list(self.regions.values()),
                tables.ZONES: list(self.zones.values()),
                tables.ACCOUNTS: list(self.accounts.values()),
                tables.ACCESS_KEYS: list(self.keys.values()),
                tables.INSTANCES: list(self.instances.values()),
                **children,
            },
            instance_ids=self.order,
            from_now=self.from_now,
        )
