"""The listing queries of DescribeInstances and DescribeInstanceStatus on both backends.

Each test runs on SQLite and on PostgreSQL, with the same expectations: the filters (the
``InstanceName`` wildcard is GLOB on one and LIKE on the other), the status derived in SQL
from the schedule and the mock clock, ``TotalCount``, and both paging styles.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from mock_ecs.ecs.lifecycle import REBOOT, START, STOP, LockReason, PhaseDurations, Status, plan
from mock_ecs.ecs.listing import InstanceFilter, Page, Paging
from mock_ecs.store.database import Database
from mock_ecs.store.fixtures import apply_document, parse_document
from tests.conftest import FakeWallClock
from tests.store.conftest import OpenDatabase, load_world

OWNER = "1000000000000001"
REGION = "cn-beijing"
DURATIONS = PhaseDurations(stopping=5, starting=7, force_stopping=1)
BEIJING = InstanceFilter(account_id=OWNER, region_id=REGION)
# Names where LIKE's and GLOB's own wildcards would match more than the literal characters.
NAMES = {
    "i-name-1": "web_1",
    "i-name-2": "webX1",
    "i-name-3": "50%off",
    "i-name-4": "50Xoff",
    "i-name-5": "Web_1",
    "i-name-6": "web[1]",
    "i-name-7": "we?b",
    "i-name-8": "back\\slash",
}
FLEET = 250


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, open_database: OpenDatabase) -> Database:
    """tests/data/world.yaml and the Beijing instances below, on SQLite or on PostgreSQL."""
    url = "sqlite://" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    return _filled(open_database(url))


@pytest.fixture(scope="module", params=BACKENDS)
def unchanged(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The same, built once for the tests that only read it (a PostgreSQL database takes a
    second or two to create and fill)."""
    with ExitStack() as stack:
        url = "sqlite://"
        if request.param == "postgresql":
            url = stack.enter_context(request.getfixturevalue("postgres").database())
        database = Database(url, FakeWallClock())
        stack.callback(database.dispose)
        yield _filled(database)


def _filled(database: Database) -> Database:
    database.prepare()
    load_world(database)
    with database.transaction() as store:
        apply_document(store, parse_document(_beijing(), "beijing"), "beijing", random.Random(0))
    return database


def _beijing() -> dict[str, Any]:
    owner = {"account": OWNER, "region": REGION}
    instances: list[dict[str, Any]] = [{"id": i, "name": name, **owner} for i, name in NAMES.items()]
    instances += [
        {"id": "i-attr-1", "name": "attr-1", "zone": "cn-beijing-b", "instance_type": "ecs.c7.large",
         "image_id": "img-special", "vpc_id": "vpc-special", "vswitch_id": "vsw-special",
         "security_group_ids": ["sg-a", "sg-special"], "private_ip": "10.9.9.9", "public_ip": "47.1.1.1",
         "instance_charge_type": "PrePaid", "internet_charge_type": "PayByBandwidth",
         "key_pair_name": "kp-special", "resource_group_id": "rg-special",
         "tags": {"env": "prod", "team": "web"}, **owner},
        {"id": "i-attr-2", "name": "attr-2", "instance_type": "ecs.c7.xlarge", "tags": {"env": "dev"},
         "locks": ["security"], "status": "Stopped", **owner},
        {"id": "i-attr-3", "name": "attr-3", "instance_type": "ecs.c7a.large", **owner},
    ]  # fmt: skip
    return {"regions": [{"id": REGION, "zones": ["cn-beijing-a", "cn-beijing-b"]}], "instances": instances}


def _ids(database: Database, where: InstanceFilter, now: float = 0.0) -> list[str]:
    with database.transaction() as store:
        page = store.describe_instances(where, Paging(size=100), now)
    assert page.total == len(page.instances)
    return [record.state.id for record in page.instances]


def _filter(**fields: Any) -> InstanceFilter:
    return InstanceFilter(account_id=OWNER, region_id=REGION, **fields)


# -- InstanceName and its * wildcard ---------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("web_*", ["i-name-1"]),  # "_" is no single-character wildcard
        ("50%*", ["i-name-3"]),  # nor is "%" a run of characters
        ("*%off", ["i-name-3"]),
        ("web*", ["i-name-1", "i-name-2", "i-name-6"]),  # case-sensitive: not Web_1
        ("W*", ["i-name-5"]),
        ("web[*", ["i-name-6"]),  # "[" is no character class
        ("*?*", ["i-name-7"]),  # nor "?" one character
        ("*\\*", ["i-name-8"]),  # a backslash escapes nothing
        ("*_*", ["i-name-1", "i-name-5"]),
        ("*", [*NAMES, "i-attr-1", "i-attr-2", "i-attr-3"]),
        ("web_1", ["i-name-1"]),  # no wildcard: the exact name
        ("web%1", []),
        ("we_b", []),
    ],
)
def test_an_instance_name_pattern_matches_its_characters_literally(
    unchanged: Database, pattern: str, expected: list[str]
) -> None:
    assert _ids(unchanged, _filter(name_pattern=pattern)) == expected


