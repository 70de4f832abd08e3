"""The listing queries of DescribeInstances: the SQL status agrees with ``Schedule.status_at``,
filters and both paging styles, and the attributes stored when an instance is created."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from mock_ecs.ecs.instances import InstanceState
from mock_ecs.ecs.lifecycle import REBOOT, START, STOP, PhaseDurations, Schedule, Status, plan
from mock_ecs.ecs.listing import InstanceFilter, Paging
from mock_ecs.store import tables
from mock_ecs.store.database import Database
from mock_ecs.store.fixtures import InstanceSpec, add_instance
from mock_ecs.store.listing import status_at

OWNER = "1000000000000001"
DURATIONS = PhaseDurations(stopping=5, starting=7, force_stopping=1)
EVERYWHERE = InstanceFilter(account_id=OWNER, region_id="cn-hangzhou")


def _state(database: Database, instance_id: str) -> InstanceState:
    with database.transaction() as store:
        return store.instances(OWNER, "cn-hangzhou", [instance_id])[instance_id]


def _begin(database: Database, instance_id: str, schedule: Schedule) -> None:
    state = _state(database, instance_id)
    with database.transaction() as store:
        store.start_schedule(state, schedule)


def _sql_status(database: Database, instance_id: str, now: float) -> str:
    instances = tables.INSTANCES
    with database.transaction() as store:
        value: str = store.connection.execute(
            select(status_at(now)).where(instances.c.id == instance_id)
        ).scalar_one()
        return value


@pytest.mark.parametrize(
    ("instance_id", "operation", "force"),
    [("i-running-1", REBOOT, False), ("i-running-1", REBOOT, True), ("i-running-1", STOP, False),
     ("i-stopped-1", START, False)],
)  # fmt: skip
def test_the_sql_status_agrees_with_the_schedule_at_every_moment(
    database: Database, instance_id: str, operation: object, force: bool
) -> None:
    assert operation in (REBOOT, START, STOP)
    schedule = plan(operation, 1000.0, DURATIONS, force=force)  # type: ignore[arg-type]
    _begin(database, instance_id, schedule)
    moments = [999.0, 1000.0, *[p.ends_at + d for p in schedule.phases for d in (-0.001, 0.0, 0.001)], 1e9]

    assert [_sql_status(database, instance_id, t) for t in moments] == [
        schedule.status_at(t).value for t in moments
    ]


def test_the_sql_status_without_a_schedule_is_the_stored_status(database: Database) -> None:
    assert _sql_status(database, "i-stopped-1", 123.0) == "Stopped"
    assert _sql_status(database, "i-pending-1", 123.0) == "Pending"


def test_filtering_on_status_counts_only_the_matching(database: Database) -> None:
    _begin(database, "i-running-1", plan(REBOOT, 1000.0, DURATIONS, force=False))
    with database.transaction() as store:
        stopping = store.describe_instances(
            InstanceFilter(account_id=OWNER, region_id="cn-hangzhou", status=Status.STOPPING),
            Paging(size=10),
            now=1001.0,
        )
        running_later = store.describe_instances(
            InstanceFilter(account_id=OWNER, region_id="cn-hangzhou", status=Status.RUNNING),
            Paging(size=1),
            now=2000.0,
        )

    assert ([r.state.id for r in stopping.instances], stopping.total) == (["i-running-1"], 1)
    assert (running_later.total, running_later.more) == (6, True)


def test_keyset_pages_start_after_the_given_instance(database: Database) -> None:
    with database.transaction() as store:
        first = store.describe_instances(EVERYWHERE, Paging(size=3, after_seq=0), now=0.0)
        assert first.last_seq is not None
        second = store.describe_instances(EVERYWHERE, Paging(size=10, after_seq=first.last_seq), now=0.0)

    listed = [r.state.id for r in first.instances + second.instances]
    assert len(listed) == len(set(listed)) == 8
    assert (first.more, second.more) == (True, False)


@pytest.mark.parametrize(
    "where",
    [EVERYWHERE, InstanceFilter(account_id=OWNER, region_id="cn-hangzhou", zone_id="cn-hangzhou-h")],
    ids=["kept count", "counted"],
)
def test_every_page_by_number_is_its_slice_of_the_listing(database: Database, where: InstanceFilter) -> None:
    """Pages in the second half are read from the last match back: the same pages."""
    with database.transaction() as store:
        listing = store.describe_instances(where, Paging(size=100), now=0.0)
        everything = [record.state.id for record in listing.instances]
        assert len(everything) >= 5
        for size in range(1, len(everything) + 2):
            for number in range(1, len(everything) + 3):
                expected = everything[(number - 1) * size : number * size]
                more = number * size < len(everything)
                page = store.describe_instances(where, Paging(size=size, number=number), now=0.0)
                statuses = store.instance_statuses(where, Paging(size=size, number=number), now=0.0)

                assert [record.state.id for record in page.instances] == expected, (size, number)
                assert [record.id for record in statuses.instances] == expected, (size, number)
                assert (page.more, statuses.more) == (more, more), (size, number)
                assert (page.total, statuses.total) == (len(everything), len(everything))


def test_an_empty_id_list_matches_nothing_without_a_query(database: Database) -> None:
    with database.transaction() as store:
        page = store.describe_instances(
            InstanceFilter(account_id=OWNER, region_id="cn-hangzhou", instance_ids=()),
            Paging(size=10),
            now=0.0,
        )

    assert (page.instances, page.total, page.more) == ([], 0, False)


def test_a_new_instance_stores_believable_attributes(database: Database) -> None:
    with database.transaction() as store:
        add_instance(
            store,
            InstanceSpec(id="i-new-1", account=OWNER, region="cn-hangzhou", instance_type="ecs.c7.2xlarge",
                         image_id="ubuntu_22_04_x64_20G_alibase_20240130.vhd", tags={"env": "dev"}),
            "test",
            random.Random(1),
        )  # fmt: skip
        (record,) = store.describe_instances(
            InstanceFilter(account_id=OWNER, region_id="cn-hangzhou", instance_ids=("i-new-1",)),
            Paging(size=1),
            now=0.0,
        ).instances

    assert (record.cpu, record.memory) == (8, 16384)
    assert (record.os_name_en, record.os_type) == ("Ubuntu  22.04 64 bit", "linux")
    assert record.vpc_id.startswith("vpc-bp1")
    assert record.vswitch_id.startswith("vsw-bp1")
    assert record.security_group_ids[0].startswith("sg-bp1")
    assert record.private_ip.startswith("172.")
    assert record.tags == (("env", "dev"),)
    assert record.stopped_mode is None
    assert record.started_at == record.created_at


def test_loading_an_instance_again_replaces_its_groups_and_tags(database: Database) -> None:
    spec = {"id": "i-new-1", "account": OWNER, "region": "cn-hangzhou"}
    with database.transaction() as store:
        add_instance(
            store, InstanceSpec(**spec, tags={"a": "1"}, security_group_ids=["sg-1"]), "t", random.Random()
        )
        add_instance(
            store, InstanceSpec(**spec, tags={"b": "2"}, security_group_ids=["sg-2"]), "t", random.Random()
        )
        (record,) = store.describe_instances(
            InstanceFilter(account_id=OWNER, region_id="cn-hangzhou", instance_ids=("i-new-1",)),
            Paging(size=1),
            now=0.0,
        ).instances

    assert (record.tags, record.security_group_ids) == ((("b", "2"),), ("sg-2",))


def test_a_reboot_that_settled_keeps_its_end_as_the_start_time(database: Database) -> None:
    _begin(database, "i-running-1", plan(REBOOT, 1000.0, DURATIONS, force=False))
    _begin(database, "i-running-1", plan(STOP, 5000.0, DURATIONS, force=False))

    with database.transaction() as store:
        row = store.connection.execute(
            select(tables.INSTANCES.c.started_at).where(tables.INSTANCES.c.id == "i-running-1")
        ).scalar_one()

    assert row == 1012.0
