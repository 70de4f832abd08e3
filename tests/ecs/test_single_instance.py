"""RebootInstance, StartInstance, StopInstance (spec §4, §6): one instance, answered {RequestId}."""

from __future__ import annotations

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from mock_ecs import MockEcsApp
from tests.ecs.calls import (
    ARREARS,
    BAD_STATUS,
    BALANCE,
    DEBT,
    DRY_RUN_OPERATION,
    NOT_FOUND,
    NOT_READY,
    SECURITY,
    advance,
    error_of,
    freeze,
    invalid,
    phase,
    status,
    stopped_mode,
)
from tests.support.api import Api

ACTIONS = ("RebootInstance", "StartInstance", "StopInstance")
# For each action, an instance it may act on, and what that instance goes through.
READY = {"RebootInstance": "i-running-1", "StartInstance": "i-stopped-1", "StopInstance": "i-running-1"}
GOES_TO = {"RebootInstance": "Stopping", "StartInstance": "Starting", "StopInstance": "Stopping"}


def call(
    api: Api,
    action: str,
    instance_id: str | None,
    key: str = "testAKID",
    secret: str = "testSecret",
    **params: str,
) -> httpx.Response:
    """``action`` signed V1, with no RegionId unless ``params`` gives one."""
    ids = {} if instance_id is None else {"InstanceId": instance_id}
    return api.v1(action, {**ids, **params}, key=key, secret=secret)


