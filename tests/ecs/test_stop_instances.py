"""StopInstances (spec §3, §4, §6): Running → Stopping → Stopped, in batches, with a stop mode."""

from __future__ import annotations

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from mock_ecs import MockEcsApp
from tests.ecs.calls import (
    ARREARS,
    BAD_STATUS,
    DEBT,
    DRYRUN,
    NOT_FOUND,
    NOT_READY,
    advance,
    batch,
    entries,
    error_of,
    freeze,
    invalid,
    phase,
    status,
    stopped_mode,
)
from tests.support.api import Api


def stop(api: Api, *ids: str, **params: str) -> httpx.Response:
    return batch(api, "StopInstances", *ids, **params)


# -- request-level checks -------------------------------------------------------------------


def test_region_is_required(api: Api) -> None:
    response = api.v1("StopInstances", {"InstanceId.1": "i-running-1"})

    assert error_of(response) == (400, "MissingRegionId", "RegionId is mandatory for this action.")


def test_an_unknown_region_is_refused(api: Api) -> None:
    assert error_of(stop(api, "i-running-1", region="xx-nowhere-1"))[1] == "InvalidRegionId.NotFound"


def test_at_least_one_instance_id_is_required(api: Api) -> None:
    assert error_of(stop(api)) == (403, "InvalidInstanceId.NotFound", "InstanceId should not be null.")


def test_more_than_one_hundred_ids_are_refused(api: Api) -> None:
    assert error_of(stop(api, *[f"i-x-{n}" for n in range(101)]))[1] == "InvalidParameter.TooManyInstanceIds"


def test_malformed_ids_are_refused(api: Api) -> None:
    assert error_of(stop(api, "i-running-1", "i-bad_id"))[1] == "Abs.InvalidInstanceIds.MalFormed"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BatchOptimization", "Sometimes"),
        ("DryRun", "yes"),
        ("ForceStop", "1"),
        ("StoppedMode", "Hibernate"),
        ("StoppedMode", "keepcharging"),  # the values are case-sensitive
        ("StoppedMode", "Not-applicable"),  # reported by DescribeInstances, never asked for
    ],
)
def test_bad_option_values_are_refused_by_name(api: Api, client: TestClient, name: str, value: str) -> None:
    assert error_of(stop(api, "i-running-1", **{name: value})) == invalid(name)
    assert status(client, "i-running-1") == "Running"


def test_request_checks_come_before_the_stop_mode(api: Api) -> None:
    assert error_of(stop(api, StoppedMode="Sometimes"))[1] == "InvalidInstanceId.NotFound"


# -- AllTogether ------------------------------------------------------------------------------


def test_all_together_stops_all_and_reports_each(api: Api, client: TestClient) -> None:
    response = stop(api, "i-running-1", "i-running-2")

    assert entries(response) == [
        ("i-running-1", "200", "success", "Running", "Stopping"),
        ("i-running-2", "200", "success", "Running", "Stopping"),
    ]
    assert status(client, "i-running-1") == status(client, "i-running-2") == "Stopping"


def test_stopping_settles_to_stopped(api: Api, client: TestClient) -> None:
    freeze(client)
    stop(api, "i-running-1")
    advance(client, 4.9)
    assert status(client, "i-running-1") == "Stopping"
    advance(client, 0.1)
    assert status(client, "i-running-1") == "Stopped"


def test_all_together_answers_the_first_failure_in_request_order_and_changes_nothing(
    api: Api, client: TestClient
) -> None:
    response = stop(api, "i-running-1", "i-stopped-1", "i-financial-1")

    assert error_of(response) == BAD_STATUS
    assert status(client, "i-running-1") == "Running"


@pytest.mark.parametrize(
    ("instance_id", "expected"),
    [
        ("i-missing-1", NOT_FOUND),
        ("i-other-1", NOT_FOUND),
        ("i-shanghai-1", NOT_FOUND),
        ("i-financial-1", ARREARS),
        ("i-pending-1", NOT_READY),
        ("i-stopped-1", BAD_STATUS),
        ("i-recycling-1", BAD_STATUS),
    ],
)
def test_each_per_instance_check_answers_its_error(
    api: Api, instance_id: str, expected: tuple[int, str, str]
) -> None:
    assert error_of(stop(api, instance_id)) == expected


def test_a_security_lock_does_not_prevent_the_stop(api: Api, client: TestClient) -> None:
    response = stop(api, "i-security-1")

    assert entries(response) == [("i-security-1", "200", "success", "Running", "Stopping")]
    assert status(client, "i-security-1") == "Stopping"


def test_a_security_and_financial_lock_together_refuse_the_stop(api: Api, client: TestClient) -> None:
    client.patch("/_mock/instances/i-security-1", json={"locks": ["security", "financial"]})

    assert error_of(stop(api, "i-security-1")) == ARREARS


def test_a_negative_balance_does_not_prevent_the_stop(api: Api) -> None:
    assert entries(stop(api, "i-debt-1", **DEBT)) == [("i-debt-1", "200", "success", "Running", "Stopping")]


def test_an_instance_mid_reboot_cannot_be_stopped(api: Api, client: TestClient) -> None:
    freeze(client)
    api.reboot("i-running-1")
    assert error_of(stop(api, "i-running-1")) == BAD_STATUS  # Stopping
    advance(client, 5)
    assert error_of(stop(api, "i-running-1")) == BAD_STATUS  # Starting
    advance(client, 5)
    assert entries(stop(api, "i-running-1"))[0][1] == "200"


