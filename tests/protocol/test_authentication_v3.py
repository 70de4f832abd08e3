"""V3 (ACS3-HMAC-SHA256) requests at the gateway (spec §2): what must be signed, and how."""

from __future__ import annotations

import hashlib
import time
import uuid

import pytest

from tests.conftest import FakeWallClock
from tests.protocol.wire import STS_PREFIX, assert_error, sign_exact_v3, v3_headers, v3_hmac
from tests.support.api import HOST, Api
from tests.support.signer import SignedRequest

QUERY = {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"}
INCOMPLETE = ("IncompleteSignature", "The request signature does not conform to Aliyun standards.")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _headers(**extra: str) -> dict[str, str]:
    return {**v3_headers("RebootInstances", timestamp=_now(), nonce=uuid.uuid4().hex), **extra}


def _signature(request: SignedRequest) -> str:
    return request.headers["authorization"].rpartition("Signature=")[2]


def test_a_request_signed_like_the_python_tea_sdk_verifies(api: Api) -> None:
    assert api.v3("RebootInstances", QUERY).status_code == 200


def test_a_request_signed_like_the_node_tea_sdk_verifies(api: Api) -> None:
    # Node signs host and the x-acs-* headers only; accept and user-agent travel unsigned.
    headers = _headers()
    request = sign_exact_v3(
        QUERY, {**headers, "accept": "application/json", "user-agent": "node"}, signed=[*headers]
    )
    assert api.send(request).status_code == 200


def test_an_unsigned_acs_header_is_an_incomplete_signature(api: Api) -> None:
    headers = _headers()
    request = sign_exact_v3(QUERY, {**headers, "x-acs-credentials-provider": "static_ak"}, signed=[*headers])
    assert_error(api.send(request), 400, *INCOMPLETE)


def test_an_unsigned_host_is_an_incomplete_signature(api: Api) -> None:
    headers = _headers()
    request = sign_exact_v3(QUERY, headers, signed=[name for name in headers if name != "host"])
    assert_error(api.send(request), 400, *INCOMPLETE)


def test_a_content_hash_that_is_not_the_bodys_is_an_incomplete_signature(api: Api) -> None:
    request = sign_exact_v3(QUERY, _headers(**{"x-acs-content-sha256": hashlib.sha256(b"other").hexdigest()}))
    assert_error(api.send(request), 400, *INCOMPLETE)


def test_a_body_changed_after_signing_is_an_incomplete_signature(api: Api) -> None:
    request = sign_exact_v3(QUERY, _headers())
    request.body = b"RegionId=cn-shanghai"
    assert_error(api.send(request), 400, *INCOMPLETE)


def test_a_malformed_authorization_is_an_incomplete_signature(api: Api) -> None:
    request = sign_exact_v3(QUERY, _headers())
    request.headers["authorization"] = "ACS3-HMAC-SHA256 Credential=testAKID"
    assert_error(api.send(request), 400, *INCOMPLETE)


def test_another_acs3_algorithm_is_not_a_valid_signature_method(api: Api) -> None:
    request = sign_exact_v3(QUERY, _headers())
    request.headers["authorization"] = request.headers["authorization"].replace("HMAC-SHA256", "HMAC-SM3")
    assert_error(api.send(request), 400, "InvalidSignatureMethod", "Specified signature method is not valid.")


@pytest.mark.parametrize(
    ("header", "name"), [("x-acs-date", "Timestamp"), ("x-acs-signature-nonce", "SignatureNonce")]
)
def test_a_missing_date_or_nonce_header_is_named(api: Api, header: str, name: str) -> None:
    headers = _headers()
    del headers[header]
    assert_error(api.send(sign_exact_v3(QUERY, headers)), 400, f"Missing{name}")


def test_a_malformed_date_header_is_refused(api: Api) -> None:
    request = sign_exact_v3(QUERY, _headers(**{"x-acs-date": "Thu, 26 Nov 2026 19:48:07 GMT"}))
    assert_error(api.send(request), 400, "InvalidTimeStamp.Format")


def test_a_date_header_more_than_15_minutes_old_is_expired(
    clocked_api: Api, wall_clock: FakeWallClock
) -> None:
    response = clocked_api.v3("RebootInstances", QUERY, timestamp=wall_clock.now - 16 * 60)
    assert_error(response, 400, "InvalidTimeStamp.Expired")


def test_a_wrong_signature_reports_the_string_the_client_signed(api: Api) -> None:
    request = sign_exact_v3(QUERY, _headers(), secret="notTheSecret")
    body = assert_error(api.send(request), 400, "SignatureDoesNotMatch")
    string_to_sign = body["Message"].removeprefix(STS_PREFIX)
    assert string_to_sign.startswith("ACS3-HMAC-SHA256\n")
    assert v3_hmac("notTheSecret", string_to_sign) == _signature(request)


def test_the_host_is_signed_as_received_with_its_port(api: Api) -> None:
    request = sign_exact_v3(QUERY, _headers(host="mock-ecs.test"))
    request.headers["host"] = HOST  # mock-ecs.test:8080
    assert_error(api.send(request), 400, "SignatureDoesNotMatch")


def test_a_changed_query_parameter_fails_the_signature(api: Api) -> None:
    request = sign_exact_v3(QUERY, _headers())
    request.query["InstanceId.1"] = "i-running-2"
    assert_error(api.send(request), 400, "SignatureDoesNotMatch")


def test_a_replayed_nonce_is_refused(api: Api) -> None:
    request = sign_exact_v3(QUERY, _headers())
    assert api.send(request).status_code == 200
    assert_error(api.send(request), 400, "SignatureNonceUsed")


def test_a_live_security_token_in_its_header_is_accepted(api: Api) -> None:
    headers = _headers(**{"x-acs-security-token": "CAIS-live-token"})
    request = sign_exact_v3(QUERY, headers, key="STS.liveKey", secret="stsSecret")
    assert api.send(request).status_code == 200


def test_an_sts_key_without_its_token_header_is_refused(api: Api) -> None:
    request = sign_exact_v3(QUERY, _headers(), key="STS.liveKey", secret="stsSecret")
    assert_error(api.send(request), 400, "MissingSecurityToken")
