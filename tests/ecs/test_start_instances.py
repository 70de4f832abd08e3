"""StartInstances (spec §3, §4, §6): Stopped → Starting → Running, in batches."""

from __future__ import annotations

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from tests.ecs.calls import (
    ARREARS,
    BAD_STATUS,
    BALANCE,
    DEBT,
    DRYRUN,
    NOT_FOUND,
    NOT_READY,
    SECURITY,
    advance,
    batch,
    entries,
    error_of,
    freeze,
    invalid,
    status,
)
from tests.support.api import Api


def start(api: Api, *ids: str, **params: str) -> httpx.Response:
    return batch(api, "StartInstances", *ids, **params)


@pytest.fixture
def stopped(client: TestClient) -> list[str]:
    """Three stopped instances of the test account in cn-hangzhou."""
    for instance_id in ("i-running-1", "i-running-2"):
        client.patch(f"/_mock/instances/{instance_id}", json={"status": "Stopped"})
    return ["i-stopped-1", "i-running-1", "i-running-2"]


# -- request-level checks -------------------------------------------------------------------


def test_region_is_required(api: Api) -> None:
    response = api.v1("StartInstances", {"InstanceId.1": "i-stopped-1"})

    assert error_of(response) == (400, "MissingRegionId", "RegionId is mandatory for this action.")


def test_an_unknown_region_is_refused(api: Api) -> None:
    assert error_of(start(api, "i-stopped-1", region="xx-nowhere-1")) == (
        404,
        "InvalidRegionId.NotFound",
        "The specified RegionId does not exist.",
    )


def test_at_least_one_instance_id_is_required(api: Api) -> None:
    assert error_of(start(api)) == (403, "InvalidInstanceId.NotFound", "InstanceId should not be null.")


def test_one_hundred_ids_are_accepted_and_one_hundred_and_one_refused(api: Api) -> None:
    hundred = [f"i-x-{n}" for n in range(100)]

    assert start(api, *hundred, BatchOptimization="SuccessFirst").status_code == 200
    assert error_of(start(api, *hundred, "i-x-100")) == (
        403,
        "InvalidParameter.TooManyInstanceIds",
        "Instance ids cannot be more than 100.",
    )


@pytest.mark.parametrize("bad_id", ["", "i-under_score", "i-with space"])
def test_malformed_ids_are_refused(api: Api, bad_id: str) -> None:
    assert error_of(start(api, "i-stopped-1", bad_id)) == (
        403,
        "Abs.InvalidInstanceIds.MalFormed",
        "The specified instanceIds is not valid.",
    )


@pytest.mark.parametrize(("name", "value"), [("BatchOptimization", "Sometimes"), ("DryRun", "yes")])
def test_bad_option_values_are_refused_by_name(api: Api, name: str, value: str) -> None:
    assert error_of(start(api, "i-stopped-1", **{name: value})) == invalid(name)


def test_a_force_option_is_not_a_start_instances_parameter(api: Api, client: TestClient) -> None:
    # StartInstances documents no ForceStop: like any unknown parameter it is ignored.
    assert entries(start(api, "i-stopped-1", ForceStop="maybe"))[0][1] == "200"


# -- AllTogether ------------------------------------------------------------------------------


def test_all_together_starts_all_and_reports_each(api: Api, client: TestClient, stopped: list[str]) -> None:
    response = start(api, *stopped)

    assert entries(response) == [(i, "200", "success", "Stopped", "Starting") for i in stopped]
    assert [status(client, i) for i in stopped] == ["Starting"] * 3


def test_all_together_answers_the_first_failure_in_request_order_and_changes_nothing(
    api: Api, client: TestClient
) -> None:
    response = start(api, "i-stopped-1", "i-running-1", "i-missing-1")

    assert error_of(response) == BAD_STATUS
    assert status(client, "i-stopped-1") == "Stopped"


@pytest.mark.parametrize(
    ("instance_id", "expected"),
    [
        ("i-missing-1", NOT_FOUND),
        ("i-other-1", NOT_FOUND),  # another account's instance does not exist for this caller
        ("i-shanghai-1", NOT_FOUND),  # nor does one in another region than RegionId
        ("i-security-1", SECURITY),
        ("i-financial-1", ARREARS),
        ("i-pending-1", NOT_READY),
        ("i-running-1", BAD_STATUS),
        ("i-recycling-1", BAD_STATUS),
    ],
)
def test_each_per_instance_check_answers_its_error(
    api: Api, client: TestClient, instance_id: str, expected: tuple[int, str, str]
) -> None:
    # Stopped, so that only the check under test can refuse (a Running one is refused for status).
    if instance_id not in ("i-missing-1", "i-pending-1", "i-running-1"):
        client.patch(f"/_mock/instances/{instance_id}", json={"status": "Stopped"})

    assert error_of(start(api, instance_id)) == expected


def test_a_security_lock_refuses_the_start(api: Api, client: TestClient) -> None:
    client.patch("/_mock/instances/i-security-1", json={"status": "Stopped"})

    assert error_of(start(api, "i-security-1")) == SECURITY
    assert status(client, "i-security-1") == "Stopped"


def test_a_negative_balance_refuses_the_start(api: Api, client: TestClient) -> None:
    client.patch("/_mock/instances/i-debt-1", json={"status": "Stopped"})

    assert error_of(start(api, "i-debt-1", **DEBT)) == BALANCE


def test_a_zero_balance_is_enough(api: Api, client: TestClient) -> None:
    client.patch("/_mock/instances/i-debt-1", json={"status": "Stopped"})
    client.patch("/_mock/accounts/1000000000000003", json={"balance": 0})

    assert entries(start(api, "i-debt-1", **DEBT))[0][1] == "200"


