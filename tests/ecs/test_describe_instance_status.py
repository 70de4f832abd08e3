"""DescribeInstanceStatus, spec §6: every parameter, every error, XML and JSON, paging, and the
status as the mock clock sees it."""

from __future__ import annotations

import pytest
from lxml import etree
from starlette.testclient import TestClient

from tests.ecs.calls import advance, error_of, freeze, ok, seed
from tests.support.api import Api

WORLD_HANGZHOU = [
    "i-running-1",
    "i-running-2",
    "i-running-3",
    "i-stopped-1",
    "i-pending-1",
    "i-security-1",
    "i-financial-1",
    "i-recycling-1",
]


def statuses(body: dict[str, object]) -> list[tuple[str, str]]:
    wrapper = body["InstanceStatuses"]
    assert isinstance(wrapper, dict)
    return [(entry["InstanceId"], entry["Status"]) for entry in wrapper["InstanceStatus"]]


def describe(api: Api, **params: str) -> dict[str, object]:
    return ok(api.v1("DescribeInstanceStatus", {"RegionId": "cn-hangzhou", **params}))


# -- parameters and errors ------------------------------------------------------------------


def test_region_is_required(api: Api) -> None:
    assert error_of(api.v1("DescribeInstanceStatus", {})) == (
        400,
        "MissingRegionId",
        "RegionId is mandatory for this action.",
    )


def test_an_unknown_region_is_refused(api: Api) -> None:
    response = api.v1("DescribeInstanceStatus", {"RegionId": "xx-nowhere-1"})

    assert error_of(response) == (404, "InvalidRegionId.NotFound", "The specified RegionId does not exist.")


def test_an_unknown_zone_is_refused(api: Api) -> None:
    response = api.v1("DescribeInstanceStatus", {"RegionId": "cn-hangzhou", "ZoneId": "cn-shanghai-e"})

    assert error_of(response) == (
        404,
        "InvalidZoneId.NotFound",
        "The ZoneId provided does not exist in our records.",
    )


def test_one_hundred_ids_are_accepted_and_one_hundred_and_one_refused(api: Api) -> None:
    ids = {f"InstanceId.{n}": f"i-x{n}" for n in range(1, 102)}
    hundred = {k: v for k, v in ids.items() if k != "InstanceId.101"}

    assert describe(api, **hundred)["TotalCount"] == 0
    assert error_of(api.v1("DescribeInstanceStatus", {"RegionId": "cn-hangzhou", **ids})) == (
        403,
        "InvalidParameter.TooManyInstanceIds",
        "Instance ids cannot be more than 100.",
    )


def test_malformed_ids_are_refused(api: Api) -> None:
    response = api.v1("DescribeInstanceStatus", {"RegionId": "cn-hangzhou", "InstanceId.1": "i_bad!"})

    assert error_of(response) == (
        403,
        "Abs.InvalidInstanceIds.MalFormed",
        "The specified instanceIds is not valid.",
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PageSize", "0"),
        ("PageSize", "51"),
        ("PageSize", "ten"),
        ("PageNumber", "0"),
        ("PageNumber", "-1"),
        ("PageNumber", "2147483648"),
    ],
)
def test_bad_paging_values_are_refused_by_name(api: Api, name: str, value: str) -> None:
    response = api.v1("DescribeInstanceStatus", {"RegionId": "cn-hangzhou", name: value})

    assert error_of(response) == (400, "InvalidParameter", f'The specified parameter "{name}" is not valid.')


# -- what it lists --------------------------------------------------------------------------


def test_lists_the_callers_instances_in_the_region_in_creation_order(api: Api) -> None:
    body = describe(api, PageSize="50")

    assert [instance_id for instance_id, _ in statuses(body)] == WORLD_HANGZHOU
    assert body["TotalCount"] == len(WORLD_HANGZHOU)


def test_defaults_to_the_first_page_of_ten(api: Api, client: TestClient) -> None:
    seed(client, 5)

    body = describe(api)

    assert (body["PageNumber"], body["PageSize"], body["TotalCount"]) == (1, 10, 13)
    assert len(statuses(body)) == 10


