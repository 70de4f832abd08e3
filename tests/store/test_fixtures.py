"""The fixtures format (design notes §4): validated on load, errors naming file and field."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Row, select

from mock_ecs.clock import ClockSetting
from mock_ecs.ecs.lifecycle import REBOOT, PhaseDurations, plan
from mock_ecs.settings import default_fixtures_path
from mock_ecs.store import tables
from mock_ecs.store.database import Database
from mock_ecs.store.fixtures import (
    DEFAULT_IMAGE_ID,
    DEFAULT_INSTANCE_TYPE,
    FixtureError,
    apply_document,
    read_file,
)
from tests.conftest import FakeWallClock
from tests.store.conftest import OpenDatabase

WORLD = """\
regions:
  - {id: cn-hangzhou, zones: [cn-hangzhou-h, cn-hangzhou-i]}
  - {id: cn-shanghai, zones: [cn-shanghai-e]}
accounts:
  - {id: "1", balance: 10, access_keys: [{id: testAKID, secret: testSecret}]}
"""


@pytest.fixture
def empty(open_database: OpenDatabase) -> Database:
    database = open_database("sqlite://")
    database.prepare()
    return database


def _write(tmp_path: Path, text: str, name: str = "fixtures.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _load(database: Database, path: Path) -> list[str]:
    """Read and apply a file in one transaction, as start-up and reset do."""
    document = read_file(path)
    with database.transaction() as store:
        return apply_document(store, document, str(path), random.Random(0))


def _instance(database: Database, instance_id: str) -> Row[Any]:
    instances = tables.INSTANCES
    with database.transaction() as store:
        return store.connection.execute(select(instances).where(instances.c.id == instance_id)).one()


def _instance_ids(database: Database) -> list[str]:
    with database.transaction() as store:
        return [state.id for _, state in store.instance_rows()]


def _error(tmp_path: Path, database: Database, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(FixtureError) as caught:
        _load(database, path)
    return str(caught.value)


# -- the shipped fixtures -------------------------------------------------------------------


def test_the_shipped_fixtures_load_into_an_empty_database(empty: Database) -> None:
    _load(empty, default_fixtures_path())

    with empty.transaction() as store:
        assert len(store.instance_states()) == 10
        assert store.region_exists("cn-hangzhou")
        assert store.find_access_key("testAKID") is not None


def test_the_shipped_fixtures_are_the_repository_file() -> None:
    assert default_fixtures_path() == Path(__file__).resolve().parents[2] / "fixtures" / "default.yaml"


# -- errors name the file and the field -----------------------------------------------------


def test_a_bad_status_is_refused_naming_file_and_field(tmp_path: Path, empty: Database) -> None:
    message = _error(
        tmp_path, empty, WORLD + 'instances: [{account: "1", region: cn-hangzhou, status: Rebooting}]'
    )

    assert message.startswith(f"{tmp_path / 'fixtures.yaml'}: instances[0].status: Input should be")


@pytest.mark.parametrize("lock", ["bogus", "{reason: bogus}"], ids=["shorthand", "object"])
def test_an_unknown_lock_reason_is_refused_naming_the_field(
    tmp_path: Path, empty: Database, lock: str
) -> None:
    message = _error(
        tmp_path, empty, WORLD + f'instances: [{{account: "1", region: cn-hangzhou, locks: [{lock}]}}]'
    )

    assert message.startswith(f"{tmp_path / 'fixtures.yaml'}: instances[0].locks[0].reason: ")


def test_an_unknown_field_is_refused_naming_it(tmp_path: Path, empty: Database) -> None:
    message = _error(tmp_path, empty, WORLD + 'instances: [{account: "1", region: cn-hangzhou, colour: red}]')

    assert message == f"{tmp_path / 'fixtures.yaml'}: instances[0].colour: Extra inputs are not permitted"


def test_an_unknown_top_level_section_is_refused_naming_it(tmp_path: Path, empty: Database) -> None:
    message = _error(tmp_path, empty, WORLD + "faults: []")

    assert message == f"{tmp_path / 'fixtures.yaml'}: faults: Extra inputs are not permitted"


@pytest.mark.parametrize("bad_id", ["i-bad id", "i-bad_id", "i-bäd", "''"])
def test_an_instance_id_outside_letters_digits_and_hyphens_is_refused(
    tmp_path: Path, empty: Database, bad_id: str
) -> None:
    message = _error(
        tmp_path, empty, WORLD + f'instances: [{{id: {bad_id}, account: "1", region: cn-hangzhou}}]'
    )

    assert message.startswith(f"{tmp_path / 'fixtures.yaml'}: instances[0].id: String should")


@pytest.mark.parametrize("value", ["-1", ".inf", ".nan"])
def test_a_phase_duration_must_be_finite_and_not_negative(
    tmp_path: Path, empty: Database, value: str
) -> None:
    message = _error(
        tmp_path,
        empty,
        WORLD + f'instances: [{{account: "1", region: cn-hangzhou, stopping_seconds: {value}}}]',
    )

    assert message.startswith(f"{tmp_path / 'fixtures.yaml'}: instances[0].stopping_seconds: ")


def test_every_invalid_field_is_named_one_per_line(tmp_path: Path, empty: Database) -> None:
    message = _error(
        tmp_path, empty, WORLD + 'instances: [{account: "1", region: cn-hangzhou, status: X, locks: [y]}]'
    )

    assert [line.split(": ")[1] for line in message.splitlines()] == [
        "instances[0].status",
        "instances[0].locks[0].reason",
    ]


def test_a_document_that_is_not_a_mapping_is_refused(tmp_path: Path, empty: Database) -> None:
    message = _error(tmp_path, empty, "- just\n- a list\n")

    assert message.startswith(f"{tmp_path / 'fixtures.yaml'}: (document): ")


def test_an_instance_of_an_unknown_account_is_refused(tmp_path: Path, empty: Database) -> None:
    message = _error(tmp_path, empty, WORLD + 'instances: [{account: "2", region: cn-hangzhou}]')

    assert message == f"{tmp_path / 'fixtures.yaml'}: instances[0].account: no account '2'"


def test_an_instance_in_an_unknown_region_is_refused(tmp_path: Path, empty: Database) -> None:
    message = _error(tmp_path, empty, WORLD + 'instances: [{account: "1", region: cn-nowhere}]')

    assert message == f"{tmp_path / 'fixtures.yaml'}: instances[0].region: no region 'cn-nowhere'"


def test_an_instance_in_a_zone_of_another_region_is_refused(tmp_path: Path, empty: Database) -> None:
    message = _error(
        tmp_path, empty, WORLD + 'instances: [{account: "1", region: cn-hangzhou, zone: cn-shanghai-e}]'
    )

    assert message == (
        f"{tmp_path / 'fixtures.yaml'}: instances[0].zone: 'cn-shanghai-e' is not a zone of cn-hangzhou"
    )


def test_the_field_of_a_later_instance_is_named_by_its_index(tmp_path: Path, empty: Database) -> None:
    message = _error(
        tmp_path,
        empty,
        WORLD + 'instances: [{account: "1", region: cn-hangzhou}, {account: "1", region: cn-nowhere}]',
    )

    assert ": instances[1].region: " in message


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("instances", 'instances: [{id: i-a, account: "1", region: cn-hangzhou}, {id: i-a, account: "1", '
         "region: cn-hangzhou}]"),
        ("regions", "regions: [{id: cn-x, zones: [cn-x-a]}, {id: cn-x, zones: [cn-x-b]}]"),
        ("accounts", 'accounts: [{id: "7"}, {id: "7"}]'),
        ("access_keys", 'accounts: [{id: "7", access_keys: [{id: k, secret: s}]}, '
         '{id: "8", access_keys: [{id: k, secret: t}]}]'),
    ],
)  # fmt: skip
def test_an_id_given_twice_is_refused(tmp_path: Path, empty: Database, kind: str, text: str) -> None:
    document = text if kind != "instances" else WORLD + text

    message = _error(tmp_path, empty, document)

    assert re.fullmatch(
        rf"{re.escape(str(tmp_path / 'fixtures.yaml'))}: {kind}: '[^']+' appears twice", message
    )


def test_invalid_yaml_is_refused_naming_the_file(tmp_path: Path, empty: Database) -> None:
    message = _error(tmp_path, empty, "regions: [unclosed\n")

    assert message.startswith(f"{tmp_path / 'fixtures.yaml'}: not valid YAML: ")


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match=re.escape(f"{tmp_path / 'absent.yaml'}: cannot read: ")):
        read_file(tmp_path / "absent.yaml")


def test_a_refused_document_loads_nothing(tmp_path: Path, empty: Database) -> None:
    _error(
        tmp_path,
        empty,
        WORLD
        + 'instances: [{id: i-good, account: "1", region: cn-hangzhou}, {account: "2", region: cn-hangzhou}]',
    )

    with empty.transaction() as store:
        assert store.is_empty()


# -- what a document may leave out ----------------------------------------------------------


def test_an_empty_file_is_an_empty_document(tmp_path: Path, empty: Database) -> None:
    assert _load(empty, _write(tmp_path, "")) == []


def test_json_is_read_as_well(tmp_path: Path, empty: Database) -> None:
    path = _write(tmp_path, '{"regions": [{"id": "cn-hangzhou", "zones": ["cn-hangzhou-h"]}]}', "f.json")
    _load(empty, path)

    with empty.transaction() as store:
        assert store.region_exists("cn-hangzhou")


def test_a_lock_may_be_written_as_its_reason_alone(tmp_path: Path, empty: Database) -> None:
    _load(
        empty,
        _write(
            tmp_path, WORLD + 'instances: [{id: i-a, account: "1", region: cn-hangzhou, locks: [security]}]'
        ),
    )

    with empty.transaction() as store:
        locks = store.connection.execute(select(tables.INSTANCE_LOCKS)).all()
    assert [(lock.instance_id, lock.reason, lock.message) for lock in locks] == [("i-a", "security", "")]


def test_an_instance_defaults_to_its_regions_first_zone(tmp_path: Path, empty: Database) -> None:
    _load(empty, _write(tmp_path, WORLD + 'instances: [{id: i-a, account: "1", region: cn-hangzhou}]'))

    assert _instance(empty, "i-a").zone_id == "cn-hangzhou-h"


def test_an_instance_is_named_after_its_id_by_default(tmp_path: Path, empty: Database) -> None:
    _load(empty, _write(tmp_path, WORLD + 'instances: [{id: i-a, account: "1", region: cn-hangzhou}]'))

    assert _instance(empty, "i-a").name == "i-a"


def test_an_instance_host_name_defaults_to_the_cloud_pattern(tmp_path: Path, empty: Database) -> None:
    _load(empty, _write(tmp_path, WORLD + 'instances: [{id: i-bp1abc, account: "1", region: cn-hangzhou}]'))

    assert _instance(empty, "i-bp1abc").hostname == "iZbp1abcZ"


def test_an_instance_defaults_to_running_with_the_default_type_and_image(
    tmp_path: Path, empty: Database
) -> None:
    _load(empty, _write(tmp_path, WORLD + 'instances: [{id: i-a, account: "1", region: cn-hangzhou}]'))

    row = _instance(empty, "i-a")
    assert (row.status, row.instance_type, row.image_id) == (
        "Running",
        DEFAULT_INSTANCE_TYPE,
        DEFAULT_IMAGE_ID,
    )


def test_an_instance_is_created_at_the_mock_clocks_now(tmp_path: Path, empty: Database) -> None:
    with empty.transaction() as store:
        store.save_clock_setting(ClockSetting(frozen_at=1_767_225_600.0))

    _load(empty, _write(tmp_path, WORLD + 'instances: [{id: i-a, account: "1", region: cn-hangzhou}]'))

    assert _instance(empty, "i-a").created_at == 1_767_225_600.0


def test_a_creation_time_without_a_zone_is_utc(tmp_path: Path, empty: Database) -> None:
    text = (
        WORLD + 'instances: [{id: i-a, account: "1", region: cn-hangzhou, created_at: 2024-04-14T22:32:00}]'
    )
    _load(empty, _write(tmp_path, text))

    assert _instance(empty, "i-a").created_at == datetime(2024, 4, 14, 22, 32, tzinfo=UTC).timestamp()


def test_an_instance_without_an_id_gets_a_realistic_one_for_its_region(
    tmp_path: Path, empty: Database
) -> None:
    created = _load(empty, _write(tmp_path, WORLD + 'instances: [{account: "1", region: cn-hangzhou}]'))

    assert len(created) == 1
    assert re.fullmatch(r"i-bp[a-z0-9]{18}", created[0])


def test_an_access_key_is_active_by_default(tmp_path: Path, empty: Database) -> None:
    _load(empty, _write(tmp_path, WORLD))

    with empty.transaction() as store:
        key = store.find_access_key("testAKID")
    assert key is not None
    assert key.active


# -- loading again --------------------------------------------------------------------------


def test_loading_an_instance_again_replaces_it_in_place(
    tmp_path: Path, empty: Database, wall_clock: FakeWallClock
) -> None:
    _load(
        empty,
        _write(
            tmp_path,
            WORLD
            + "instances:\n"
            + '  - {id: i-a, account: "1", region: cn-hangzhou, name: first, locks: [security]}\n'
            + '  - {id: i-b, account: "1", region: cn-hangzhou}\n',
        ),
    )
    with empty.transaction() as store:
        state = store.instance_states(tables.INSTANCES.c.id == "i-a")["i-a"]
        store.start_schedule(state, plan(REBOOT, wall_clock.now, PhaseDurations(5, 5, 1), force=False))
    before = _instance(empty, "i-a")

    _load(
        empty, _write(tmp_path, 'instances: [{id: i-a, account: "1", region: cn-hangzhou, status: Stopped}]')
    )

    after = _instance(empty, "i-a")
    assert after.seq == before.seq
    assert after.version == before.version + 1
    assert (after.status, after.operation, after.name) == ("Stopped", None, "i-a")
    with empty.transaction() as store:
        assert store.instance_states(tables.INSTANCES.c.id == "i-a")["i-a"].locks == ()


def test_loading_an_instance_again_leaves_the_others_alone(tmp_path: Path, empty: Database) -> None:
    _load(
        empty,
        _write(
            tmp_path,
            WORLD + 'instances: [{id: i-a, account: "1", region: cn-hangzhou}, '
            '{id: i-b, account: "1", region: cn-hangzhou, name: kept}]',
        ),
    )
    before = _instance(empty, "i-b")

    _load(
        empty, _write(tmp_path, 'instances: [{id: i-a, account: "1", region: cn-hangzhou, status: Stopped}]')
    )

    assert _instance(empty, "i-b") == before
    assert _instance_ids(empty) == ["i-a", "i-b"]


def test_a_new_instance_comes_after_the_existing_ones(tmp_path: Path, empty: Database) -> None:
    _load(empty, _write(tmp_path, WORLD + 'instances: [{id: i-z, account: "1", region: cn-hangzhou}]'))

    _load(empty, _write(tmp_path, 'instances: [{id: i-a, account: "1", region: cn-hangzhou}]'))

    assert _instance_ids(empty) == ["i-z", "i-a"]


def test_loading_an_account_again_replaces_its_balance(tmp_path: Path, empty: Database) -> None:
    _load(empty, _write(tmp_path, WORLD))

    _load(empty, _write(tmp_path, 'accounts: [{id: "1", balance: -3}]'))

    with empty.transaction() as store:
        assert store.account_balance("1") == -3.0
        assert store.find_access_key("testAKID") is not None  # keys it does not name stay


def test_a_region_loaded_again_keeps_its_place_in_the_listing(tmp_path: Path, empty: Database) -> None:
    _load(empty, _write(tmp_path, WORLD))

    _load(
        empty,
        _write(
            tmp_path,
            "regions: [{id: cn-beijing, zones: [cn-beijing-a]}, {id: cn-hangzhou, zones: [cn-hangzhou-h]}]",
        ),
    )

    regions = tables.REGIONS
    with empty.transaction() as store:
        order = store.connection.execute(select(regions.c.id).order_by(regions.c.position)).scalars().all()
    assert order == ["cn-hangzhou", "cn-shanghai", "cn-beijing"]
