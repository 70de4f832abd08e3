"""DescribeInstances, DescribeInstanceStatus and the stop/start bookkeeping through a whole
app (signed requests, the gateway's transaction, the handlers) on SQLite and on PostgreSQL,
with the same expectations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ecs import Settings, create_app
from mock_ecs.ecs.instance_view import minutes
from mock_ecs.ecs.paging import Cursor, encode_token
from tests.conftest import WORLD
from tests.support.api import Api

FLEET = 250
SHANGHAI = ["i-shanghai-1", *(f"i-fleet-{n:03}" for n in range(FLEET))]
STOPPING, STARTING = 30.0, 40.0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    db = ":memory:" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    settings = Settings(db=db, fixtures=WORLD, stopping_seconds=STOPPING, starting_seconds=STARTING)
    with TestClient(create_app(settings), base_url="http://mock-ecs.test:8080") as test_client:
        test_client.post("/_mock/clock", json={"freeze": True}).raise_for_status()
        yield test_client


@pytest.fixture
def fleet(client: TestClient) -> TestClient:
    owner = {"account": "1000000000000001", "region": "cn-shanghai"}
    document = {"instances": [{"id": f"i-fleet-{n:03}", **owner} for n in range(FLEET)]}
    client.post("/_mock/fixtures", json=document).raise_for_status()
    return client


def _call(client: TestClient, action: str, **params: str) -> dict[str, Any]:
    response = Api(client).v1(action, params)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _describe(client: TestClient, region: str = "cn-hangzhou", **params: str) -> dict[str, Any]:
    return _call(client, "DescribeInstances", RegionId=region, **params)


def _instances(answer: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = answer["Instances"]["Instance"]
    return found


def _one(client: TestClient, instance_id: str) -> dict[str, Any]:
    (instance,) = _instances(_describe(client, InstanceIds=json.dumps([instance_id])))
    return instance


def _advance(client: TestClient, seconds: float) -> float:
    moved = client.post("/_mock/clock", json={"advance_seconds": seconds})
    moved.raise_for_status()
    now: float = moved.json()["epoch"]
    return now


# -- paging ----------------------------------------------------------------------------------


def test_next_token_pages_list_every_instance_once(fleet: TestClient) -> None:
    listed: list[str] = []
    token = ""
    for _ in range(FLEET):  # bounded: far more pages than there are
        answer = _describe(fleet, "cn-shanghai", MaxResults="100", **({"NextToken": token} if token else {}))
        listed += [instance["InstanceId"] for instance in _instances(answer)]
        assert answer["TotalCount"] == FLEET + 1
        token = answer["NextToken"]
        if not token:
            break

    assert listed == SHANGHAI


def test_page_numbers_list_every_instance_once(fleet: TestClient) -> None:
    pages = [_describe(fleet, "cn-shanghai", PageSize="100", PageNumber=str(n)) for n in (1, 2, 3, 4)]

    assert [i["InstanceId"] for page in pages for i in _instances(page)] == SHANGHAI
    assert [len(_instances(page)) for page in pages] == [100, 100, 51, 0]


def test_instance_status_pages_list_every_instance_once(fleet: TestClient) -> None:
    listed = []
    for number in range(1, 7):  # pages of 50 (its largest)
        answer = _call(
            fleet, "DescribeInstanceStatus", RegionId="cn-shanghai", PageSize="50", PageNumber=str(number)
        )
        listed += [status["InstanceId"] for status in answer["InstanceStatuses"]["InstanceStatus"]]
        assert answer["TotalCount"] == FLEET + 1

    assert listed == SHANGHAI


def test_a_token_past_every_instance_answers_an_empty_last_page(client: TestClient) -> None:
    token = encode_token(Cursor(after_seq=2**40, page_number=2))

    answer = _describe(client, NextToken=token)

    assert (_instances(answer), answer["NextToken"], answer["PageNumber"]) == ([], "", 3)


# -- status under the mock clock -------------------------------------------------------------


def test_the_status_filter_follows_a_reboot_through_its_phases(client: TestClient) -> None:
    _call(client, "RebootInstances", RegionId="cn-hangzhou", **{"InstanceId.1": "i-running-1"})
    seen = []
    for step in (0.0, STOPPING - 1, 1, STARTING - 1, 1):
        _advance(client, step)
        statuses = {
            status: [i["InstanceId"] for i in _instances(_describe(client, Status=status))]
            for status in ("Stopping", "Starting", "Running")
        }
        seen.append(next(s for s, ids in statuses.items() if "i-running-1" in ids))
        assert sum("i-running-1" in ids for ids in statuses.values()) == 1

    assert seen == ["Stopping", "Stopping", "Starting", "Starting", "Running"]


# -- StoppedMode and StartTime ---------------------------------------------------------------


def test_a_stop_shows_its_stopped_mode_until_a_start(client: TestClient) -> None:
    stop = {"InstanceId.1": "i-running-1", "StoppedMode": "StopCharging"}
    _call(client, "StopInstances", RegionId="cn-hangzhou", **stop)
    during = _one(client, "i-running-1")
    _advance(client, STOPPING)
    stopped = _one(client, "i-running-1")
    _call(client, "StartInstances", RegionId="cn-hangzhou", **{"InstanceId.1": "i-running-1"})
    _advance(client, STARTING)
    running = _one(client, "i-running-1")

    assert (during["Status"], during["StoppedMode"]) == ("Stopping", "Not-applicable")
    assert (stopped["Status"], stopped["StoppedMode"]) == ("Stopped", "StopCharging")
    assert (running["Status"], running["StoppedMode"]) == ("Running", "Not-applicable")


def test_the_start_time_is_when_the_last_operation_brought_the_instance_up(client: TestClient) -> None:
    _call(client, "RebootInstances", RegionId="cn-hangzhou", **{"InstanceId.1": "i-running-1"})
    rebooted_at = _advance(client, STOPPING + STARTING)
    _advance(client, 3600)
    _call(client, "StopInstances", RegionId="cn-hangzhou", **{"InstanceId.1": "i-running-1"})
    _advance(client, STOPPING)
    stopped = _one(client, "i-running-1")
    _call(client, "StartInstances", RegionId="cn-hangzhou", **{"InstanceId.1": "i-running-1"})
    started_at = _advance(client, STARTING + 7200) - 7200
    started = _one(client, "i-running-1")

    assert (stopped["Status"], stopped["StartTime"]) == ("Stopped", minutes(rebooted_at))
    assert (started["Status"], started["StartTime"]) == ("Running", minutes(started_at))
    assert minutes(rebooted_at) != minutes(started_at)
