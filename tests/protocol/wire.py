"""What the protocol tests share: exact signing, where a test chooses every parameter and
header, and reading the Alibaba envelope back out of a response.

The signing here shares no code with ``mock_ecs`` (like ``tests/support/signer.py``, which
always adds its own defaults, so it cannot leave ``Format`` out or skip a header).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import quote

import httpx2 as httpx
from lxml import etree

from tests.support.api import HOST
from tests.support.signer import SignedRequest

JSON = "application/json;charset=utf-8"
XML = "text/xml;charset=utf-8"
UPPER_CASE_UUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
STS_PREFIX = "Specified signature is not matched with our calculation. server string to sign is:"


def _pe(text: str) -> str:
    return quote(text, safe="-_.~")


def _canonical(params: dict[str, str]) -> str:
    return "&".join(f"{_pe(k)}={_pe(v)}" for k, v in sorted(params.items()))


def v1_hmac(secret: str, string_to_sign: str) -> str:
    return base64.b64encode(
        hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    ).decode()


def v3_hmac(secret: str, string_to_sign: str) -> str:
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def sign_exact_v1(
    params: dict[str, str], *, secret: str = "testSecret", method: str = "POST"
) -> SignedRequest:
    """Exactly ``params`` plus their ``Signature``, in the query."""
    string_to_sign = f"{method}&%2F&{_pe(_canonical(params))}"
    return SignedRequest(method, {**params, "Signature": v1_hmac(secret, string_to_sign)})


def v3_headers(action: str, *, timestamp: str, nonce: str, body: bytes = b"") -> dict[str, str]:
    """The headers a Node Tea SDK signs: host and every ``x-acs-*`` header."""
    return {
        "host": HOST,
        "x-acs-action": action,
        "x-acs-version": "2014-05-26",
        "x-acs-date": timestamp,
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }


def sign_exact_v3(
    query: dict[str, str],
    headers: dict[str, str],
    *,
    signed: list[str] | None = None,
    secret: str = "testSecret",
    key: str = "testAKID",
    method: str = "POST",
    body: bytes = b"",
) -> SignedRequest:
    """Sign ``signed`` (default: every header given) and the query; send ``headers`` as given."""
    names = sorted(signed if signed is not None else headers)
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in names)
    content_sha256 = headers.get("x-acs-content-sha256", "")
    canonical = "\n".join(
        [method, "/", _canonical(query), canonical_headers, ";".join(names), content_sha256]
    )
    string_to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    authorization = (
        f"ACS3-HMAC-SHA256 Credential={key},SignedHeaders={';'.join(names)},"
        f"Signature={v3_hmac(secret, string_to_sign)}"
    )
    return SignedRequest(method, dict(query), {**headers, "authorization": authorization}, body)


def read_envelope(response: httpx.Response) -> dict[str, str]:
    """The top-level fields of a JSON or XML answer, by its Content-Type."""
    content_type = response.headers["content-type"]
    if content_type == JSON:
        body = response.json()
        assert isinstance(body, dict)
        return {name: value for name, value in body.items() if isinstance(value, str)}
    assert content_type == XML, content_type
    root = etree.fromstring(response.content)
    return {child.tag: child.text or "" for child in root if len(child) == 0}


def assert_error(
    response: httpx.Response, status: int, code: str, message: str | None = None
) -> dict[str, str]:
    """The answer is the envelope of ``code`` with ``status`` (and ``message``, when given)."""
    body = read_envelope(response)
    assert (response.status_code, body.get("Code")) == (status, code), response.text
    if message is not None:
        assert body["Message"] == message
    assert response.headers["x-acs-request-id"] == body["RequestId"]
    return body
