"""``instance_counts`` is kept by the database's triggers: it always equals the rows of
``instances`` per account and region, however they were written, on both backends. An
unfiltered listing's TotalCount comes from it."""

from __future__ import annotations

import random

from sqlalchemy import delete, func, select, update

from mock_ecs.ecs.listing import InstanceFilter, Paging
from mock_ecs.store import tables
from mock_ecs.store.database import Database
from mock_ecs.store.fixtures import InstanceSpec, add_instance
from tests.store.conftest import load_world

OWNER = "1000000000000001"
_instances = tables.INSTANCES
_counts = tables.INSTANCE_COUNTS


def _kept(database: Database) -> dict[tuple[str, str], int]:
    with database.transaction() as store:
        rows = store.connection.execute(select(_counts).where(_counts.c.count != 0))
        return {(row.account_id, row.region_id): row.count for row in rows}


def _counted(database: Database) -> dict[tuple[str, str], int]:
    with database.transaction() as store:
        rows = store.connection.execute(
            select(_instances.c.account_id, _instances.c.region_id, func.count()).group_by(
                _instances.c.account_id, _instances.c.region_id
            )
        )
        return {(account, region): count for account, region, count in rows}


def test_the_counts_of_loaded_fixtures_are_the_rows(backend: Database) -> None:
    assert _kept(backend) == _counted(backend)
    assert sum(_kept(backend).values()) > 0


def test_a_created_instance_is_counted(backend: Database) -> None:
    before = _kept(backend)[(OWNER, "cn-hangzhou")]
    with backend.transaction() as store:
        spec = InstanceSpec(account=OWNER, region="cn-hangzhou", name="new")
        add_instance(store, spec, "test", random.Random(1))

    assert _kept(backend)[(OWNER, "cn-hangzhou")] == before + 1
    assert _kept(backend) == _counted(backend)


def test_a_deleted_instance_is_no_longer_counted(backend: Database) -> None:
    before = _kept(backend)[(OWNER, "cn-hangzhou")]
    with backend.transaction() as store:
        store.connection.execute(delete(_instances).where(_instances.c.id == "i-running-1"))

    assert _kept(backend)[(OWNER, "cn-hangzhou")] == before - 1
    assert _kept(backend) == _counted(backend)


def test_an_instance_moved_to_another_region_is_counted_there(backend: Database) -> None:
    with backend.transaction() as store:
        store.connection.execute(
            update(_instances)
            .where(_instances.c.id == "i-running-1")
            .values(region_id="cn-shanghai", zone_id="cn-shanghai-e")
        )

    assert _kept(backend) == _counted(backend)


def test_a_wipe_and_a_reload_count_again_from_nothing(backend: Database) -> None:
    loaded = _kept(backend)
    with backend.transaction() as store:
        store.wipe()
    assert _kept(backend) == {}

    load_world(backend)
    assert _kept(backend) == loaded


def test_an_unfiltered_listing_totals_the_kept_count(backend: Database) -> None:
    with backend.transaction() as store:
        store.connection.execute(
            update(_counts).where(_counts.c.account_id == OWNER, _counts.c.region_id == "cn-hangzhou")
            .values(count=12345)
        )  # fmt: skip
        everywhere = InstanceFilter(account_id=OWNER, region_id="cn-hangzhou")
        unfiltered = store.describe_instances(everywhere, Paging(size=1), now=0.0)
        zoned = InstanceFilter(account_id=OWNER, region_id="cn-hangzhou", zone_id="cn-hangzhou-i")
        filtered = store.describe_instances(zoned, Paging(size=1), now=0.0)

    assert unfiltered.total == 12345  # read from instance_counts, not counted
    assert filtered.total == _counted_in_zone(backend, "cn-hangzhou-i")


def _counted_in_zone(database: Database, zone_id: str) -> int:
    with database.transaction() as store:
        counted: int = store.connection.execute(
            select(func.count()).select_from(_instances).where(_instances.c.zone_id == zone_id)
        ).scalar_one()
        return counted