def test_an_instance_mid_stop_or_start_cannot_be_started(api: Api, client: TestClient) -> None:
    freeze(client)
    batch(api, "StopInstances", "i-running-1")
    assert error_of(start(api, "i-running-1")) == BAD_STATUS  # Stopping
    advance(client, 5)
    assert entries(start(api, "i-running-1"))[0][1:] == ("200", "success", "Stopped", "Starting")
    assert error_of(start(api, "i-running-1")) == BAD_STATUS  # Starting
    advance(client, 5)
    assert status(client, "i-running-1") == "Running"


def test_starting_lasts_the_starting_phase(api: Api, client: TestClient) -> None:
    freeze(client)
    start(api, "i-stopped-1")
    advance(client, 4.9)
    assert status(client, "i-stopped-1") == "Starting"
    advance(client, 0.1)
    assert status(client, "i-stopped-1") == "Running"


def test_duplicate_ids_are_acted_on_and_reported_once(api: Api, stopped: list[str]) -> None:
    response = start(api, "i-stopped-1", "i-running-1", "i-stopped-1")

    assert [entry[0] for entry in entries(response)] == ["i-stopped-1", "i-running-1"]


# -- SuccessFirst -----------------------------------------------------------------------------


def test_success_first_acts_on_what_passes_and_reports_the_rest(api: Api, client: TestClient) -> None:
    response = start(
        api, "i-stopped-1", "i-missing-1", "i-running-1", "i-pending-1", BatchOptimization="SuccessFirst"
    )

    assert entries(response) == [
        ("i-stopped-1", "200", "success", "Stopped", "Starting"),
        ("i-missing-1", *NOT_FOUND[1:], "", ""),
        ("i-running-1", *BAD_STATUS[1:], "Running", "Running"),
        ("i-pending-1", *NOT_READY[1:], "Pending", "Pending"),
    ]
    assert status(client, "i-stopped-1") == "Starting"


def test_success_first_reports_locks_and_balance(api: Api, client: TestClient) -> None:
    client.patch("/_mock/instances/i-security-1", json={"status": "Stopped"})
    client.patch("/_mock/instances/i-financial-1", json={"status": "Stopped"})

    response = start(api, "i-security-1", "i-financial-1", BatchOptimization="SuccessFirst")

    assert entries(response) == [
        ("i-security-1", *SECURITY[1:], "Stopped", "Stopped"),
        ("i-financial-1", *ARREARS[1:], "Stopped", "Stopped"),
    ]


# -- DryRun -----------------------------------------------------------------------------------


def test_dry_run_all_together_passing_changes_nothing(
    api: Api, client: TestClient, stopped: list[str]
) -> None:
    assert error_of(start(api, *stopped, DryRun="true")) == DRYRUN
    assert status(client, "i-stopped-1") == "Stopped"


def test_dry_run_all_together_answers_the_failing_check(api: Api) -> None:
    assert error_of(start(api, "i-stopped-1", "i-running-1", DryRun="true")) == BAD_STATUS


def test_dry_run_success_first_passes_whatever_the_instances_say(api: Api, client: TestClient) -> None:
    response = start(api, "i-stopped-1", "i-missing-1", DryRun="true", BatchOptimization="SuccessFirst")

    assert error_of(response) == DRYRUN
    assert status(client, "i-stopped-1") == "Stopped"


def test_dry_run_success_first_still_checks_the_request(api: Api) -> None:
    response = start(
        api, "i-stopped-1", region="xx-nowhere-1", DryRun="true", BatchOptimization="SuccessFirst"
    )

    assert error_of(response)[1] == "InvalidRegionId.NotFound"


# -- the answer's bytes -----------------------------------------------------------------------


def test_the_answer_is_xml_when_asked(api: Api) -> None:
    response = start(api, "i-stopped-1", Format="XML")

    assert response.headers["content-type"] == "text/xml;charset=utf-8"
    request_id = response.headers["x-acs-request-id"]
    assert (
        response.content
        == (
            "<?xml version='1.0' encoding='UTF-8'?><StartInstancesResponse>"
            f"<RequestId>{request_id}</RequestId><InstanceResponses><InstanceResponse>"
            "<Message>success</Message><InstanceId>i-stopped-1</InstanceId><PreviousStatus>Stopped</PreviousStatus>"
            "<CurrentStatus>Starting</CurrentStatus><Code>200</Code>"
            "</InstanceResponse></InstanceResponses></StartInstancesResponse>"
        ).encode()
    )


def test_the_answer_is_compact_json_by_default_for_v3(api: Api) -> None:
    response = api.v3("StartInstances", {"RegionId": "cn-hangzhou", "InstanceId.1": "i-stopped-1"})

    assert response.headers["content-type"] == "application/json;charset=utf-8"
    request_id = response.headers["x-acs-request-id"]
    assert (
        response.content
        == (
            f'{{"RequestId":"{request_id}","InstanceResponses":{{"InstanceResponse":[{{"Message":"success",'
            '"InstanceId":"i-stopped-1","PreviousStatus":"Stopped","CurrentStatus":"Starting","Code":"200"}]}}'
        ).encode()
    )


def test_an_error_renders_in_xml_too(api: Api) -> None:
    response = start(api, "i-running-1", Format="XML")

    request_id = response.headers["x-acs-request-id"]
    assert response.status_code == 403
    assert response.content.startswith(
        (
            "<?xml version='1.0' encoding='UTF-8'?><Error>"
            f"<RequestId>{request_id}</RequestId><HostId>mock-ecs.test</HostId>"
            "<Code>IncorrectInstanceStatus</Code>"
        ).encode()
    )
