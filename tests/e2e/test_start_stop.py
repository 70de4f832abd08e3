"""Start, stop and the single-instance actions, and DescribeRegions, through each official SDK.

Against a real server on 127.0.0.1, each test once per SDK flavour: classic SDK (V1), Tea SDK
(V3), Tea SDK with signature v2 (V1). Statuses are read through the control plane.
"""

# The Chinese names the service gives use full-width parentheses, as the fixtures do.
# ruff: noqa: RUF001

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as tea_models
from alibabacloud_ecs20140526.client import Client as TeaClient
from alibabacloud_tea_openapi import exceptions as tea_exceptions
from aliyunsdkcore.acs_exception.exceptions import ClientException, ServerException

from mock_ecs.testing import MockEcs
from tests.e2e.flavours import SdkError, refusal
from tests.support import sdk
from tests.support.control import Control

SECURITY = (
    "InstanceLockedForSecurity",
    403,
    "The specified operation is denied as your instance is locked for security reasons.",
)
DRY_RUN_OPERATION = ("DryRunOperation", 400, "Request validation has been passed with DryRun flag set.")
DRYRUN_SUCCESS = ("DRYRUN.SUCCESS", 400, "This request is a dryrun request with successful result.")
NOT_FOUND = ("InvalidInstanceId.NotFound", 404, "The specified InstanceId does not exist.")


class Caller:
    """Any ECS action through one SDK flavour; parameters by their API names."""

    name: str

    def call(self, action: str, **params: Any) -> dict[str, Any]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the SDK's connections."""


class Classic(Caller):
    name = "classic"

    def __init__(self, port: int) -> None:
        self.sdk = sdk.Classic(port)

    def call(self, action: str, **params: Any) -> dict[str, Any]:
        module = importlib.import_module(f"aliyunsdkecs.request.v20140526.{action}Request")
        request = getattr(module, f"{action}Request")()
        request.set_endpoint("127.0.0.1")
        request.set_protocol_type("http")
        for name, value in params.items():
            if name == "RegionId":  # no setter: the client adds its own unless one is given
                request.add_query_param(name, value)
            elif isinstance(value, list):  # a repeated InstanceId.N: the setter is "InstanceIds"
                request.set_InstanceIds(value)
            else:
                getattr(request, f"set_{name}")(value)
        try:
            result: dict[str, Any] = json.loads(self.sdk.client.do_action_with_exception(request))
        except ServerException as error:
            raise SdkError.of_classic(error) from error
        except ClientException as error:
            raise AssertionError(f"client-side failure: {error}") from error
        return result

    def close(self) -> None:
        self.sdk.client.session.close()


class Tea(Caller):
    def __init__(self, port: int, *, v2: bool) -> None:
        self.name = "tea-v2" if v2 else "tea"
        self.client: TeaClient = sdk.tea(port, v2=v2)

    def call(self, action: str, **params: Any) -> dict[str, Any]:
        model = getattr(tea_models, f"{action}Request")(**{_snake(n): v for n, v in params.items()})
        try:
            response = getattr(self.client, _snake(action))(model)
        except tea_exceptions.AlibabaCloudException as error:
            raise SdkError.of_tea(error) from error
        assert response.status_code == 200
        result: dict[str, Any] = response.body.to_map()
        return result


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@pytest.fixture(params=["classic", "tea", "tea-v2"])
def ecs(request: pytest.FixtureRequest, mock_ecs: MockEcs) -> Iterator[Caller]:
    caller: Caller = (
        Classic(mock_ecs.port)
        if request.param == "classic"
        else Tea(mock_ecs.port, v2=request.param == "tea-v2")
    )
    yield caller
    caller.close()


def entries(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (r["InstanceId"], r["Code"], r["PreviousStatus"], r["CurrentStatus"])
        for r in result["InstanceResponses"]["InstanceResponse"]
    ]


# -- StopInstances then StartInstances --------------------------------------------------------