# -- SuccessFirst -----------------------------------------------------------------------------


def test_success_first_acts_on_what_passes_and_reports_the_rest(api: Api, client: TestClient) -> None:
    response = stop(
        api, "i-running-1", "i-security-1", "i-missing-1", "i-stopped-1", BatchOptimization="SuccessFirst"
    )

    assert entries(response) == [
        ("i-running-1", "200", "success", "Running", "Stopping"),
        ("i-security-1", "200", "success", "Running", "Stopping"),
        ("i-missing-1", *NOT_FOUND[1:], "", ""),
        ("i-stopped-1", *BAD_STATUS[1:], "Stopped", "Stopped"),
    ]
    assert status(client, "i-stopped-1") == "Stopped"


# -- DryRun -----------------------------------------------------------------------------------


def test_dry_run_all_together_passing_changes_nothing(api: Api, client: TestClient, app: MockEcsApp) -> None:
    assert error_of(stop(api, "i-running-1", "i-security-1", DryRun="true")) == DRYRUN
    assert status(client, "i-running-1") == "Running"
    assert stopped_mode(app, "i-running-1") is None


def test_dry_run_all_together_answers_the_failing_check(api: Api) -> None:
    assert error_of(stop(api, "i-running-1", "i-pending-1", DryRun="true")) == NOT_READY


def test_dry_run_success_first_passes_whatever_the_instances_say(api: Api, client: TestClient) -> None:
    response = stop(api, "i-running-1", "i-missing-1", DryRun="true", BatchOptimization="SuccessFirst")

    assert error_of(response) == DRYRUN
    assert status(client, "i-running-1") == "Running"


def test_dry_run_success_first_still_checks_the_stop_mode(api: Api) -> None:
    response = stop(api, "i-running-1", DryRun="true", BatchOptimization="SuccessFirst", StoppedMode="x")

    assert error_of(response) == invalid("StoppedMode")


# -- ForceStop and StoppedMode ----------------------------------------------------------------


def test_force_stop_shortens_the_stopping_phase(api: Api, client: TestClient) -> None:
    freeze(client)
    stop(api, "i-running-1", ForceStop="true")
    stop(api, "i-running-2", ForceStop="false")

    forced, normal = phase(client, "i-running-1"), phase(client, "i-running-2")
    assert forced["settles_to"] == normal["settles_to"] == "Stopped"
    assert forced["settles_at"] < normal["settles_at"]
    advance(client, 1)  # the forced stopping phase (1 s) is over, the normal one (5 s) is not
    assert (status(client, "i-running-1"), status(client, "i-running-2")) == ("Stopped", "Stopping")


@pytest.mark.parametrize("mode", ["StopCharging", "KeepCharging"])
def test_the_stop_mode_asked_for_is_recorded(api: Api, app: MockEcsApp, mode: str) -> None:
    stop(api, "i-running-1", "i-running-2", StoppedMode=mode)

    assert stopped_mode(app, "i-running-1") == stopped_mode(app, "i-running-2") == mode


def test_without_a_stop_mode_the_instance_keeps_charging(api: Api, app: MockEcsApp) -> None:
    stop(api, "i-running-1")

    assert stopped_mode(app, "i-running-1") == "KeepCharging"


def test_a_refused_instance_records_no_stop_mode(api: Api, app: MockEcsApp) -> None:
    stop(api, "i-running-1", "i-pending-1", StoppedMode="StopCharging", BatchOptimization="SuccessFirst")

    assert (stopped_mode(app, "i-running-1"), stopped_mode(app, "i-pending-1")) == ("StopCharging", None)


def test_starting_again_clears_the_stop_mode(api: Api, client: TestClient, app: MockEcsApp) -> None:
    freeze(client)
    stop(api, "i-running-1", StoppedMode="StopCharging")
    advance(client, 5)
    batch(api, "StartInstances", "i-running-1")

    assert stopped_mode(app, "i-running-1") is None


# -- the answer's bytes -----------------------------------------------------------------------


def test_the_answer_is_xml_when_asked(api: Api) -> None:
    response = stop(api, "i-running-1", Format="XML")

    assert response.headers["content-type"] == "text/xml;charset=utf-8"
    request_id = response.headers["x-acs-request-id"]
    assert (
        response.content
        == (
            "<?xml version='1.0' encoding='UTF-8'?><StopInstancesResponse>"
            f"<RequestId>{request_id}</RequestId><InstanceResponses><InstanceResponse>"
            "<Message>success</Message><InstanceId>i-running-1</InstanceId><PreviousStatus>Running</PreviousStatus>"
            "<CurrentStatus>Stopping</CurrentStatus><Code>200</Code>"
            "</InstanceResponse></InstanceResponses></StopInstancesResponse>"
        ).encode()
    )


def test_the_json_answer_is_compact_and_lists_an_array(api: Api) -> None:
    response = stop(api, "i-running-1", Format="JSON")

    request_id = response.headers["x-acs-request-id"]
    assert (
        response.content
        == (
            f'{{"RequestId":"{request_id}","InstanceResponses":{{"InstanceResponse":[{{"Message":"success",'
            '"InstanceId":"i-running-1","PreviousStatus":"Running","CurrentStatus":"Stopping","Code":"200"}]}}'
        ).encode()
    )


def test_v3_requests_stop_too(api: Api) -> None:
    response = api.v3("StopInstances", {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"})

    assert entries(response) == [("i-running-1", "200", "success", "Running", "Stopping")]
