"""Who is calling, and may they (spec §2): V1 signature parameters, the timestamp window,
access keys, signatures, nonces, security tokens and RAM, through the in-process app."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import httpx2 as httpx
import pytest

from tests.conftest import FakeWallClock
from tests.protocol.wire import STS_PREFIX, assert_error, v1_hmac
from tests.support.api import Api
from tests.support.signer import SignedRequest, sign_v1

REBOOT = {"Action": "RebootInstances", "RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"}
MISMATCH = (
    "InvalidSecurityToken.MismatchWithAccessKey",
    "Specified SecurityToken mismatch with the AccessKey.",
)


def _as_sts_key(token: str | None) -> SignedRequest:
    """A reboot by STS.liveKey, whose token is CAIS-live-token."""
    extra = {} if token is None else {"SecurityToken": token}
    return sign_v1(REBOOT, key="STS.liveKey", secret="stsSecret", extra=extra)


def _rebooted(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("name", ["AccessKeyId", "Signature", "Timestamp", "SignatureNonce"])
def test_a_missing_signature_parameter_is_named(api: Api, name: str) -> None:
    request = sign_v1(REBOOT)
    del request.query[name]
    assert_error(api.send(request), 400, f"Missing{name}", f"{name} is mandatory for this action.")


def test_an_empty_signature_counts_as_missing(api: Api) -> None:
    request = sign_v1(REBOOT)
    request.query["Signature"] = ""
    assert_error(api.send(request), 400, "MissingSignature", "Signature is mandatory for this action.")


def test_another_signature_method_is_not_valid(api: Api) -> None:
    response = api.send(sign_v1(REBOOT, extra={"SignatureMethod": "HMAC-SHA256"}))
    assert_error(response, 400, "InvalidSignatureMethod", "Specified signature method is not valid.")


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-11-26 19:48:07Z",
        "2026-11-26T19:48:07",
        "2026-11-26T19:48:07+08:00",
        "2026-13-26T19:48:07Z",
        "2026-02-30T19:48:07Z",
        "1795722487",
        "\uff12\uff10\uff12\uff16-11-26T19:48:07Z",  # full-width digits
    ],
    ids=["space", "no-zone", "offset", "month-13", "february-30", "epoch", "full-width-digits"],
)
def test_a_malformed_timestamp_is_refused(api: Api, timestamp: str) -> None:
    response = api.send(sign_v1(REBOOT, extra={"Timestamp": timestamp}))
    assert_error(
        response, 400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."
    )


@pytest.mark.parametrize("minutes", [-16, 16], ids=["in-the-past", "in-the-future"])
def test_a_timestamp_more_than_15_minutes_off_is_expired(
    clocked_api: Api, wall_clock: FakeWallClock, minutes: int
) -> None:
    response = clocked_api.send(sign_v1(REBOOT, timestamp=wall_clock.now + minutes * 60))
    assert_error(response, 400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")


@pytest.mark.parametrize("minutes", [-15, -14, 14, 15])
def test_a_timestamp_up_to_15_minutes_off_is_accepted(
    clocked_api: Api, wall_clock: FakeWallClock, minutes: int
) -> None:
    _rebooted(clocked_api.send(sign_v1(REBOOT, timestamp=wall_clock.now + minutes * 60)))


def test_the_timestamp_is_judged_by_wall_time_not_mock_time(
    clocked_api: Api, wall_clock: FakeWallClock
) -> None:
    clocked_api.client.post("/_mock/clock", json={"advance_seconds": 86_400}).raise_for_status()
    _rebooted(clocked_api.send(sign_v1(REBOOT, timestamp=wall_clock.now)))


def test_an_expired_timestamp_is_refused_before_the_access_key_is_looked_up(
    clocked_api: Api, wall_clock: FakeWallClock
) -> None:
    response = clocked_api.send(sign_v1(REBOOT, key="noSuchKey", timestamp=wall_clock.now - 3600))
    assert_error(response, 400, "InvalidTimeStamp.Expired")


def test_an_unknown_access_key_is_not_found(api: Api) -> None:
    response = api.send(sign_v1(REBOOT, key="noSuchKey"))
    assert_error(response, 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")


def test_an_inactive_access_key_is_refused(api: Api) -> None:
    response = api.send(sign_v1(REBOOT, key="disabledAKID", secret="disabledSecret"))
    assert_error(response, 400, "InvalidAccessKeyId.Inactive", "Specified access key is disabled.")


def test_a_wrong_signature_reports_the_string_the_client_signed(api: Api) -> None:
    request = sign_v1(REBOOT, secret="notTheSecret")
    body = assert_error(api.send(request), 400, "SignatureDoesNotMatch")
    assert body["Message"].startswith(STS_PREFIX)
    string_to_sign = body["Message"].removeprefix(STS_PREFIX)
    assert string_to_sign.startswith("POST&%2F&AccessKeyId%3DtestAKID%26Action%3DRebootInstances%26")
    assert v1_hmac("notTheSecret", string_to_sign) == request.query["Signature"]


def test_a_replayed_nonce_is_refused(api: Api) -> None:
    request = sign_v1(REBOOT)
    _rebooted(api.send(request))
    response = api.send(request)
    assert_error(response, 400, "SignatureNonceUsed", "Specified signature nonce was used already.")


def test_a_nonce_is_remembered_per_access_key(api: Api) -> None:
    _rebooted(api.send(sign_v1(REBOOT, nonce="shared-nonce")))
    other = {**REBOOT, "InstanceId.1": "i-other-1"}
    _rebooted(api.send(sign_v1(other, key="otherAKID", secret="otherSecret", nonce="shared-nonce")))


def test_a_nonce_whose_signature_failed_is_not_recorded(api: Api) -> None:
    assert_error(api.send(sign_v1(REBOOT, secret="notTheSecret", nonce="n-1")), 400, "SignatureDoesNotMatch")
    _rebooted(api.send(sign_v1(REBOOT, nonce="n-1")))


def test_a_nonce_stays_recorded_when_the_action_then_fails(api: Api) -> None:
    without_region = {"Action": "RebootInstances", "InstanceId.1": "i-running-1"}
    assert_error(api.send(sign_v1(without_region, nonce="n-2")), 400, "MissingRegionId")
    assert_error(api.send(sign_v1(REBOOT, nonce="n-2")), 400, "SignatureNonceUsed")


def test_a_live_security_token_is_accepted(api: Api) -> None:
    _rebooted(api.send(_as_sts_key("CAIS-live-token")))


def test_an_sts_key_without_its_token_is_refused(api: Api) -> None:
    response = api.send(_as_sts_key(None))
    assert_error(response, 400, "MissingSecurityToken", "SecurityToken is mandatory for this action.")


def test_another_token_than_the_keys_is_a_mismatch(api: Api) -> None:
    response = api.send(_as_sts_key("CAIS-expired-token"))
    assert_error(response, 400, *MISMATCH)


def test_an_expired_security_token_is_refused(api: Api) -> None:
    request = sign_v1(
        REBOOT, key="STS.expiredKey", secret="stsSecret", extra={"SecurityToken": "CAIS-expired-token"}
    )
    assert_error(
        api.send(request), 400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."
    )


def test_a_security_token_with_a_space_is_malformed(api: Api) -> None:
    response = api.send(_as_sts_key("CAIS live-token"))
    assert_error(response, 400, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed.")


def test_a_security_token_with_a_permanent_key_is_a_mismatch(api: Api) -> None:
    response = api.send(sign_v1(REBOOT, extra={"SecurityToken": "CAIS-live-token"}))
    assert_error(response, 400, *MISMATCH)


def test_a_ram_user_may_not_call_an_action_outside_its_policy(api: Api) -> None:
    response = api.send(sign_v1(REBOOT, key="ramAKID", secret="ramSecret"))
    assert_error(
        response,
        403,
        "Forbidden.RAM",
        "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
    )


def test_a_refused_request_changes_no_instance(api: Api) -> None:
    assert_error(api.send(sign_v1(REBOOT, key="ramAKID", secret="ramSecret")), 403, "Forbidden.RAM")
    assert api.client.get("/_mock/instances/i-running-1").json()["status"] == "Running"


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8"]
)
def test_a_form_body_is_signed_and_read_like_the_query(api: Api, content_type: str) -> None:
    # Node's pop-core sends every parameter, Signature last, in a POST body (sdk-wire §2).
    signed = sign_v1(REBOOT)
    response = api.client.post(
        "/",
        headers={"host": "mock-ecs.test:8080", "content-type": content_type},
        content=urlencode(signed.query, quote_via=quote).encode(),
    )
    _rebooted(response)
    assert response.json()["InstanceResponses"]["InstanceResponse"][0]["InstanceId"] == "i-running-1"


def test_parameters_split_between_query_and_form_body_are_merged(api: Api) -> None:
    signed = sign_v1(REBOOT)
    in_query = {name: signed.query.pop(name) for name in ("Action", "Version", "Signature")}
    response = api.client.post(
        "/?" + urlencode(in_query, quote_via=quote),
        headers={"host": "mock-ecs.test:8080", "content-type": "application/x-www-form-urlencoded"},
        content=urlencode(signed.query, quote_via=quote).encode(),
    )
    _rebooted(response)