def test_stop_then_start_goes_through_every_status(ecs: Caller, control: Control) -> None:
    control.freeze()
    stopped = ecs.call("StopInstances", RegionId="cn-hangzhou", InstanceId=["i-running-1", "i-running-2"])

    assert entries(stopped) == [
        ("i-running-1", "200", "Running", "Stopping"),
        ("i-running-2", "200", "Running", "Stopping"),
    ]
    assert control.status("i-running-1") == "Stopping"
    control.advance(5)
    assert control.status("i-running-1") == control.status("i-running-2") == "Stopped"

    started = ecs.call("StartInstances", RegionId="cn-hangzhou", InstanceId=["i-running-1", "i-running-2"])

    assert entries(started) == [
        ("i-running-1", "200", "Stopped", "Starting"),
        ("i-running-2", "200", "Stopped", "Starting"),
    ]
    assert control.status("i-running-1") == "Starting"
    control.advance(5)
    assert control.status("i-running-1") == control.status("i-running-2") == "Running"


def test_force_stop_and_stop_mode_are_accepted(ecs: Caller, control: Control) -> None:
    control.freeze()
    ecs.call(
        "StopInstances",
        RegionId="cn-hangzhou",
        InstanceId=["i-running-1"],
        ForceStop=True,
        StoppedMode="StopCharging",
    )
    ecs.call("StopInstances", RegionId="cn-hangzhou", InstanceId=["i-running-2"], ForceStop=False)

    control.advance(1)  # past the forced stopping phase (1 s), inside the normal one (5 s)
    assert (control.status("i-running-1"), control.status("i-running-2")) == ("Stopped", "Stopping")


def test_a_bad_stop_mode_is_refused(ecs: Caller, control: Control) -> None:
    assert refusal(
        lambda: ecs.call(
            "StopInstances", RegionId="cn-hangzhou", InstanceId=["i-running-1"], StoppedMode="Cheap"
        )
    ) == ("InvalidParameter", 400, 'The specified parameter "StoppedMode" is not valid.')


def test_success_first_start_reports_each_instance(ecs: Caller, control: Control) -> None:
    result = ecs.call(
        "StartInstances",
        RegionId="cn-hangzhou",
        InstanceId=["i-stopped-1", "i-running-1", "i-missing-1"],
        BatchOptimization="SuccessFirst",
    )

    assert entries(result) == [
        ("i-stopped-1", "200", "Stopped", "Starting"),
        ("i-running-1", "IncorrectInstanceStatus", "Running", "Running"),
        ("i-missing-1", "InvalidInstanceId.NotFound", "", ""),
    ]


@pytest.mark.parametrize(
    ("action", "instance_id"), [("StartInstances", "i-stopped-1"), ("StopInstances", "i-running-1")]
)
def test_batch_dry_runs_answer_dryrun_success(
    ecs: Caller, control: Control, action: str, instance_id: str
) -> None:
    before = control.status(instance_id)

    assert (
        refusal(lambda: ecs.call(action, RegionId="cn-hangzhou", InstanceId=[instance_id], DryRun=True))
        == DRYRUN_SUCCESS
    )
    assert control.status(instance_id) == before


# -- a security lock: Stop goes, Start and Reboot do not --------------------------------------


def test_a_security_locked_instance_stops(ecs: Caller, control: Control) -> None:
    result = ecs.call("StopInstances", RegionId="cn-hangzhou", InstanceId=["i-security-1"])

    assert entries(result) == [("i-security-1", "200", "Running", "Stopping")]


def test_a_security_locked_instance_does_not_start(ecs: Caller, control: Control) -> None:
    control.patch_instance("i-security-1", status="Stopped")

    assert (
        refusal(lambda: ecs.call("StartInstances", RegionId="cn-hangzhou", InstanceId=["i-security-1"]))
        == SECURITY
    )
    assert refusal(lambda: ecs.call("StartInstance", InstanceId="i-security-1")) == SECURITY
    assert control.status("i-security-1") == "Stopped"


def test_a_security_locked_instance_does_not_reboot(ecs: Caller, control: Control) -> None:
    assert refusal(lambda: ecs.call("RebootInstance", InstanceId="i-security-1")) == SECURITY
    assert control.status("i-security-1") == "Running"


def test_a_security_locked_instance_stops_alone_too(ecs: Caller, control: Control) -> None:
    assert ecs.call("StopInstance", InstanceId="i-security-1").keys() == {"RequestId"}
    assert control.status("i-security-1") == "Stopping"


