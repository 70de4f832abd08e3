"""DescribeInstances and DescribeInstanceStatus through each official Python SDK, against a
real server on 127.0.0.1: polling a reboot under a stepped clock, paging, filters."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as tea_models
from alibabacloud_tea_openapi import exceptions as tea_exceptions
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkecs.request.v20140526.DescribeInstancesRequest import DescribeInstancesRequest
from aliyunsdkecs.request.v20140526.DescribeInstanceStatusRequest import DescribeInstanceStatusRequest

from tests.e2e.flavours import ClassicV1, Flavour, FlavourFactory, Tea
from tests.support.control import Control

OWNER = "1000000000000001"
SEEDED = 250
WORLD_HANGZHOU = 8


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def call(flavour: Flavour, action: str, **params: Any) -> dict[str, Any]:
    """``action`` through the flavour's own SDK; API parameters by their API names."""
    params = {"RegionId": "cn-hangzhou", **params}
    if isinstance(flavour, ClassicV1):
        request = {
            "DescribeInstances": DescribeInstancesRequest,
            "DescribeInstanceStatus": DescribeInstanceStatusRequest,
        }[action]()
        request.set_endpoint("127.0.0.1")
        request.set_protocol_type("http")
        for name, value in params.items():
            if name == "InstanceId":
                request.set_InstanceIds(value)  # the classic SDK's name for InstanceId.N
            else:
                request.add_query_param(name, value)
        result: dict[str, Any] = json.loads(flavour.sdk.client.do_action_with_exception(request))
        return result
    assert isinstance(flavour, Tea)
    model = {
        "DescribeInstances": tea_models.DescribeInstancesRequest,
        "DescribeInstanceStatus": tea_models.DescribeInstanceStatusRequest,
    }[action]
    method = getattr(flavour.client, _snake(action))
    response = method(model(**{_snake(name): value for name, value in params.items()}))
    body: dict[str, Any] = response.body.to_map()
    return body


def error_code(flavour: Flavour, action: str, **params: Any) -> tuple[str, int | None]:
    try:
        call(flavour, action, **params)
    except ServerException as error:
        return error.get_error_code(), error.get_http_status()
    except tea_exceptions.AlibabaCloudException as error:
        return str(error.code), error.status_code
    raise AssertionError("no error")


def ids(body: dict[str, Any]) -> list[str]:
    return [instance["InstanceId"] for instance in body["Instances"]["Instance"]]


def seed(control: Control, count: int) -> list[str]:
    document = {
        "instances": [
            {"id": f"i-page-{n:04d}", "account": OWNER, "region": "cn-hangzhou", "name": f"page-{n:04d}"}
            for n in range(count)
        ]
    }
    created: list[str] = control.load(document)["instances"]
    return created


def test_polling_a_reboot_sees_stopping_starting_running(
    sdk_flavour: FlavourFactory, control: Control
) -> None:
    flavour = sdk_flavour()
    control.freeze()
    flavour.reboot(["i-running-1"])
    seen = []
    for _ in range(4):
        body = call(flavour, "DescribeInstanceStatus", InstanceId=["i-running-1"])
        seen.append(body["InstanceStatuses"]["InstanceStatus"][0]["Status"])
        control.advance(4)  # phases of 5 s each (the server's default)

    assert seen == ["Stopping", "Stopping", "Starting", "Running"]


def test_describe_instances_shows_the_status_the_clock_sees(
    sdk_flavour: FlavourFactory, control: Control
) -> None:
    flavour = sdk_flavour()
    control.freeze()
    flavour.reboot(["i-running-2"])

    during = call(flavour, "DescribeInstances", InstanceIds=json.dumps(["i-running-2"]))
    control.advance(11)
    after = call(flavour, "DescribeInstances", InstanceIds=json.dumps(["i-running-2"]))

    assert during["Instances"]["Instance"][0]["Status"] == "Stopping"
    assert after["Instances"]["Instance"][0]["Status"] == "Running"


def test_pages_by_number_list_every_instance_once(sdk_flavour: FlavourFactory, control: Control) -> None:
    flavour = sdk_flavour()
    seeded = seed(control, SEEDED)
    listed: list[str] = []
    totals = set()
    for page in range(1, 5):
        body = call(flavour, "DescribeInstances", PageSize=100, PageNumber=page)
        listed += ids(body)
        totals.add(body["TotalCount"])

    assert len(listed) == len(set(listed)) == SEEDED + WORLD_HANGZHOU
    assert set(seeded) <= set(listed)
    assert totals == {SEEDED + WORLD_HANGZHOU}


def test_next_token_pages_list_every_instance_once(sdk_flavour: FlavourFactory, control: Control) -> None:
    flavour = sdk_flavour()
    seed(control, SEEDED)
    listed: list[str] = []
    body = call(flavour, "DescribeInstances", MaxResults=100)
    for _ in range(5):
        listed += ids(body)
        if not body["NextToken"]:
            break
        body = call(flavour, "DescribeInstances", MaxResults=100, NextToken=body["NextToken"])

    assert len(listed) == len(set(listed)) == SEEDED + WORLD_HANGZHOU
    assert body["NextToken"] == ""


def test_filters_reach_the_server(sdk_flavour: FlavourFactory, control: Control) -> None:
    flavour = sdk_flavour()
    seed(control, 12)

    by_name = call(flavour, "DescribeInstances", InstanceName="page-000*", PageSize=50)
    by_status = call(flavour, "DescribeInstances", Status="Stopped")
    by_lock = call(flavour, "DescribeInstances", LockReason="security")
    by_zone = call(flavour, "DescribeInstanceStatus", ZoneId="cn-hangzhou-i")

    assert ids(by_name) == [f"i-page-{n:04d}" for n in range(10)]
    assert ids(by_status) == ["i-stopped-1"]
    assert ids(by_lock) == ["i-security-1"]
    assert by_zone["InstanceStatuses"]["InstanceStatus"] == [
        {"Status": "Running", "InstanceId": "i-running-3"}
    ]


def test_the_sdk_reads_the_instance_attributes(sdk_flavour: FlavourFactory, control: Control) -> None:
    instance = call(sdk_flavour(), "DescribeInstances", InstanceIds=json.dumps(["i-running-3"]))["Instances"][
        "Instance"
    ][0]

    assert (instance["Cpu"], instance["Memory"], instance["OSType"]) == (2, 8192, "linux")
    assert instance["VpcAttributes"]["VpcId"].startswith("vpc-")
    assert instance["OperationLocks"]["LockReason"] == []
    assert instance["Tags"]["Tag"] == [
        {"TagKey": "env", "TagValue": "prod"},
        {"TagKey": "team", "TagValue": "web"},
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"Status": "Gone"}, ("InvalidStatus.NotFound", 404)),
        ({"LockReason": "x"}, ("InvalidLockReason.NotFound", 404)),
    ],
)
def test_bad_filters_answer_their_errors_to_the_sdk(
    sdk_flavour: FlavourFactory, control: Control, params: dict[str, str], expected: tuple[str, int]
) -> None:
    assert error_code(sdk_flavour(), "DescribeInstances", **params) == expected
