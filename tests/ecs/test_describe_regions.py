"""DescribeRegions (spec §6): every region, in listing order, named in the caller's language."""

# The Chinese names the service gives use full-width parentheses, as the fixtures do.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import yaml
from starlette.testclient import TestClient

from mock_ecs import Settings, create_app
from tests.ecs.calls import error_of, invalid
from tests.support.api import Api

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "default.yaml"
# Names in some languages only, to see each fall back.
NAMED = {
    "regions": [
        {
            "id": "cn-hangzhou",
            "zones": ["cn-hangzhou-h"],
            "local_names": {"zh-CN": "华东1（杭州）", "en-US": "China (Hangzhou)", "ja": "中国 (杭州)"},
        },
        {"id": "cn-shanghai", "zones": ["cn-shanghai-e"], "local_names": {"zh-CN": "华东2（上海）"}},
        {"id": "eu-west-1", "zones": ["eu-west-1a"], "local_names": {"en-US": "UK (London)"}},
        {"id": "xx-test-1", "zones": ["xx-test-1a"]},
    ]
}


def describe(api: Api, **params: str) -> httpx.Response:
    return api.v1("DescribeRegions", params)


def regions(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()["Regions"]["Region"]
    return listed


def names(response: httpx.Response) -> dict[str, str]:
    return {region["RegionId"]: region["LocalName"] for region in regions(response)}


@pytest.fixture
def named(client: TestClient) -> None:
    assert client.post("/_mock/fixtures", json=NAMED).status_code == 200


@pytest.fixture
def default_api() -> Iterator[Api]:
    """An app on the shipped fixtures/default.yaml."""
    app = create_app(Settings(db=":memory:", fixtures=DEFAULT_FIXTURES))
    with TestClient(app, base_url="http://mock-ecs.test:8080") as test_client:
        yield Api(test_client)


# -- parameters -------------------------------------------------------------------------------


def test_no_region_id_is_needed(api: Api) -> None:
    assert [region["RegionId"] for region in regions(describe(api))] == ["cn-hangzhou", "cn-shanghai"]


def test_a_region_id_given_is_ignored(api: Api) -> None:
    # The documented sample request sends one; the answer lists every region all the same.
    assert len(regions(describe(api, RegionId="cn-shanghai"))) == 2


def test_names_are_chinese_by_default(api: Api, named: None) -> None:
    assert names(describe(api))["cn-hangzhou"] == "华东1（杭州）"


@pytest.mark.parametrize(
    ("language", "name"), [("zh-CN", "华东1（杭州）"), ("en-US", "China (Hangzhou)"), ("ja", "中国 (杭州)")]
)
def test_names_follow_the_accept_language(api: Api, named: None, language: str, name: str) -> None:
    assert names(describe(api, AcceptLanguage=language))["cn-hangzhou"] == name


@pytest.mark.parametrize("language", ["zh-TW", "fr", "de", "ko"])
def test_other_documented_languages_fall_back_to_english(api: Api, named: None, language: str) -> None:
    assert names(describe(api, AcceptLanguage=language))["cn-hangzhou"] == "China (Hangzhou)"


def test_a_name_missing_in_english_falls_back_to_chinese(api: Api, named: None) -> None:
    assert names(describe(api, AcceptLanguage="en-US"))["cn-shanghai"] == "华东2（上海）"


def test_a_name_missing_in_chinese_falls_back_to_english(api: Api, named: None) -> None:
    assert names(describe(api, AcceptLanguage="zh-CN"))["eu-west-1"] == "UK (London)"


def test_a_region_without_any_name_is_named_by_its_id(api: Api, named: None) -> None:
    assert names(describe(api, AcceptLanguage="ja"))["xx-test-1"] == "xx-test-1"


@pytest.mark.parametrize("language", ["en", "EN-US", "zh_CN", "", "klingon"])
def test_an_undocumented_language_is_refused(api: Api, language: str) -> None:
    assert error_of(describe(api, AcceptLanguage=language)) == invalid("AcceptLanguage")


@pytest.mark.parametrize("charge_type", ["PrePaid", "PostPaid", "SpotWithPriceLimit", "SpotAsPriceGo"])
def test_every_documented_charge_type_lists_every_region(api: Api, charge_type: str) -> None:
    assert len(regions(describe(api, InstanceChargeType=charge_type))) == 2


@pytest.mark.parametrize("resource_type", ["instance", "Instance", "disk", "reservedinstance", "scu"])
def test_every_documented_resource_type_lists_every_region(api: Api, resource_type: str) -> None:
    assert len(regions(describe(api, ResourceType=resource_type))) == 2


@pytest.mark.parametrize(("name", "value"), [("InstanceChargeType", "Free"), ("ResourceType", "gpu")])
def test_undocumented_filter_values_are_refused(api: Api, name: str, value: str) -> None:
    assert error_of(describe(api, **{name: value})) == invalid(name)


def test_a_key_limited_to_describe_regions_may_call_it(api: Api) -> None:
    assert api.v1("DescribeRegions", {}, key="ramAKID", secret="ramSecret").status_code == 200


# -- the regions ------------------------------------------------------------------------------


def test_every_region_is_available(api: Api) -> None:
    assert {region["Status"] for region in regions(describe(api))} == {"available"}


@pytest.mark.parametrize(
    ("region_id", "endpoint"),
    [
        ("cn-hangzhou", "ecs.aliyuncs.com"),
        ("cn-qingdao", "ecs.aliyuncs.com"),
        ("cn-beijing", "ecs.aliyuncs.com"),
        ("cn-shanghai", "ecs.aliyuncs.com"),
        ("cn-shenzhen", "ecs.aliyuncs.com"),
        ("cn-hongkong", "ecs.aliyuncs.com"),
        ("ap-southeast-1", "ecs.aliyuncs.com"),
        ("us-east-1", "ecs.aliyuncs.com"),
        ("us-west-1", "ecs.aliyuncs.com"),
        ("cn-zhangjiakou", "ecs.cn-zhangjiakou.aliyuncs.com"),
        ("ap-northeast-1", "ecs.ap-northeast-1.aliyuncs.com"),
        ("eu-central-1", "ecs.eu-central-1.aliyuncs.com"),
        ("me-central-1", "ecs.me-central-1.aliyuncs.com"),
    ],
)
def test_each_region_names_its_endpoint(default_api: Api, region_id: str, endpoint: str) -> None:
    endpoints = {region["RegionId"]: region["RegionEndpoint"] for region in regions(describe(default_api))}

    assert endpoints[region_id] == endpoint


def test_regions_are_listed_in_fixture_order_with_new_ones_last(api: Api, client: TestClient) -> None:
    client.post("/_mock/fixtures", json={"regions": [{"id": "ap-northeast-1", "zones": ["ap-northeast-1a"]}]})

    assert [region["RegionId"] for region in regions(describe(api))] == [
        "cn-hangzhou",
        "cn-shanghai",
        "ap-northeast-1",
    ]


def test_the_default_fixtures_list_every_region_in_all_three_languages(default_api: Api) -> None:
    shipped = yaml.safe_load(DEFAULT_FIXTURES.read_text(encoding="utf-8"))["regions"]

    for language in ("zh-CN", "en-US", "ja"):
        listed = names(describe(default_api, AcceptLanguage=language))
        assert listed == {region["id"]: region["local_names"][language] for region in shipped}


def test_the_default_fixtures_name_hangzhou_and_tokyo_as_the_service_does(default_api: Api) -> None:
    assert names(describe(default_api))["cn-hangzhou"] == "华东1（杭州）"
    assert names(describe(default_api, AcceptLanguage="en-US"))["ap-northeast-1"] == "Japan (Tokyo)"
    assert names(describe(default_api, AcceptLanguage="ja"))["ap-northeast-1"] == "日本 (東京)"


# -- the answer's bytes -----------------------------------------------------------------------


def test_the_json_answer_in_documented_key_order(api: Api, named: None) -> None:
    response = describe(api, AcceptLanguage="en-US")

    request_id = response.headers["x-acs-request-id"]
    assert response.headers["content-type"] == "application/json;charset=utf-8"
    assert response.content.startswith(
        (
            f'{{"RequestId":"{request_id}","Regions":{{"Region":['
            '{"RegionId":"cn-hangzhou","RegionEndpoint":"ecs.aliyuncs.com",'
            '"LocalName":"China (Hangzhou)","Status":"available"},'
        ).encode()
    )


def test_the_xml_answer_carries_utf8_names(api: Api, named: None) -> None:
    response = describe(api, Format="XML")

    request_id = response.headers["x-acs-request-id"]
    assert response.headers["content-type"] == "text/xml;charset=utf-8"
    assert response.content.startswith(
        (
            "<?xml version='1.0' encoding='UTF-8'?><DescribeRegionsResponse>"
            f"<RequestId>{request_id}</RequestId><Regions><Region><RegionId>cn-hangzhou</RegionId>"
            "<RegionEndpoint>ecs.aliyuncs.com</RegionEndpoint><LocalName>华东1（杭州）</LocalName>"
            "<Status>available</Status></Region><Region><RegionId>cn-shanghai</RegionId>"
        ).encode()
    )


def test_a_one_region_list_is_still_an_array_in_json(tmp_path: Path) -> None:
    fixtures = tmp_path / "one-region.yaml"
    fixtures.write_text(
        "regions: [{id: cn-hangzhou, zones: [cn-hangzhou-h]}]\n"
        'accounts: [{id: "1", access_keys: [{id: testAKID, secret: testSecret}]}]\n',
        encoding="utf-8",
    )
    app = create_app(Settings(db=":memory:", fixtures=fixtures))
    with TestClient(app, base_url="http://mock-ecs.test:8080") as test_client:
        response = describe(Api(test_client))

    assert response.json()["Regions"] == {
        "Region": [
            {
                "RegionId": "cn-hangzhou",
                "RegionEndpoint": "ecs.aliyuncs.com",
                "LocalName": "cn-hangzhou",
                "Status": "available",
            }
        ]
    }


def test_v3_requests_describe_too(api: Api) -> None:
    response = api.v3("DescribeRegions", {"AcceptLanguage": "en-US"})

    assert [region["RegionId"] for region in regions(response)] == ["cn-hangzhou", "cn-shanghai"]
