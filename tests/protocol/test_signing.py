"""The two signature schemes as pure functions (spec §2)."""

from __future__ import annotations

import hashlib

import pytest

from mock_ecs.protocol import signing
from mock_ecs.protocol.errors import ApiError

# The published V1 example (Alibaba Cloud, "Signature method" of the RPC API).
PUBLISHED_V1_PARAMS = [
    ("AccessKeyId", "testid"),
    ("Action", "DescribeRegions"),
    ("Format", "XML"),
    ("SignatureMethod", "HMAC-SHA1"),
    ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
    ("SignatureVersion", "1.0"),
    ("Timestamp", "2016-02-23T12:46:24Z"),
    ("Version", "2014-05-26"),
]
PUBLISHED_V1_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
    "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
    "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
)

# A request the Python Tea SDK sent (tests/data/captures/py-tea.jsonl, reboot-minimal).
PY_TEA_HEADERS = {
    "accept": "application/json",
    "host": "127.0.0.1:35327",
    "user-agent": "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
    "x-acs-action": "RebootInstances",
    "x-acs-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "x-acs-credentials-provider": "static_ak",
    "x-acs-date": "2026-11-26T19:48:07Z",
    "x-acs-signature-nonce": "b80112535d07b1cc89ce7a4acef4a6d9",
    "x-acs-version": "2014-05-26",
}
PY_TEA_SIGNED = tuple(sorted(PY_TEA_HEADERS))
PY_TEA_QUERY = [("InstanceId.1", "i-mock0001"), ("InstanceId.2", "i-mock0002"), ("RegionId", "cn-hangzhou")]
PY_TEA_SIGNATURE = "7ff68a6a6cea4b73d45a5c8483e5702e75e8e7ef4b7e4c23d02a01d37e7e5a21"


def test_v1_string_to_sign_of_the_published_example() -> None:
    assert signing.v1_string_to_sign("GET", PUBLISHED_V1_PARAMS) == PUBLISHED_V1_STRING_TO_SIGN


def test_v1_signature_of_the_published_example() -> None:
    assert signing.v1_signature("testsecret", PUBLISHED_V1_STRING_TO_SIGN) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_v1_string_to_sign_leaves_out_the_signature() -> None:
    with_signature = [*PUBLISHED_V1_PARAMS, ("Signature", "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")]
    assert signing.v1_string_to_sign("GET", with_signature) == PUBLISHED_V1_STRING_TO_SIGN


def test_v1_string_to_sign_starts_with_the_method() -> None:
    assert signing.v1_string_to_sign("POST", PUBLISHED_V1_PARAMS).startswith(
        "POST&%2F&AccessKeyId%3Dtestid%26"
    )


def test_v3_canonical_request_shape() -> None:
    canonical = signing.v3_canonical_request(
        "POST",
        "/",
        [("RegionId", "cn-hangzhou"), ("InstanceId.1", "i-1")],
        {"host": "127.0.0.1:8080", "x-acs-action": "  RebootInstances ", "accept": "application/json"},
        ["host", "x-acs-action"],
        signing.EMPTY_SHA256,
    )
    assert canonical == (
        "POST\n"
        "/\n"
        "InstanceId.1=i-1&RegionId=cn-hangzhou\n"
        "host:127.0.0.1:8080\n"
        "x-acs-action:RebootInstances\n"
        "\n"
        "host;x-acs-action\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_v3_string_to_sign_is_the_algorithm_and_the_canonical_request_hash() -> None:
    assert signing.v3_string_to_sign("x") == f"ACS3-HMAC-SHA256\n{hashlib.sha256(b'x').hexdigest()}"


def test_v3_signature_of_a_python_tea_sdk_request() -> None:
    canonical = signing.v3_canonical_request(
        "POST", "/", PY_TEA_QUERY, PY_TEA_HEADERS, PY_TEA_SIGNED, PY_TEA_HEADERS["x-acs-content-sha256"]
    )
    assert signing.v3_signature("testSecret", signing.v3_string_to_sign(canonical)) == PY_TEA_SIGNATURE


def test_parse_v3_authorization_of_the_python_tea_sdk() -> None:
    value = f"ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders={';'.join(PY_TEA_SIGNED)},Signature=ab12"
    assert signing.parse_v3_authorization(value) == signing.V3Authorization("testAKID", PY_TEA_SIGNED, "ab12")


def test_parse_v3_authorization_of_the_node_sdks() -> None:
    value = (
        "ACS3-HMAC-SHA256 Credential=STS.key,SignedHeaders=content-type;host;x-acs-action;"
        "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-security-token;x-acs-version,"
        "Signature=cd34"
    )
    parsed = signing.parse_v3_authorization(value)
    assert (parsed.access_key_id, parsed.signed_headers[:2], parsed.signature) == (
        "STS.key",
        ("content-type", "host"),
        "cd34",
    )


@pytest.mark.parametrize(
    "value",
    [
        "ACS3-HMAC-SHA256",
        "ACS3-HMAC-SHA256 ",
        "ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=host",
        "ACS3-HMAC-SHA256 SignedHeaders=host,Signature=ab",
        "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=ab",
        "ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=host,Signature=ab,Signature=cd",
        "ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=host,Signature=ab,Extra=1",
        "ACS3-HMAC-SHA256 Credential=testAKID;SignedHeaders=host;Signature=ab",
        "ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=Host;x-acs-date,Signature=ab",
        "ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=host;;x-acs-date,Signature=ab",
        "HMAC-SHA1 Credential=testAKID,SignedHeaders=host,Signature=ab",
        "Bearer abc",
    ],
    ids=[
        "algorithm-alone",
        "no-fields",
        "no-signature",
        "no-credential",
        "empty-credential",
        "repeated-field",
        "unknown-field",
        "semicolons-between-fields",
        "upper-case-header-name",
        "empty-header-name",
        "not-acs3",
        "bearer",
    ],
)
def test_parse_v3_authorization_rejects_a_malformed_header(value: str) -> None:
    with pytest.raises(ApiError) as raised:
        signing.parse_v3_authorization(value)
    assert raised.value.code == "IncompleteSignature"


@pytest.mark.parametrize("algorithm", ["ACS3-HMAC-SM3", "ACS3-RSA-SHA256"])
def test_parse_v3_authorization_rejects_another_acs3_algorithm(algorithm: str) -> None:
    with pytest.raises(ApiError) as raised:
        signing.parse_v3_authorization(f"{algorithm} Credential=testAKID,SignedHeaders=host,Signature=ab")
    assert (raised.value.http_status, raised.value.code) == (400, "InvalidSignatureMethod")