# -- every other filter ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"zone_id": "cn-beijing-b"}, ["i-attr-1"]),
        ({"instance_type": "ecs.c7.xlarge"}, ["i-attr-2"]),
        ({"instance_type_family": "ecs.c7"}, ["i-attr-1", "i-attr-2"]),  # not ecs.c7a
        ({"image_id": "img-special"}, ["i-attr-1"]),
        ({"vpc_id": "vpc-special"}, ["i-attr-1"]),
        ({"vswitch_id": "vsw-special"}, ["i-attr-1"]),
        ({"security_group_id": "sg-special"}, ["i-attr-1"]),
        ({"private_ips": ("10.9.9.9", "10.0.0.1")}, ["i-attr-1"]),
        ({"public_ips": ("47.1.1.1",)}, ["i-attr-1"]),
        ({"instance_charge_type": "PrePaid"}, ["i-attr-1"]),
        ({"internet_charge_type": "PayByBandwidth"}, ["i-attr-1"]),
        ({"key_pair_name": "kp-special"}, ["i-attr-1"]),
        ({"resource_group_id": "rg-special"}, ["i-attr-1"]),
        ({"io_optimized": False}, []),
        ({"lock_reason": LockReason.SECURITY}, ["i-attr-2"]),
        ({"status": Status.STOPPED}, ["i-attr-2"]),
        ({"tags": (("env", None),)}, ["i-attr-1", "i-attr-2"]),
        ({"tags": (("env", "prod"),)}, ["i-attr-1"]),
        ({"tags": (("env", "prod"), ("team", "web"))}, ["i-attr-1"]),
        ({"tags": (("env", "dev"), ("team", None))}, []),
        ({"instance_ids": ("i-attr-3", "i-attr-1", "i-running-1")}, ["i-attr-1", "i-attr-3"]),
        ({"instance_type_family": "ecs.c7", "tags": (("env", "dev"),)}, ["i-attr-2"]),
    ],
    ids=lambda value: str(value) if isinstance(value, dict) else "",
)
def test_each_filter_finds_exactly_its_instances(
    unchanged: Database, fields: dict[str, Any], expected: list[str]
) -> None:
    assert _ids(unchanged, _filter(**fields)) == expected


def test_io_optimized_true_finds_every_instance_of_the_region(unchanged: Database) -> None:
    assert len(_ids(unchanged, _filter(io_optimized=True))) == len(NAMES) + 3


def test_a_filter_sees_only_the_callers_instances_in_the_region(backend: Database) -> None:
    other = InstanceFilter(account_id="1000000000000002", region_id="cn-hangzhou")

    assert _ids(backend, other) == ["i-other-1"]


# -- status under the mock clock ---------------------------------------------------------------


def _schedule_everything(database: Database) -> None:
    """A reboot, a forced reboot, a stop and a start, all begun at t=1000."""
    operations = {"i-name-1": (REBOOT, False), "i-name-2": (REBOOT, True), "i-name-3": (STOP, False)}
    with database.transaction() as store:
        states = store.instances(OWNER, REGION, [*operations, "i-attr-2"])
        for instance_id, (operation, force) in operations.items():
            store.start_schedule(states[instance_id], plan(operation, 1000.0, DURATIONS, force=force))
        store.start_schedule(states["i-attr-2"], plan(START, 1000.0, DURATIONS, force=False))


MOMENTS = [999.0, 1000.0, 1000.999, 1001.0, 1004.999, 1005.0, 1007.0, 1011.999, 1012.0, 1013.0, 5000.0]


def test_the_status_filter_agrees_with_the_schedule_at_every_phase(backend: Database) -> None:
    _schedule_everything(backend)
    seen: set[Status] = set()
    for now in MOMENTS:
        with backend.transaction() as store:
            everything = store.describe_instances(BEIJING, Paging(size=100), now).instances
            by_status = {
                status: store.describe_instances(_filter(status=status), Paging(size=100), now)
                for status in Status
            }
        for status, page in by_status.items():
            assert [r.state.id for r in page.instances] == [
                r.state.id for r in everything if r.state.status_at(now) is status
            ], (status, now)
            assert page.total == len(page.instances)
            if page.instances:
                seen.add(status)

    assert seen == {Status.RUNNING, Status.STOPPING, Status.STARTING, Status.STOPPED}