# -- RebootInstance, StartInstance, StopInstance ----------------------------------------------


def test_single_actions_stop_start_and_reboot(ecs: Caller, control: Control) -> None:
    control.freeze()
    result = ecs.call("StopInstance", InstanceId="i-running-1", ForceStop=True, StoppedMode="KeepCharging")
    assert list(result) == ["RequestId"]
    assert len(result["RequestId"]) == 36
    control.advance(1)
    assert control.status("i-running-1") == "Stopped"

    ecs.call("StartInstance", InstanceId="i-running-1")
    assert control.status("i-running-1") == "Starting"
    control.advance(5)

    ecs.call("RebootInstance", InstanceId="i-running-1", ForceStop=False)
    assert control.status("i-running-1") == "Stopping"
    control.advance(5)
    assert control.status("i-running-1") == "Starting"
    control.advance(5)
    assert control.status("i-running-1") == "Running"


@pytest.mark.parametrize(
    ("action", "instance_id"),
    [("RebootInstance", "i-running-1"), ("StartInstance", "i-stopped-1"), ("StopInstance", "i-running-1")],
)
def test_a_passing_single_dry_run_answers_dry_run_operation(
    ecs: Caller, control: Control, action: str, instance_id: str
) -> None:
    before = control.status(instance_id)

    assert refusal(lambda: ecs.call(action, InstanceId=instance_id, DryRun=True)) == DRY_RUN_OPERATION
    assert control.status(instance_id) == before


def test_a_failing_single_dry_run_answers_its_check(ecs: Caller, control: Control) -> None:
    assert refusal(lambda: ecs.call("StartInstance", InstanceId="i-running-1", DryRun=True)) == (
        "IncorrectInstanceStatus",
        403,
        "The current status of the resource does not support this operation.",
    )


def test_a_single_action_on_a_missing_instance_is_refused(ecs: Caller, control: Control) -> None:
    assert refusal(lambda: ecs.call("StopInstance", InstanceId="i-missing-1")) == NOT_FOUND


def test_the_instance_region_follows_what_the_sdk_sends(ecs: Caller, control: Control) -> None:
    # The classic SDK adds its client's RegionId (cn-hangzhou) to every call, and the instance
    # must then be in that region; the Tea SDKs send none, and the instance's own region applies.
    if ecs.name == "classic":
        assert refusal(lambda: ecs.call("RebootInstance", InstanceId="i-shanghai-1")) == NOT_FOUND
        assert control.status("i-shanghai-1") == "Running"
    else:
        ecs.call("RebootInstance", InstanceId="i-shanghai-1")
        assert control.status("i-shanghai-1") == "Stopping"


# -- DescribeRegions --------------------------------------------------------------------------


LANGUAGE_NAMES = [("zh-CN", "华东1（杭州）"), ("en-US", "China (Hangzhou)"), ("ja", "中国 (杭州)")]


@pytest.mark.parametrize(("language", "name"), LANGUAGE_NAMES)
def test_describe_regions_names_regions_in_the_language_asked(
    ecs: Caller, control: Control, language: str, name: str
) -> None:
    control.load(
        {
            "regions": [
                {
                    "id": "cn-hangzhou",
                    "zones": ["cn-hangzhou-h", "cn-hangzhou-i"],
                    "local_names": dict(LANGUAGE_NAMES),
                }
            ]
        }
    )

    result = ecs.call("DescribeRegions", AcceptLanguage=language)

    assert result["Regions"]["Region"][0] == {
        "RegionId": "cn-hangzhou",
        "RegionEndpoint": "ecs.aliyuncs.com",
        "LocalName": name,
        "Status": "available",
    }
    assert [r["RegionId"] for r in result["Regions"]["Region"]] == ["cn-hangzhou", "cn-shanghai"]


def test_describe_regions_refuses_an_undocumented_language(ecs: Caller, control: Control) -> None:
    assert refusal(lambda: ecs.call("DescribeRegions", AcceptLanguage="tlh")) == (
        "InvalidParameter",
        400,
        'The specified parameter "AcceptLanguage" is not valid.',
    )
