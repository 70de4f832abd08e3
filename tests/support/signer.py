"""An independent signer for hand-built requests: it shares no code with ``mock_ecs``,
so tests that use it check the server's verifier against a second reading of the spec."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode


def _pe(text: str) -> str:
    return quote(text, safe="-_.~")


def _timestamp(moment: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if moment is None else moment))


@dataclass
class SignedRequest:
    method: str
    query: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def url(self) -> str:
        return "/?" + urlencode(self.query, quote_via=quote) if self.query else "/"


def sign_v1(
    params: dict[str, str],
    *,
    key: str = "testAKID",
    secret: str = "testSecret",
    method: str = "POST",
    timestamp: float | None = None,
    nonce: str | None = None,
    extra: dict[str, str] | None = None,
) -> SignedRequest:
    """A V1 (HMAC-SHA1) request with every parameter in the query."""
    signed = {
        "Format": "JSON",
        "Version": "2014-05-26",
        "AccessKeyId": key,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": nonce or uuid.uuid4().hex,
        "Timestamp": _timestamp(timestamp),
        **params,
        **(extra or {}),
    }
    canonical = "&".join(f"{_pe(k)}={_pe(v)}" for k, v in sorted(signed.items()))
    string_to_sign = f"{method}&%2F&{_pe(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return SignedRequest(method, {**signed, "Signature": base64.b64encode(digest).decode()})


def sign_v3(
    action: str,
    params: dict[str, str],
    *,
    host: str,
    key: str = "testAKID",
    secret: str = "testSecret",
    method: str = "POST",
    timestamp: float | None = None,
    nonce: str | None = None,
    accept: str = "application/json",
    body: bytes = b"",
) -> SignedRequest:
    """A V3 (ACS3-HMAC-SHA256) request, shaped like the Python Tea SDK's."""
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-version": "2014-05-26",
        "x-acs-date": _timestamp(timestamp),
        "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
        "accept": accept,
    }
    names = sorted(headers)
    canonical_query = "&".join(f"{_pe(k)}={_pe(v)}" for k, v in sorted(params.items()))
    canonical_headers = "".join(f"{name}:{headers[name].strip()}\n" for name in names)
    canonical = "\n".join(
        [method, "/", canonical_query, canonical_headers, ";".join(names), headers["x-acs-content-sha256"]]
    )
    string_to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    signature = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"ACS3-HMAC-SHA256 Credential={key},SignedHeaders={';'.join(names)},Signature={signature}"
    )
    return SignedRequest(method, dict(params), headers, body)