def test_pages_hold_each_instance_exactly_once(api: Api, client: TestClient) -> None:
    seed(client, 15)

    seen = [
        entry for page in (1, 2, 3) for entry in statuses(describe(api, PageSize="10", PageNumber=str(page)))
    ]

    assert len(seen) == 23
    assert len({instance_id for instance_id, _ in seen}) == 23


def test_a_page_past_the_end_is_empty(api: Api) -> None:
    body = describe(api, PageNumber="9")

    assert (statuses(body), body["TotalCount"]) == ([], len(WORLD_HANGZHOU))


def test_the_largest_page_number_is_a_page_past_the_end(api: Api) -> None:
    body = describe(api, PageNumber="2147483647")

    assert (statuses(body), body["PageNumber"]) == ([], 2147483647)


def test_the_zone_filters(api: Api) -> None:
    assert statuses(describe(api, ZoneId="cn-hangzhou-i")) == [("i-running-3", "Running")]


def test_ids_filter_and_unknown_or_foreign_ids_are_left_out(api: Api) -> None:
    body = describe(
        api,
        **{
            "InstanceId.1": "i-stopped-1",
            "InstanceId.2": "i-other-1",
            "InstanceId.3": "i-nope",
            "InstanceId.4": "i-running-1",
        },
    )

    assert statuses(body) == [("i-running-1", "Running"), ("i-stopped-1", "Stopped")]
    assert body["TotalCount"] == 2


def test_another_accounts_instances_are_not_listed(api: Api) -> None:
    body = ok(
        api.v1("DescribeInstanceStatus", {"RegionId": "cn-hangzhou"}, key="otherAKID", secret="otherSecret")
    )

    assert statuses(body) == [("i-other-1", "Running")]


def test_status_follows_a_reboot_under_a_moving_clock(api: Api, client: TestClient) -> None:
    freeze(client)
    ok(api.reboot("i-running-1"))
    seen = [dict(statuses(describe(api, **{"InstanceId.1": "i-running-1"})))["i-running-1"]]
    for _ in range(3):
        advance(client, 6)  # phases of 5 s each (the default)
        seen.append(dict(statuses(describe(api, **{"InstanceId.1": "i-running-1"})))["i-running-1"])

    assert seen == ["Stopping", "Starting", "Running", "Running"]


def test_the_answer_is_numbers_in_json_and_documented_order(api: Api) -> None:
    body = describe(api, PageSize="1")

    assert list(body) == ["RequestId", "PageSize", "PageNumber", "TotalCount", "InstanceStatuses"]
    assert list(body["InstanceStatuses"]["InstanceStatus"][0]) == ["Status", "InstanceId"]  # type: ignore[index]
    assert isinstance(body["TotalCount"], int)


def test_the_answer_is_xml_when_asked(api: Api) -> None:
    response = api.v1("DescribeInstanceStatus", {"RegionId": "cn-hangzhou", "Format": "XML", "PageSize": "2"})

    root = etree.fromstring(response.content)
    assert root.tag == "DescribeInstanceStatusResponse"
    assert [child.tag for child in root] == [
        "RequestId",
        "PageSize",
        "PageNumber",
        "TotalCount",
        "InstanceStatuses",
    ]
    assert [(e.findtext("InstanceId"), e.findtext("Status")) for e in root.iter("InstanceStatus")] == [
        ("i-running-1", "Running"),
        ("i-running-2", "Running"),
    ]


def test_an_empty_answer_has_an_empty_list(api: Api) -> None:
    body = describe(api, **{"InstanceId.1": "i-nope"})
    xml = api.v1(
        "DescribeInstanceStatus", {"RegionId": "cn-hangzhou", "InstanceId.1": "i-nope", "Format": "XML"}
    )

    assert body["InstanceStatuses"] == {"InstanceStatus": []}
    assert b"<InstanceStatuses></InstanceStatuses>" in xml.content


def test_v3_requests_are_answered_too(api: Api) -> None:
    body = ok(api.v3("DescribeInstanceStatus", {"RegionId": "cn-shanghai"}))

    assert statuses(body) == [("i-shanghai-1", "Running")]
