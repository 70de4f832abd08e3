"""Page anchors: a page by number of an unfiltered listing starts walking at the anchor
before it. The pages are the same as without them, after instances come and go too."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import delete, select

from mock_ecs.ecs.listing import InstanceFilter, Paging
from mock_ecs.store import page_anchors, tables
from mock_ecs.store.database import Database
from mock_ecs.store.fixtures import InstanceSpec, add_instance

OWNER = "1000000000000001"
EVERYWHERE = InstanceFilter(account_id=OWNER, region_id="cn-hangzhou")


@pytest.fixture(autouse=True)
def _anchor_every_other_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_anchors, "ANCHOR_EVERY", 2)


def _listing(database: Database) -> list[str]:
    with database.transaction() as store:
        page = store.describe_instances(EVERYWHERE, Paging(size=100), now=0.0)
        return [record.state.id for record in page.instances]


def _assert_every_page_is_its_slice(database: Database) -> None:
    everything = _listing(database)
    with database.transaction() as store:
        for size in range(1, len(everything) + 2):
            for number in range(1, len(everything) + 3):
                page = store.describe_instances(EVERYWHERE, Paging(size=size, number=number), now=0.0)
                statuses = store.instance_statuses(EVERYWHERE, Paging(size=size, number=number), now=0.0)
                expected = everything[(number - 1) * size : number * size]

                assert [record.state.id for record in page.instances] == expected, (size, number)
                assert [record.id for record in statuses.instances] == expected, (size, number)
                assert page.more == statuses.more == (number * size < len(everything)), (size, number)


def _anchors(database: Database) -> list[tuple[int, int]]:
    anchors = tables.PAGE_ANCHORS
    with database.transaction() as store:
        rows = store.connection.execute(
            select(anchors.c.position, anchors.c.generation).where(anchors.c.account_id == OWNER)
        )
        return sorted((row.position, row.generation) for row in rows)


def _generation(database: Database) -> int:
    counts = tables.INSTANCE_COUNTS
    with database.transaction() as store:
        generation: int = store.connection.execute(
            select(counts.c.generation).where(
                counts.c.account_id == OWNER, counts.c.region_id == "cn-hangzhou"
            )
        ).scalar_one()
        return generation


def test_every_page_by_number_is_its_slice_of_the_listing(database: Database) -> None:
    _assert_every_page_is_its_slice(database)


def test_anchors_are_written_for_the_current_generation(database: Database) -> None:
    count = len(_listing(database))
    with database.transaction() as store:
        store.describe_instances(EVERYWHERE, Paging(size=1, number=count), now=0.0)

    generation = _generation(database)
    assert _anchors(database) == [(position, generation) for position in range(0, count, 2)]


def test_pages_stay_right_when_an_instance_is_added(database: Database) -> None:
    _assert_every_page_is_its_slice(database)
    before = _generation(database)
    with database.transaction() as store:
        add_instance(
            store, InstanceSpec(account=OWNER, region="cn-hangzhou", name="new"), "test", random.Random(1)
        )

    assert _generation(database) > before
    _assert_every_page_is_its_slice(database)


def test_pages_stay_right_when_an_instance_is_removed(database: Database) -> None:
    _assert_every_page_is_its_slice(database)
    with database.transaction() as store:
        store.connection.execute(delete(tables.INSTANCES).where(tables.INSTANCES.c.id == "i-running-2"))

    assert "i-running-2" not in _listing(database)
    _assert_every_page_is_its_slice(database)
