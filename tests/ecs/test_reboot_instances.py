"""RebootInstances, spec §4: every parameter, every documented error, both batch modes."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.ecs.calls import (
    ARREARS,
    BAD_STATUS,
    BALANCE,
    DRYRUN,
    NOT_FOUND,
    NOT_READY,
    SECURITY,
    entries,
    error_of,
    status,
)
from tests.support.api import Api

# -- request-level checks -------------------------------------------------------------------


def test_region_is_required(api: Api) -> None:
    response = api.v1("RebootInstances", {"InstanceId.1": "i-running-1"})

    assert error_of(response) == (400, "MissingRegionId", "RegionId is mandatory for this action.")


def test_an_unknown_region_is_refused(api: Api) -> None:
    assert error_of(api.reboot("i-running-1", region="xx-nowhere-1")) == (
        404,
        "InvalidRegionId.NotFound",
        "The specified RegionId does not exist.",
    )


def test_at_least_one_instance_id_is_required(api: Api) -> None:
    assert error_of(api.reboot()) == (403, "InvalidInstanceId.NotFound", "InstanceId should not be null.")


def test_one_hundred_ids_are_accepted_and_one_hundred_and_one_refused(api: Api) -> None:
    hundred = [f"i-x-{n}" for n in range(100)]

    assert api.reboot(*hundred, BatchOptimization="SuccessFirst").status_code == 200
    assert error_of(api.reboot(*hundred, "i-x-100")) == (
        403,
        "InvalidParameter.TooManyInstanceIds",
        "Instance ids cannot be more than 100.",
    )


@pytest.mark.parametrize("bad_id", ["", "i-under_score", "i-with space", "i-é", "i-running-1;"])
def test_malformed_ids_are_refused(api: Api, bad_id: str) -> None:
    assert error_of(api.reboot("i-running-1", bad_id)) == (
        403,
        "Abs.InvalidInstanceIds.MalFormed",
        "The specified instanceIds is not valid.",
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [("BatchOptimization", "Sometimes"), ("DryRun", "yes"), ("ForceReboot", "1"), ("DryRun", "")],
)
def test_bad_option_values_are_refused_by_name(api: Api, name: str, value: str) -> None:
    assert error_of(api.reboot("i-running-1", **{name: value})) == (
        400,
        "InvalidParameter",
        f'The specified parameter "{name}" is not valid.',
    )


@pytest.mark.parametrize("spelling", ["true", "True", "TRUE"])
def test_booleans_are_read_in_any_case(api: Api, spelling: str) -> None:
    assert error_of(api.reboot("i-running-1", DryRun=spelling)) == DRYRUN


def test_a_request_level_error_changes_nothing(api: Api, client: TestClient) -> None:
    api.reboot("i-running-1", "i-x-bad_id")

    assert status(client, "i-running-1") == "Running"


# -- AllTogether ------------------------------------------------------------------------------


def test_all_together_reboots_all_and_reports_each(api: Api, client: TestClient) -> None:
    response = api.reboot("i-running-1", "i-running-2")

    assert entries(response) == [
        ("i-running-1", "200", "success", "Running", "Stopping"),
        ("i-running-2", "200", "success", "Running", "Stopping"),
    ]
    assert status(client, "i-running-1") == status(client, "i-running-2") == "Stopping"


def test_all_together_answers_the_first_failure_in_request_order_and_changes_nothing(
    api: Api, client: TestClient
) -> None:
    response = api.reboot("i-running-1", "i-stopped-1", "i-security-1")

    assert error_of(response) == BAD_STATUS
    assert status(client, "i-running-1") == "Running"


@pytest.mark.parametrize(
    ("instance_id", "expected"),
    [
        ("i-missing-1", NOT_FOUND),
        ("i-other-1", NOT_FOUND),  # another account's instance does not exist for this caller
        ("i-shanghai-1", NOT_FOUND),  # nor does one in another region than RegionId
        ("i-security-1", SECURITY),
        ("i-financial-1", ARREARS),
        ("i-pending-1", NOT_READY),
        ("i-stopped-1", BAD_STATUS),
        ("i-recycling-1", BAD_STATUS),
    ],
)
def test_each_per_instance_check_answers_its_error(
    api: Api, instance_id: str, expected: tuple[int, str, str]
) -> None:
    assert error_of(api.reboot(instance_id)) == expected


def test_a_negative_balance_refuses_the_reboot(api: Api) -> None:
    response = api.reboot("i-debt-1", key="debtAKID", secret="debtSecret")

    assert error_of(response) == BALANCE


def test_a_zero_balance_is_enough(api: Api, client: TestClient) -> None:
    client.patch("/_mock/accounts/1000000000000003", json={"balance": 0})

    assert entries(api.reboot("i-debt-1", key="debtAKID", secret="debtSecret"))[0][1] == "200"


def test_checks_run_in_the_documented_order(api: Api, client: TestClient) -> None:
    # Locked for security, in arrears and Stopped at once: security comes first.
    client.patch(
        "/_mock/instances/i-security-1", json={"locks": ["security", "financial"], "status": "Stopped"}
    )
    assert error_of(api.reboot("i-security-1")) == SECURITY
    client.patch("/_mock/instances/i-security-1", json={"locks": ["financial"]})
    assert error_of(api.reboot("i-security-1")) == ARREARS
    client.patch("/_mock/instances/i-security-1", json={"locks": []})
    assert error_of(api.reboot("i-security-1")) == BAD_STATUS


def test_an_instance_mid_reboot_cannot_be_rebooted_again(api: Api, client: TestClient) -> None:
    client.post("/_mock/clock", json={"freeze": True})
    api.reboot("i-running-1")
    assert error_of(api.reboot("i-running-1")) == BAD_STATUS  # Stopping
    client.post("/_mock/clock", json={"advance_seconds": 5})
    assert error_of(api.reboot("i-running-1")) == BAD_STATUS  # Starting
    client.post("/_mock/clock", json={"advance_seconds": 5})
    assert entries(api.reboot("i-running-1"))[0][1] == "200"  # Running again


def test_duplicate_ids_are_acted_on_and_reported_once(api: Api) -> None:
    response = api.reboot("i-running-1", "i-running-2", "i-running-1")

    assert [entry[0] for entry in entries(response)] == ["i-running-1", "i-running-2"]


def test_ids_are_taken_in_numeric_order_of_n(api: Api) -> None:
    ids = {f"InstanceId.{n}": f"i-x-{n}" for n in (10, 2, 9, 1)}
    response = api.v1(
        "RebootInstances", {"RegionId": "cn-hangzhou", "BatchOptimization": "SuccessFirst", **ids}
    )

    assert [entry[0] for entry in entries(response)] == ["i-x-1", "i-x-2", "i-x-9", "i-x-10"]


# -- SuccessFirst -----------------------------------------------------------------------------


def test_success_first_acts_on_what_passes_and_reports_the_rest(api: Api, client: TestClient) -> None:
    response = api.reboot(
        "i-running-1",
        "i-missing-1",
        "i-security-1",
        "i-stopped-1",
        "i-pending-1",
        BatchOptimization="SuccessFirst",
    )

    assert entries(response) == [
        ("i-running-1", "200", "success", "Running", "Stopping"),
        ("i-missing-1", *NOT_FOUND[1:], "", ""),
        ("i-security-1", *SECURITY[1:], "Running", "Running"),
        ("i-stopped-1", *BAD_STATUS[1:], "Stopped", "Stopped"),
        ("i-pending-1", *NOT_READY[1:], "Pending", "Pending"),
    ]
    assert status(client, "i-running-1") == "Stopping"


def test_success_first_with_a_negative_balance_reports_each_instance(api: Api) -> None:
    response = api.reboot("i-debt-1", key="debtAKID", secret="debtSecret", BatchOptimization="SuccessFirst")

    assert entries(response) == [("i-debt-1", *BALANCE[1:], "Running", "Running")]


# -- DryRun -----------------------------------------------------------------------------------


def test_dry_run_all_together_passing_changes_nothing(api: Api, client: TestClient) -> None:
    assert error_of(api.reboot("i-running-1", "i-running-2", DryRun="true")) == DRYRUN
    assert status(client, "i-running-1") == "Running"


def test_dry_run_all_together_answers_the_failing_check(api: Api) -> None:
    assert error_of(api.reboot("i-running-1", "i-financial-1", DryRun="true")) == ARREARS


def test_dry_run_success_first_passes_whatever_the_instances_say(api: Api, client: TestClient) -> None:
    response = api.reboot("i-running-1", "i-missing-1", DryRun="true", BatchOptimization="SuccessFirst")

    assert error_of(response) == DRYRUN
    assert status(client, "i-running-1") == "Running"


def test_dry_run_success_first_still_checks_the_request(api: Api) -> None:
    response = api.reboot(
        "i-running-1", region="xx-nowhere-1", DryRun="true", BatchOptimization="SuccessFirst"
    )

    assert error_of(response)[1] == "InvalidRegionId.NotFound"


# -- ForceReboot and the answer's bytes -------------------------------------------------------


def test_force_reboot_stops_faster(api: Api, client: TestClient) -> None:
    client.post("/_mock/clock", json={"freeze": True})
    api.reboot("i-running-1", ForceReboot="true")
    api.reboot("i-running-2", ForceReboot="false")

    forced = client.get("/_mock/instances/i-running-1").json()["phase"]
    normal = client.get("/_mock/instances/i-running-2").json()["phase"]
    assert (forced["status"], normal["status"]) == ("Stopping", "Stopping")
    assert forced["ends_at"] < normal["ends_at"]
    assert forced["settles_at"] < normal["settles_at"]


def test_the_answer_is_xml_when_asked(api: Api) -> None:
    response = api.reboot("i-running-1", Format="XML")

    assert response.headers["content-type"] == "text/xml;charset=utf-8"
    request_id = response.headers["x-acs-request-id"]
    assert (
        response.content
        == (
            "<?xml version='1.0' encoding='UTF-8'?><RebootInstancesResponse>"
            f"<RequestId>{request_id}</RequestId><InstanceResponses><InstanceResponse>"
            "<Message>success</Message><InstanceId>i-running-1</InstanceId><PreviousStatus>Running</PreviousStatus>"
            "<CurrentStatus>Stopping</CurrentStatus><Code>200</Code>"
            "</InstanceResponse></InstanceResponses></RebootInstancesResponse>"
        ).encode()
    )


def test_the_json_answer_has_no_code_outside_instance_responses(api: Api) -> None:
    body = api.reboot("i-running-1").json()

    assert list(body) == ["RequestId", "InstanceResponses"]


def test_v3_requests_reboot_too(api: Api) -> None:
    response = api.v3("RebootInstances", {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"})

    assert entries(response) == [("i-running-1", "200", "success", "Running", "Stopping")]