# -- paging ----------------------------------------------------------------------------------


@pytest.fixture
def fleet(backend: Database) -> Database:
    """FLEET more instances in a region of their own, every third rebooting from t=1000."""
    owner = {"account": OWNER, "region": "cn-shanghai"}
    document = {"instances": [{"id": f"i-fleet-{n:03}", **owner} for n in range(FLEET)]}
    with backend.transaction() as store:
        apply_document(store, parse_document(document, "fleet"), "fleet", random.Random(1))
    with backend.transaction() as store:
        states = store.instances(OWNER, "cn-shanghai", [f"i-fleet-{n:03}" for n in range(0, FLEET, 3)])
        for state in states.values():
            store.start_schedule(state, plan(REBOOT, 1000.0, DURATIONS, force=False))
    return backend


SHANGHAI = InstanceFilter(account_id=OWNER, region_id="cn-shanghai")
EVERY_FLEET_ID = ["i-shanghai-1", *(f"i-fleet-{n:03}" for n in range(FLEET))]


def _pages_by_number(database: Database, where: InstanceFilter, size: int, now: float) -> list[Page]:
    pages: list[Page] = []
    with database.transaction() as store:
        for number in range(1, FLEET + 2):  # bounded: more pages than instances
            pages.append(store.describe_instances(where, Paging(size=size, number=number), now))
            if not pages[-1].more:
                break
    return pages


def _pages_by_token(database: Database, where: InstanceFilter, size: int, now: float) -> list[Page]:
    pages: list[Page] = []
    after = 0
    with database.transaction() as store:
        for _ in range(FLEET + 2):
            page = store.describe_instances(where, Paging(size=size, after_seq=after, count_total=False), now)
            pages.append(page)
            if not page.more:
                break
            assert page.last_seq is not None
            after = page.last_seq
    return pages


@pytest.mark.parametrize("pages_of", [_pages_by_number, _pages_by_token], ids=["PageNumber", "NextToken"])
@pytest.mark.parametrize("size", [100, 7])
def test_paging_lists_every_instance_exactly_once_in_creation_order(
    fleet: Database, pages_of: Any, size: int
) -> None:
    pages = pages_of(fleet, SHANGHAI, size, 0.0)

    listed = [record.state.id for page in pages for record in page.instances]
    assert listed == EVERY_FLEET_ID
    assert len(pages) == -(-(FLEET + 1) // size)
    assert all(len(page.instances) == size for page in pages[:-1])


@pytest.mark.parametrize("pages_of", [_pages_by_number, _pages_by_token], ids=["PageNumber", "NextToken"])
def test_paging_a_status_filter_lists_each_match_once(fleet: Database, pages_of: Any) -> None:
    stopping = [f"i-fleet-{n:03}" for n in range(0, FLEET, 3)]
    pages = pages_of(fleet, InstanceFilter(account_id=OWNER, region_id="cn-shanghai", status=Status.STOPPING),
                     10, 1001.0)  # fmt: skip

    assert [record.state.id for page in pages for record in page.instances] == stopping


def test_the_total_counts_every_match_on_every_page(fleet: Database) -> None:
    starting = _filter_in_shanghai(status=Status.STARTING)
    with fleet.transaction() as store:
        totals = {
            store.describe_instances(SHANGHAI, Paging(size=10, number=3), 0.0).total,
            store.describe_instances(SHANGHAI, Paging(size=100, number=9), 0.0).total,
        }
        starting_total = store.describe_instances(starting, Paging(size=5, number=2), 1006.0).total

    assert totals == {FLEET + 1}
    assert starting_total == len(range(0, FLEET, 3))


def test_a_page_beyond_the_last_is_empty(fleet: Database) -> None:
    with fleet.transaction() as store:
        deep = store.describe_instances(SHANGHAI, Paging(size=100, number=2**31 - 1), 0.0)
        after_all = store.describe_instances(SHANGHAI, Paging(size=100, after_seq=2**64 - 1), 0.0)

    assert (deep.instances, deep.total, deep.more) == ([], FLEET + 1, False)
    assert (after_all.instances, after_all.more) == ([], False)


def _filter_in_shanghai(**fields: Any) -> InstanceFilter:
    return InstanceFilter(account_id=OWNER, region_id="cn-shanghai", **fields)
