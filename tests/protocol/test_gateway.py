"""The gateway (spec §1, §2 Decision, §5): routing, the order of checks, formats, the envelope."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

import mock_ecs.ecs
from mock_ecs import Settings, create_app
from mock_ecs.protocol.request import ApiCall
from tests.protocol.wire import (
    JSON,
    UPPER_CASE_UUID,
    XML,
    assert_error,
    read_envelope,
    sign_exact_v1,
    sign_exact_v3,
    v3_headers,
)
from tests.support.api import Api
from tests.support.signer import sign_v1

REBOOT = {"Action": "RebootInstances", "RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"}
NOT_FOUND = ("InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
BAD_FORMAT = ("InvalidParameter.Format", "Specified parameter format is not valid.")
INTERNAL = ("InternalError", "The request processing has failed due to some unknown error.")


def _unsigned(**params: str) -> str:
    return "/?" + "&".join(f"{name}={value}" for name, value in params.items())


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_another_method_on_the_endpoint_is_unsupported(api: Api, method: str) -> None:
    response = api.send(sign_v1(REBOOT, method=method))
    assert_error(response, 403, "UnsupportedHTTPMethod", "This HTTP method is not supported.")


def test_head_is_unsupported_and_carries_no_body(client: TestClient) -> None:
    response = client.head("/")
    assert (response.status_code, response.content) == (403, b"")
    assert UPPER_CASE_UUID.fullmatch(response.headers["x-acs-request-id"])


@pytest.mark.parametrize("path", ["/index.html", "/v1/", "/RebootInstances", "/_mockery", "/%2F"])
@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
def test_another_path_is_not_found_whatever_the_method(client: TestClient, path: str, method: str) -> None:
    assert_error(client.request(method, path), 404, *NOT_FOUND)


def test_an_unknown_action_is_not_found(api: Api) -> None:
    assert_error(api.v1("NoSuchAction", {"RegionId": "cn-hangzhou"}), 404, *NOT_FOUND)


def test_another_api_version_is_not_found(api: Api) -> None:
    assert_error(api.v1("RebootInstances", {**REBOOT, "Version": "2016-03-14"}), 404, *NOT_FOUND)


def test_a_v3_request_is_routed_by_its_action_header(api: Api) -> None:
    # Action and Version travel only in x-acs-* headers; query parameters of those names are data.
    response = api.v3(
        "RebootInstances", {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1", "Action": "X"}
    )
    assert response.status_code == 200


def test_a_v3_request_ignores_an_action_parameter(api: Api) -> None:
    response = api.v3("NoSuchAction", {**REBOOT, "Version": "2014-05-26"})
    assert_error(response, 404, *NOT_FOUND)


def test_a_v3_request_of_another_version_is_not_found(api: Api) -> None:
    headers = {
        **v3_headers("RebootInstances", timestamp=_now(), nonce=uuid.uuid4().hex),
        "x-acs-version": "2016",
    }
    assert_error(api.send(sign_exact_v3({"RegionId": "cn-hangzhou"}, headers)), 404, *NOT_FOUND)


def test_the_method_is_checked_before_the_action(client: TestClient) -> None:
    assert_error(client.put(_unsigned(Action="NoSuchAction")), 403, "UnsupportedHTTPMethod")


def test_the_action_is_checked_before_the_format(client: TestClient) -> None:
    assert_error(
        client.get(_unsigned(Action="NoSuchAction", Version="2014-05-26", Format="YAML")), 404, *NOT_FOUND
    )


def test_the_action_is_checked_before_the_signature(api: Api) -> None:
    assert_error(api.v1("NoSuchAction", secret="notTheSecret"), 404, *NOT_FOUND)


def test_the_format_is_checked_before_the_signature_parameters(client: TestClient) -> None:
    url = _unsigned(Action="RebootInstances", Version="2014-05-26", Format="YAML")
    assert_error(client.get(url), 400, *BAD_FORMAT)


def test_the_signature_parameters_are_checked_before_the_timestamp(api: Api) -> None:
    request = sign_v1(REBOOT, extra={"Timestamp": "yesterday"})
    del request.query["SignatureNonce"]
    assert_error(api.send(request), 400, "MissingSignatureNonce")


def test_the_nonce_is_checked_before_the_api_parameters(api: Api) -> None:
    request = sign_v1({"Action": "RebootInstances", "InstanceId.1": "i-running-1"})
    assert_error(api.send(request), 400, "MissingRegionId", "RegionId is mandatory for this action.")
    assert_error(api.send(request), 400, "SignatureNonceUsed")


@pytest.mark.parametrize(
    ("requested", "content_type"), [("xml", XML), ("Xml", XML), ("json", JSON), ("JSON", JSON)]
)
def test_the_format_parameter_is_case_insensitive(api: Api, requested: str, content_type: str) -> None:
    response = api.reboot("i-running-1", Format=requested)
    assert (response.status_code, response.headers["content-type"]) == (200, content_type)


def test_a_v1_request_without_format_is_answered_in_xml(api: Api) -> None:
    params = dict(sign_v1(REBOOT).query)
    del params["Format"], params["Signature"]
    response = api.send(sign_exact_v1(params))
    assert (response.status_code, response.headers["content-type"]) == (200, XML)
    assert response.content.startswith(
        b"<?xml version='1.0' encoding='UTF-8'?><RebootInstancesResponse><RequestId>"
    )


def test_a_v3_request_is_answered_in_json(api: Api) -> None:
    response = api.v3("RebootInstances", {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"})
    assert (response.status_code, response.headers["content-type"]) == (200, JSON)


def test_a_v3_request_accepting_xml_is_answered_in_xml(api: Api) -> None:
    params = {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"}
    response = api.v3("RebootInstances", params, accept="application/xml")
    assert (response.status_code, response.headers["content-type"]) == (200, XML)


def test_a_v3_request_with_a_format_parameter_gets_that_format(api: Api) -> None:
    response = api.v3(
        "RebootInstances", {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1", "Format": "XML"}
    )
    assert (response.status_code, response.headers["content-type"]) == (200, XML)


def test_an_error_is_answered_in_the_requested_format(api: Api) -> None:
    response = api.v1("RebootInstances", {"InstanceId.1": "i-running-1", "Format": "XML"})
    assert response.headers["content-type"] == XML
    assert_error(response, 400, "MissingRegionId")


@pytest.mark.parametrize("fmt", ["JSON", "XML"])
def test_every_answer_carries_its_request_id_in_a_header(api: Api, fmt: str) -> None:
    for response in (api.reboot("i-running-1", Format=fmt), api.reboot("i-nope", Format=fmt)):
        request_id = read_envelope(response)["RequestId"]
        assert UPPER_CASE_UUID.fullmatch(request_id)
        assert response.headers["x-acs-request-id"] == request_id


def test_each_answer_has_its_own_request_id(api: Api) -> None:
    first, second = api.reboot("i-nope"), api.reboot("i-nope")
    assert first.headers["x-acs-request-id"] != second.headers["x-acs-request-id"]


def test_the_error_envelope_names_the_host_and_recommends_a_troubleshooting_page(api: Api) -> None:
    body = assert_error(api.reboot("i-nope"), 404, "InvalidInstanceId.NotFound")
    assert body["HostId"] == "mock-ecs.test"
    assert body["Recommend"] == (
        f"https://api.aliyun.com/troubleshoot?q=InvalidInstanceId.NotFound&product=Ecs&requestId={body['RequestId']}"
    )


@pytest.mark.parametrize("value", ["true", "True", "TRUE"])
def test_booleans_are_case_insensitive(api: Api, value: str) -> None:
    response = api.reboot("i-running-1", DryRun=value)
    assert_error(response, 400, "DRYRUN.SUCCESS")


def test_a_boolean_that_is_not_one_is_an_invalid_parameter(api: Api) -> None:
    response = api.reboot("i-running-1", DryRun="yes")
    assert_error(response, 400, "InvalidParameter", 'The specified parameter "DryRun" is not valid.')


def test_unknown_parameters_are_ignored(api: Api) -> None:
    assert (
        api.reboot("i-running-1", OwnerId="1", ResourceOwnerAccount="x", SignatureType="").status_code == 200
    )


@pytest.fixture
def failing_api(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[Api]:
    def explode(call: ApiCall, store: object) -> dict[str, str]:
        raise RuntimeError("disk on fire at /srv/secret/path")

    monkeypatch.setattr(mock_ecs.ecs, "actions", lambda defaults: {"RebootInstances": explode})
    app = create_app(settings)
    with TestClient(app, base_url="http://mock-ecs.test:8080", raise_server_exceptions=False) as client:
        yield Api(client)


@pytest.mark.parametrize("fmt", ["JSON", "XML"])
def test_an_internal_failure_is_an_internal_error_without_details(failing_api: Api, fmt: str) -> None:
    response = failing_api.reboot("i-running-1", Format=fmt)
    assert_error(response, 500, *INTERNAL)
    assert b"Traceback" not in response.content
    assert b"disk on fire" not in response.content


def test_an_internal_failure_is_logged_with_its_request_id(
    failing_api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="mock_ecs.gateway"):
        response = failing_api.reboot("i-running-1")
    [record] = caplog.records
    assert response.headers["x-acs-request-id"] in record.getMessage()
    assert record.exc_info is not None


def test_an_internal_failure_keeps_the_nonce_used(failing_api: Api) -> None:
    request = sign_v1(REBOOT)
    assert_error(failing_api.send(request), 500, "InternalError")
    assert_error(failing_api.send(request), 400, "SignatureNonceUsed")


def test_an_authorization_header_other_than_acs3_leaves_a_v1_request_as_it_is(api: Api) -> None:
    request = sign_v1({"Action": "RebootInstances", "RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"})
    request.headers["authorization"] = "Basic cHJveHk6cGFzcw=="

    response = api.send(request)

    assert response.status_code == 200, response.text
