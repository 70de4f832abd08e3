"""DescribeInstances, spec §6: every parameter, every documented error, XML and JSON, the
documented key order, filters, both paging styles, and status under a moving mock clock."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from lxml import etree
from starlette.testclient import TestClient

from mock_ecs.ecs.paging import Cursor, encode_token
from tests.ecs.calls import OWNER, advance, error_of, freeze, ok, seed
from tests.support.api import Api

HANGZHOU = [
    "i-running-1",
    "i-running-2",
    "i-running-3",
    "i-stopped-1",
    "i-pending-1",
    "i-security-1",
    "i-financial-1",
    "i-recycling-1",
]
# The documented example's order (help.aliyun.com DescribeInstances, sample response).
INSTANCE_KEYS = [
    "ResourceGroupId", "Memory", "InstanceChargeType", "Cpu", "OSName", "InstanceNetworkType",
    "InnerIpAddress", "ExpiredTime", "ImageId", "EipAddress", "HostName", "VlanId", "Status",
    "MetadataOptions", "InstanceId", "StoppedMode", "CpuOptions", "StartTime", "DeletionProtection",
    "SecurityGroupIds", "VpcAttributes", "InternetChargeType", "InstanceName", "DeploymentSetId",
    "InternetMaxBandwidthOut", "SerialNumber", "OSType", "CreationTime", "AutoReleaseTime",
    "Description", "InstanceTypeFamily", "DedicatedInstanceAttribute", "PublicIpAddress", "GPUSpec",
    "NetworkInterfaces", "SpotPriceLimit", "DeviceAvailable", "SaleCycle", "InstanceType", "OSNameEn",
    "SpotStrategy", "KeyPairName", "IoOptimized", "ZoneId", "ClusterId", "EcsCapacityReservationAttr",
    "DedicatedHostAttribute", "GPUAmount", "OperationLocks", "InternetMaxBandwidthIn", "Recyclable",
    "RegionId", "CreditSpecification",
]  # fmt: skip


def describe(api: Api, **params: str) -> dict[str, Any]:
    return ok(api.v1("DescribeInstances", {"RegionId": "cn-hangzhou", "PageSize": "100", **params}))


def refusal(api: Api, **params: str) -> tuple[int, str, str]:
    return error_of(api.v1("DescribeInstances", {"RegionId": "cn-hangzhou", **params}))


def instances(body: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = body["Instances"]["Instance"]
    return found


def ids(body: dict[str, Any]) -> list[str]:
    return [instance["InstanceId"] for instance in instances(body)]


def one(api: Api, instance_id: str) -> dict[str, Any]:
    (found,) = instances(describe(api, InstanceIds=json.dumps([instance_id])))
    return found


# -- request-level errors -------------------------------------------------------------------


def test_region_is_required(api: Api) -> None:
    assert error_of(api.v1("DescribeInstances", {})) == (
        400,
        "MissingRegionId",
        "RegionId is mandatory for this action.",
    )


def test_an_unknown_region_is_refused(api: Api) -> None:
    assert refusal(api, RegionId="xx-nowhere-1") == (
        404,
        "InvalidRegionId.NotFound",
        "The specified RegionId does not exist.",
    )


@pytest.mark.parametrize("value", ["not json", '{"a": 1}', '"i-running-1"', '["i-1", 2]', "[null]"])
def test_instance_ids_must_be_a_json_array_of_strings(api: Api, value: str) -> None:
    assert refusal(api, InstanceIds=value) == (
        400,
        "InvalidParameter",
        'The specified parameter "InstanceIds" is not valid.',
    )


def test_one_hundred_instance_ids_are_accepted_and_one_hundred_and_one_refused(api: Api) -> None:
    hundred = [f"i-x{n}" for n in range(100)]

    assert describe(api, InstanceIds=json.dumps(hundred))["TotalCount"] == 0
    assert refusal(api, InstanceIds=json.dumps([*hundred, "i-one-more"])) == (
        403,
        "InvalidParameter.TooManyInstanceIds",
        "Instance ids cannot be more than 100.",
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("Status", "Deleted", (404, "InvalidStatus.NotFound", "The specified Status is not found")),
        ("Status", "running", (404, "InvalidStatus.NotFound", "The specified Status is not found")),
        ("LockReason", "bored", (404, "InvalidLockReason.NotFound", "The specified LockReason is not found")),
        (
            "InstanceChargeType",
            "Free",
            (
                404,
                "InvalidInstanceChargeType.NotFound",
                "The InstanceChargeType does not exist in our records",
            ),
        ),
        (
            "InternetChargeType",
            "PayByHour",
            (
                404,
                "InvalidInternetChargeType.ValueNotSupported",
                "The specified InternetChargeType is not valid",
            ),
        ),
        (
            "InstanceNetworkType",
            "vlan",
            (404, "InvalidNetworkType.NotFound", "The specified InstanceNetworkType is not found"),
        ),
    ],
)
def test_a_bad_filter_value_answers_its_documented_error(
    api: Api, name: str, value: str, expected: tuple[int, str, str]
) -> None:
    assert refusal(api, **{name: value}) == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [("PageSize", "0"), ("PageSize", "101"), ("PageSize", "x"), ("PageNumber", "0"), ("IoOptimized", "yes"),
     ("DryRun", "maybe"), ("PrivateIpAddresses", "[1]"), ("PublicIpAddresses", "nope")],
)  # fmt: skip
def test_bad_values_are_refused_by_name(api: Api, name: str, value: str) -> None:
    assert refusal(api, **{name: value}) == (
        400,
        "InvalidParameter",
        f'The specified parameter "{name}" is not valid.',
    )


def test_max_results_above_one_hundred_is_refused(api: Api) -> None:
    assert refusal(api, MaxResults="101") == (
        400,
        "InvalidParameter.MaxResults",
        "The specified parameter MaxResults is not valid.",
    )


@pytest.mark.parametrize("token", ["nonsense", "00", "caeba0bbb2be03f84eb48b699f0a4883"])
def test_a_next_token_the_mock_did_not_give_is_refused(api: Api, token: str) -> None:
    assert refusal(api, NextToken=token) == (
        400,
        "InvalidParameter.NextToken",
        "The specified parameter NextToken is not valid.",
    )


def test_a_well_formed_token_past_any_creation_number_is_refused(api: Api) -> None:
    forged = encode_token(Cursor(after_seq=2**63, page_number=1))

    assert refusal(api, NextToken=forged)[1] == "InvalidParameter.NextToken"


def test_more_than_twenty_tags_are_refused(api: Api) -> None:
    tags = {f"Tag.{n}.Key": f"k{n}" for n in range(1, 22)}

    assert refusal(api, **tags) == (
        400,
        "InvalidTagCount",
        "The specified tags are beyond the permitted range.",
    )


def test_a_tag_value_without_its_key_is_refused(api: Api) -> None:
    assert refusal(api, **{"Tag.1.Value": "prod"}) == (
        400,
        "InvalidTag.Mismatch",
        "The specified Tag.n.Key and Tag.n.Value are not match.",
    )


def test_a_passing_dry_run_answers_dry_run_operation(api: Api) -> None:
    assert refusal(api, DryRun="true") == (
        400,
        "DryRunOperation",
        "Request validation has been passed with DryRun flag set.",
    )


def test_a_dry_run_still_checks_the_filters(api: Api) -> None:
    assert refusal(api, DryRun="true", Status="Gone")[1] == "InvalidStatus.NotFound"


# -- the answer -----------------------------------------------------------------------------


def test_lists_the_callers_instances_in_the_region_in_creation_order(api: Api) -> None:
    body = describe(api)

    assert ids(body) == HANGZHOU
    assert body["TotalCount"] == len(HANGZHOU)


def test_top_level_keys_follow_the_documented_order_with_numbers(api: Api) -> None:
    body = describe(api, PageSize="2")

    assert list(body) == ["RequestId", "Instances", "TotalCount", "NextToken", "PageSize", "PageNumber"]
    assert (body["TotalCount"], body["PageSize"], body["PageNumber"]) == (8, 2, 1)


def test_instance_keys_follow_the_documented_order(api: Api) -> None:
    assert list(one(api, "i-running-1")) == INSTANCE_KEYS


def test_a_tagged_instance_shows_its_tags_after_its_host_name(api: Api) -> None:
    keys = list(one(api, "i-running-3"))

    assert keys[keys.index("HostName") + 1] == "Tags"
    assert one(api, "i-running-3")["Tags"] == {
        "Tag": [{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "team", "TagValue": "web"}]
    }


def test_an_instance_shows_believable_attributes(api: Api) -> None:
    instance = one(api, "i-running-3")

    assert {k: instance[k] for k in ("InstanceId", "InstanceName", "Status", "RegionId", "ZoneId")} == {
        "InstanceId": "i-running-3",
        "InstanceName": "i-running-3",
        "Status": "Running",
        "RegionId": "cn-hangzhou",
        "ZoneId": "cn-hangzhou-i",
    }
    assert (instance["InstanceType"], instance["Cpu"], instance["Memory"]) == ("ecs.g7.large", 2, 8192)
    assert (instance["OSType"], instance["OSName"]) == ("linux", "Alibaba Cloud Linux  3.2104 LTS 64位")
    assert (instance["HostName"], instance["Description"], instance["KeyPairName"]) == (
        "iZrunning-3Z",
        "the web tier",
        "deploy-key",
    )
    assert (instance["InstanceChargeType"], instance["ExpiredTime"]) == ("PostPaid", "2099-12-31T15:59Z")
    assert (instance["InstanceNetworkType"], instance["StoppedMode"]) == ("vpc", "Not-applicable")
    assert instance["OperationLocks"] == {"LockReason": []}
    vpc = instance["VpcAttributes"]
    assert vpc["VpcId"].startswith("vpc-bp1")
    assert vpc["VSwitchId"].startswith("vsw-bp1")
    assert instance["SecurityGroupIds"]["SecurityGroupId"][0].startswith("sg-bp1")
    assert vpc["PrivateIpAddress"]["IpAddress"][0].startswith("172.")


def test_times_are_utc_to_the_minute(api: Api) -> None:
    instance = one(api, "i-running-1")

    for key in ("CreationTime", "StartTime"):
        assert len(instance[key]) == len("2024-04-14T22:32Z")
        assert instance[key].endswith("Z")


def test_private_addresses_differ_between_instances(api: Api) -> None:
    addresses = [i["VpcAttributes"]["PrivateIpAddress"]["IpAddress"][0] for i in instances(describe(api))]

    assert len(set(addresses)) == len(addresses)


def test_instances_of_one_account_and_region_share_a_vpc(api: Api) -> None:
    assert len({i["VpcAttributes"]["VpcId"] for i in instances(describe(api))}) == 1


def test_locks_show_reason_and_message(api: Api) -> None:
    assert one(api, "i-financial-1")["OperationLocks"] == {
        "LockReason": [{"LockReason": "financial", "LockMsg": "overdue"}]
    }


def test_a_stopped_instance_reports_keep_charging_by_default(api: Api) -> None:
    assert one(api, "i-stopped-1")["StoppedMode"] == "KeepCharging"


def test_a_prepaid_instance_shows_its_expiry(api: Api, client: TestClient) -> None:
    seed(client, 1, instance_charge_type="PrePaid", expired_time="2030-01-02T03:04:59Z")

    instance = one(api, "i-seed-0000")

    assert (instance["InstanceChargeType"], instance["ExpiredTime"]) == ("PrePaid", "2030-01-02T03:04Z")


def test_a_public_bandwidth_gives_a_public_address(api: Api, client: TestClient) -> None:
    seed(client, 1, internet_max_bandwidth_out=5)

    instance = one(api, "i-seed-0000")

    assert instance["InternetMaxBandwidthOut"] == 5
    assert len(instance["PublicIpAddress"]["IpAddress"]) == 1


def test_status_and_start_time_follow_a_reboot_under_a_moving_clock(api: Api, client: TestClient) -> None:
    freeze(client)
    ok(api.reboot("i-running-1"))
    seen = []
    for _ in range(3):
        instance = one(api, "i-running-1")
        seen.append((instance["Status"], instance["StoppedMode"]))
        advance(client, 6)  # phases of 5 s each (the default)
    now = client.get("/_mock/clock").json()["epoch"]

    assert seen == [
        ("Stopping", "Not-applicable"),
        ("Starting", "Not-applicable"),
        ("Running", "Not-applicable"),
    ]
    # The reboot ended 10 s after it began, 8 s before now.
    assert one(api, "i-running-1")["StartTime"] == time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(now - 8))


def test_the_answer_is_xml_when_asked_with_paging_at_the_top(api: Api) -> None:
    response = api.v1("DescribeInstances", {"RegionId": "cn-hangzhou", "Format": "XML", "PageSize": "1"})

    root = etree.fromstring(response.content)
    assert [child.tag for child in root] == [
        "RequestId",
        "Instances",
        "TotalCount",
        "NextToken",
        "PageSize",
        "PageNumber",
    ]
    assert (root.findtext("TotalCount"), root.findtext("PageSize"), root.findtext("PageNumber")) == (
        "8",
        "1",
        "1",
    )
    instance = root.find("Instances/Instance")
    assert instance is not None
    assert [child.tag for child in instance] == INSTANCE_KEYS
    assert instance.findtext("SecurityGroupIds/SecurityGroupId", "").startswith("sg-")
    assert b"<OperationLocks></OperationLocks>" in response.content


def test_v3_requests_are_answered_in_json(api: Api) -> None:
    body = ok(api.v3("DescribeInstances", {"RegionId": "cn-shanghai"}))

    assert ids(body) == ["i-shanghai-1"]


# -- filters --------------------------------------------------------------------------------


def test_an_empty_instance_ids_array_matches_nothing(api: Api) -> None:
    assert describe(api, InstanceIds="[]")["TotalCount"] == 0


def test_instance_ids_filter_leaving_out_foreign_and_unknown_ones(api: Api) -> None:
    body = describe(
        api, InstanceIds=json.dumps(["i-stopped-1", "i-other-1", "i-shanghai-1", "i-nope", "i-running-2"])
    )

    assert ids(body) == ["i-running-2", "i-stopped-1"]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("Status", "Stopped", ["i-stopped-1"]),
        ("Status", "Pending", ["i-pending-1"]),
        ("LockReason", "security", ["i-security-1"]),
        ("LockReason", "Recycling", ["i-recycling-1"]),
        ("ZoneId", "cn-hangzhou-i", ["i-running-3"]),
        ("InstanceName", "i-running-2", ["i-running-2"]),
        ("InstanceName", "i-run*", ["i-running-1", "i-running-2", "i-running-3"]),
        ("InstanceName", "*-1", ["i-running-1", "i-stopped-1", "i-pending-1", "i-security-1", "i-financial-1",
                                 "i-recycling-1"]),
        ("InstanceName", "I-RUN*", []),
        ("InstanceName", "i-running", []),
        ("KeyPairName", "deploy-key", ["i-running-3"]),
        ("InstanceNetworkType", "classic", []),
        ("InstanceChargeType", "PrePaid", []),
        ("InternetChargeType", "PayByBandwidth", []),
        ("EipAddresses", '["47.1.1.1"]', []),
        ("InnerIpAddresses", '["10.0.0.1"]', []),
        ("Tag.1.Key", "team", ["i-running-3"]),
    ],
)  # fmt: skip
def test_filters(api: Api, name: str, value: str, expected: list[str]) -> None:
    body = describe(api, **{name: value})

    assert ids(body) == expected
    assert body["TotalCount"] == len(expected)


def test_attribute_filters_match_the_shown_values(api: Api) -> None:
    shown = one(api, "i-running-3")
    for name, value in [
        ("VpcId", shown["VpcAttributes"]["VpcId"]),
        ("InstanceType", shown["InstanceType"]),
        ("InstanceTypeFamily", shown["InstanceTypeFamily"]),
        ("ImageId", shown["ImageId"]),
        ("SecurityGroupId", shown["SecurityGroupIds"]["SecurityGroupId"][0]),
        ("InstanceNetworkType", "vpc"),
        ("IoOptimized", "true"),
    ]:
        assert "i-running-3" in ids(describe(api, **{name: value})), name

    assert ids(describe(api, VSwitchId=shown["VpcAttributes"]["VSwitchId"])) == ["i-running-3"]
    address = shown["VpcAttributes"]["PrivateIpAddress"]["IpAddress"][0]
    assert ids(describe(api, PrivateIpAddresses=json.dumps([address]))) == ["i-running-3"]


def test_an_instance_type_family_is_not_a_prefix_of_another(api: Api, client: TestClient) -> None:
    seed(client, 1, instance_type="ecs.g7ne.large")

    assert "i-seed-0000" not in ids(describe(api, InstanceTypeFamily="ecs.g7"))
    assert ids(describe(api, InstanceTypeFamily="ecs.g7ne")) == ["i-seed-0000"]


def test_tags_filter_by_key_and_value_together(api: Api) -> None:
    assert ids(describe(api, **{"Tag.1.Key": "env", "Tag.1.Value": "prod", "Tag.2.Key": "team"})) == [
        "i-running-3"
    ]
    assert ids(describe(api, **{"Tag.1.Key": "env", "Tag.1.Value": "dev"})) == []


def test_filters_combine_with_and(api: Api) -> None:
    assert ids(describe(api, Status="Running", ZoneId="cn-hangzhou-h", InstanceName="i-ru*")) == [
        "i-running-1",
        "i-running-2",
    ]


def test_an_empty_filter_value_does_not_filter(api: Api) -> None:
    assert describe(api, Status="", ZoneId="", InstanceName="")["TotalCount"] == len(HANGZHOU)


def test_the_status_filter_follows_the_clock(api: Api, client: TestClient) -> None:
    freeze(client)
    ok(api.reboot("i-running-1", "i-running-2"))

    stopping = describe(api, Status="Stopping")
    advance(client, 6)
    starting = describe(api, Status="Starting")
    advance(client, 6)
    running = describe(api, Status="Running", PageSize="2")

    assert (ids(stopping), stopping["TotalCount"]) == (["i-running-1", "i-running-2"], 2)
    assert (ids(starting), starting["TotalCount"]) == (["i-running-1", "i-running-2"], 2)
    assert (ids(running), running["TotalCount"]) == (["i-running-1", "i-running-2"], 6)


# -- paging ---------------------------------------------------------------------------------


def test_pages_by_number_hold_each_instance_once(api: Api, client: TestClient) -> None:
    seed(client, 17)

    pages = [describe(api, PageSize="10", PageNumber=str(n)) for n in (1, 2, 3, 4)]

    listed = [instance_id for page in pages for instance_id in ids(page)]
    assert len(listed) == len(set(listed)) == 25
    assert [len(ids(page)) for page in pages] == [10, 10, 5, 0]
    assert [page["TotalCount"] for page in pages] == [25] * 4


def test_next_token_pages_hold_each_instance_once_and_end_with_an_empty_token(
    api: Api, client: TestClient
) -> None:
    seed(client, 17)
    listed: list[str] = []
    numbers = []
    body = describe(api, MaxResults="10")
    for _ in range(5):
        listed += ids(body)
        numbers.append(body["PageNumber"])
        if not body["NextToken"]:
            break
        body = describe(api, MaxResults="10", NextToken=body["NextToken"])

    assert len(listed) == len(set(listed)) == 25
    assert numbers == [1, 2, 3]
    assert body["NextToken"] == ""


def test_next_token_overrides_page_number_and_size(api: Api) -> None:
    first = describe(api, MaxResults="3")

    second = describe(api, NextToken=first["NextToken"], PageNumber="7", PageSize="1")

    assert ids(second) == HANGZHOU[3:8][:10]
    assert second["PageSize"] == 10


def test_a_page_by_number_gives_the_token_of_the_next(api: Api) -> None:
    first = describe(api, PageSize="5")

    assert ids(describe(api, NextToken=first["NextToken"], MaxResults="5")) == HANGZHOU[5:]


def test_next_token_keeps_its_place_when_earlier_instances_are_added(api: Api, client: TestClient) -> None:
    first = describe(api, MaxResults="4")
    seed(client, 2)

    assert ids(describe(api, MaxResults="10", NextToken=first["NextToken"])) == [
        *HANGZHOU[4:],
        "i-seed-0000",
        "i-seed-0001",
    ]


def test_the_last_page_has_an_empty_next_token(api: Api) -> None:
    assert describe(api)["NextToken"] == ""


def test_filters_apply_across_token_pages(api: Api, client: TestClient) -> None:
    seed(client, 6, status="Stopped")
    first = describe(api, Status="Stopped", MaxResults="4")

    second = describe(api, Status="Stopped", MaxResults="4", NextToken=first["NextToken"])

    assert ids(first) + ids(second) == ["i-stopped-1", *[f"i-seed-{n:04d}" for n in range(6)]]
    assert second["NextToken"] == ""


def test_another_accounts_instances_are_never_listed(api: Api) -> None:
    body = ok(api.v1("DescribeInstances", {"RegionId": "cn-hangzhou"}, key="otherAKID", secret="otherSecret"))

    assert ids(body) == ["i-other-1"]
    assert OWNER not in json.dumps(body)