def ok(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert response.json() == {"RequestId": response.headers["x-acs-request-id"]}


# -- what all three share ---------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_acts_and_answers_only_the_request_id(api: Api, client: TestClient, action: str) -> None:
    ok(call(api, action, READY[action]))

    assert status(client, READY[action]) == GOES_TO[action]


@pytest.mark.parametrize("action", ACTIONS)
def test_the_instance_id_is_required(api: Api, action: str) -> None:
    assert error_of(call(api, action, None)) == (
        400,
        "MissingInstanceId",
        "InstanceId is mandatory for this action.",
    )


@pytest.mark.parametrize("action", ACTIONS)
def test_no_region_is_needed_for_an_instance_in_any_region(api: Api, client: TestClient, action: str) -> None:
    if action == "StartInstance":
        client.patch("/_mock/instances/i-shanghai-1", json={"status": "Stopped"})

    ok(call(api, action, "i-shanghai-1"))


@pytest.mark.parametrize("action", ACTIONS)
def test_a_region_given_must_be_the_instances_own(api: Api, action: str) -> None:
    ok(call(api, action, READY[action], RegionId="cn-hangzhou"))
    assert error_of(call(api, action, "i-shanghai-1", RegionId="cn-hangzhou")) == NOT_FOUND


@pytest.mark.parametrize("action", ACTIONS)
def test_an_unknown_region_given_is_refused(api: Api, action: str) -> None:
    assert error_of(call(api, action, READY[action], RegionId="xx-nowhere-1")) == (
        404,
        "InvalidRegionId.NotFound",
        "The specified RegionId does not exist.",
    )


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("instance_id", ["i-missing-1", "i-other-1", "i-bad_id"])
def test_an_instance_the_caller_does_not_own_is_not_found(api: Api, action: str, instance_id: str) -> None:
    assert error_of(call(api, action, instance_id)) == NOT_FOUND


@pytest.mark.parametrize("action", ACTIONS)
def test_a_financial_lock_refuses_every_action(api: Api, client: TestClient, action: str) -> None:
    client.patch(f"/_mock/instances/{READY[action]}", json={"locks": ["financial"]})

    assert error_of(call(api, action, READY[action])) == ARREARS


@pytest.mark.parametrize("action", ACTIONS)
def test_a_pending_instance_is_not_ready(api: Api, action: str) -> None:
    assert error_of(call(api, action, "i-pending-1")) == NOT_READY


@pytest.mark.parametrize(
    ("action", "instance_id"),
    [("RebootInstance", "i-stopped-1"), ("StartInstance", "i-running-1"), ("StopInstance", "i-stopped-1")],
)
def test_the_wrong_status_is_refused(api: Api, client: TestClient, action: str, instance_id: str) -> None:
    assert error_of(call(api, action, instance_id)) == BAD_STATUS
    assert status(client, instance_id) in ("Running", "Stopped")


@pytest.mark.parametrize("action", ACTIONS)
def test_an_instance_in_a_transitional_state_is_refused(api: Api, client: TestClient, action: str) -> None:
    freeze(client)
    ok(call(api, action, READY[action]))

    assert error_of(call(api, action, READY[action])) == BAD_STATUS


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("spelling", ["true", "True"])
def test_a_passing_dry_run_answers_dry_run_operation_and_changes_nothing(
    api: Api, client: TestClient, action: str, spelling: str
) -> None:
    before = status(client, READY[action])

    assert error_of(call(api, action, READY[action], DryRun=spelling)) == DRY_RUN_OPERATION
    assert status(client, READY[action]) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_failing_dry_run_answers_the_failing_check(api: Api, action: str) -> None:
    assert error_of(call(api, action, "i-missing-1", DryRun="true")) == NOT_FOUND


@pytest.mark.parametrize("action", ACTIONS)
def test_dry_run_false_acts(api: Api, action: str) -> None:
    ok(call(api, action, READY[action], DryRun="false"))


@pytest.mark.parametrize("action", ACTIONS)
def test_a_bad_dry_run_value_is_refused(api: Api, action: str) -> None:
    assert error_of(call(api, action, READY[action], DryRun="yes")) == invalid("DryRun")


@pytest.mark.parametrize("action", ACTIONS)
def test_v3_requests_act_too(api: Api, client: TestClient, action: str) -> None:
    response = api.v3(action, {"InstanceId": READY[action]})

    assert response.headers["content-type"] == "application/json;charset=utf-8"
    assert response.content == f'{{"RequestId":"{response.headers["x-acs-request-id"]}"}}'.encode()
    assert status(client, READY[action]) == GOES_TO[action]


@pytest.mark.parametrize("action", ACTIONS)
def test_the_answer_is_xml_when_asked(api: Api, action: str) -> None:
    response = call(api, action, READY[action], Format="XML")

    request_id = response.headers["x-acs-request-id"]
    assert response.headers["content-type"] == "text/xml;charset=utf-8"
    assert (
        response.content
        == (
            f"<?xml version='1.0' encoding='UTF-8'?><{action}Response>"
            f"<RequestId>{request_id}</RequestId></{action}Response>"
        ).encode()
    )


@pytest.mark.parametrize("action", ACTIONS)
def test_a_refusal_renders_the_error_envelope_in_xml(api: Api, action: str) -> None:
    response = call(api, action, "i-missing-1", Format="XML")

    request_id = response.headers["x-acs-request-id"]
    assert response.status_code == 404
    assert (
        response.content
        == (
            "<?xml version='1.0' encoding='UTF-8'?><Error>"
            f"<RequestId>{request_id}</RequestId><HostId>mock-ecs.test</HostId>"
            "<Code>InvalidInstanceId.NotFound</Code>"
            "<Message>The specified InstanceId does not exist.</Message>"
            "<Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=InvalidInstanceId.NotFound"
            f"&product=Ecs&requestId={request_id}]]></Recommend></Error>"
        ).encode()
    )


# -- locks and balance: Stop goes where Start and Reboot may not ------------------------------


def test_a_security_locked_instance_stops(api: Api, client: TestClient) -> None:
    ok(call(api, "StopInstance", "i-security-1"))

    assert status(client, "i-security-1") == "Stopping"


@pytest.mark.parametrize(("action", "current"), [("RebootInstance", "Running"), ("StartInstance", "Stopped")])
def test_a_security_locked_instance_does_not_start_or_reboot(
    api: Api, client: TestClient, action: str, current: str
) -> None:
    client.patch("/_mock/instances/i-security-1", json={"status": current})

    assert error_of(call(api, action, "i-security-1")) == SECURITY
    assert status(client, "i-security-1") == current


def test_a_security_locked_instance_passes_a_stop_dry_run(api: Api) -> None:
    assert error_of(call(api, "StopInstance", "i-security-1", DryRun="true")) == DRY_RUN_OPERATION


@pytest.mark.parametrize(("action", "current"), [("RebootInstance", "Running"), ("StartInstance", "Stopped")])
def test_a_negative_balance_refuses_start_and_reboot(
    api: Api, client: TestClient, action: str, current: str
) -> None:
    client.patch("/_mock/instances/i-debt-1", json={"status": current})

    assert error_of(call(api, action, "i-debt-1", **DEBT)) == BALANCE


def test_a_negative_balance_does_not_refuse_the_stop(api: Api) -> None:
    ok(call(api, "StopInstance", "i-debt-1", **DEBT))


# -- each action's own parameters -------------------------------------------------------------


@pytest.mark.parametrize("action", ["RebootInstance", "StopInstance"])
def test_force_stop_shortens_the_stopping_phase(api: Api, client: TestClient, action: str) -> None:
    freeze(client)
    ok(call(api, action, "i-running-1", ForceStop="true"))
    ok(call(api, action, "i-running-2", ForceStop="false"))

    forced, normal = phase(client, "i-running-1"), phase(client, "i-running-2")
    assert forced["status"] == normal["status"] == "Stopping"
    assert forced["ends_at"] < normal["ends_at"]
    advance(client, 1)
    assert status(client, "i-running-1") != "Stopping"
    assert status(client, "i-running-2") == "Stopping"


@pytest.mark.parametrize("action", ["RebootInstance", "StopInstance"])
def test_a_bad_force_stop_value_is_refused(api: Api, action: str) -> None:
    assert error_of(call(api, action, "i-running-1", ForceStop="1")) == invalid("ForceStop")


def test_reboot_goes_through_stopping_and_starting_back_to_running(api: Api, client: TestClient) -> None:
    freeze(client)
    ok(call(api, "RebootInstance", "i-running-1"))
    advance(client, 5)
    assert status(client, "i-running-1") == "Starting"
    advance(client, 5)
    assert status(client, "i-running-1") == "Running"


def test_stop_then_start(api: Api, client: TestClient) -> None:
    freeze(client)
    ok(call(api, "StopInstance", "i-running-1"))
    advance(client, 5)
    assert status(client, "i-running-1") == "Stopped"
    ok(call(api, "StartInstance", "i-running-1"))
    assert status(client, "i-running-1") == "Starting"
    advance(client, 5)
    assert status(client, "i-running-1") == "Running"


@pytest.mark.parametrize("mode", ["StopCharging", "KeepCharging"])
def test_stop_records_the_stop_mode(api: Api, app: MockEcsApp, mode: str) -> None:
    ok(call(api, "StopInstance", "i-running-1", StoppedMode=mode))

    assert stopped_mode(app, "i-running-1") == mode


def test_stop_without_a_mode_keeps_charging(api: Api, app: MockEcsApp) -> None:
    ok(call(api, "StopInstance", "i-running-1"))

    assert stopped_mode(app, "i-running-1") == "KeepCharging"


def test_a_bad_stop_mode_is_refused(api: Api, client: TestClient) -> None:
    assert error_of(call(api, "StopInstance", "i-running-1", StoppedMode="Cheap")) == invalid("StoppedMode")
    assert status(client, "i-running-1") == "Running"


def test_a_missing_instance_id_comes_before_a_bad_stop_mode(api: Api) -> None:
    assert error_of(call(api, "StopInstance", None, StoppedMode="Cheap"))[1] == "MissingInstanceId"


@pytest.mark.parametrize("name", ["ConfirmStop", "Hibernate"])
def test_stop_accepts_its_documented_booleans(api: Api, name: str) -> None:
    assert error_of(call(api, "StopInstance", "i-running-1", **{name: "maybe"})) == invalid(name)
    ok(call(api, "StopInstance", "i-running-1", **{name: "true"}))


def test_start_accepts_init_local_disk(api: Api) -> None:
    assert error_of(call(api, "StartInstance", "i-stopped-1", InitLocalDisk="maybe")) == invalid(
        "InitLocalDisk"
    )
    ok(call(api, "StartInstance", "i-stopped-1", InitLocalDisk="true"))


def test_start_has_no_force_stop(api: Api) -> None:
    # Not a StartInstance parameter: ignored like any unknown one.
    ok(call(api, "StartInstance", "i-stopped-1", ForceStop="maybe"))
