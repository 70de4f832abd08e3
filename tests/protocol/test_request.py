"""Reading an HTTP request as an RPC call (spec §1, §5)."""

from __future__ import annotations

import pytest

from mock_ecs.protocol.request import Format, HttpRequest, RpcRequest, Scheme

FORM = {"content-type": "application/x-www-form-urlencoded"}


def _rpc(query: str = "", headers: dict[str, str] | None = None, body: bytes = b"") -> RpcRequest:
    return RpcRequest.parse(HttpRequest("POST", "/", query, headers or {}, body))


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("mock-ecs.test:8080", "mock-ecs.test"),
        ("ecs.aliyuncs.com", "ecs.aliyuncs.com"),
        ("127.0.0.1:35327", "127.0.0.1"),
        ("[::1]:8080", "[::1]"),
        ("[::1]", "[::1]"),
        ("", ""),
    ],
)
def test_host_name_is_the_host_without_its_port(host: str, name: str) -> None:
    assert HttpRequest("GET", "/", "", {"host": host}).host_name == name


def test_query_and_form_body_are_merged_query_first() -> None:
    request = _rpc(
        "Action=RebootInstances&RegionId=cn-hangzhou", FORM, b"InstanceId.1=i-1&RegionId=cn-shanghai"
    )
    assert request.pairs == [
        ("Action", "RebootInstances"),
        ("RegionId", "cn-hangzhou"),
        ("InstanceId.1", "i-1"),
        ("RegionId", "cn-shanghai"),
    ]
    assert request.params["RegionId"] == "cn-hangzhou"


def test_a_body_that_is_not_a_form_holds_no_parameters() -> None:
    assert _rpc("", {"content-type": "application/json"}, b"RegionId=cn-hangzhou").params == {}


def test_an_authorization_header_makes_a_v3_request() -> None:
    assert _rpc("", {"authorization": "ACS3-HMAC-SHA256 x"}).scheme is Scheme.V3
    assert _rpc("Signature=x").scheme is Scheme.V1


def test_a_v3_request_takes_action_and_version_from_headers_only() -> None:
    headers = {"authorization": "ACS3-HMAC-SHA256 x", "x-acs-action": "StopInstances", "x-acs-version": "v"}
    request = _rpc("Action=RebootInstances&Version=2014-05-26", headers)
    assert (request.action, request.version) == ("StopInstances", "v")


def test_a_v1_request_takes_action_and_version_from_parameters_only() -> None:
    request = _rpc("Action=RebootInstances&Version=2014-05-26", {"x-acs-action": "StopInstances"})
    assert (request.action, request.version) == ("RebootInstances", "2014-05-26")


@pytest.mark.parametrize(
    ("query", "headers", "expected"),
    [
        ("", {}, Format.XML),
        ("Format=json", {}, Format.JSON),
        ("Format=Xml", {"authorization": "ACS3-HMAC-SHA256 x"}, Format.XML),
        ("", {"authorization": "ACS3-HMAC-SHA256 x"}, Format.JSON),
        ("", {"authorization": "ACS3-HMAC-SHA256 x", "accept": "application/xml"}, Format.XML),
        ("", {"authorization": "ACS3-HMAC-SHA256 x", "accept": "text/xml, application/json"}, Format.JSON),
        ("Format=YAML", {}, Format.XML),
    ],
    ids=[
        "v1-default",
        "v1-format",
        "v3-format",
        "v3-default",
        "v3-accept-xml",
        "v3-accept-both",
        "bad-format",
    ],
)
def test_response_format(query: str, headers: dict[str, str], expected: Format) -> None:
    assert _rpc(query, headers).response_format() is expected
