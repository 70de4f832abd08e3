"""Who is calling, and may they: reading and verifying V1 and V3 signatures (spec §2).

Reading (:func:`read_credentials`) needs only the request: it checks that the signature
parameters are present and well formed. Verifying (:func:`authenticate`) needs the stored
access keys and nonces, behind the :class:`CredentialStore` protocol.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from mock_ecs.protocol import errors, signing
from mock_ecs.protocol.request import RpcRequest, Scheme

# ASCII digits only: ``\d`` alone also matches (and ``int`` reads) full-width and other digits.
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z", re.ASCII)
# Real STS tokens are long base64-like strings; anything with spaces or control
# characters cannot be one.
_WELL_FORMED_TOKEN = re.compile(r"[\x21-\x7e]+")
_V1_REQUIRED = (
    "AccessKeyId",
    "Signature",
    "Timestamp",
    "SignatureNonce",
    "SignatureMethod",
    "SignatureVersion",
)


@dataclass(frozen=True)
class AccessKey:
    id: str
    secret: str
    account_id: str
    active: bool = True
    security_token: str | None = None  # set for STS keys: requests must carry it
    token_expires_at: float | None = None  # wall time
    allowed_actions: frozenset[str] | None = None  # a RAM policy; None allows every action


class CredentialStore(Protocol):
    def find_access_key(self, access_key_id: str) -> AccessKey | None: ...

    def remember_nonce(self, access_key_id: str, nonce: str, seen_at: float) -> bool:
        """Record a nonce; False when this key used it already."""
        ...


@dataclass(frozen=True)
class Credentials:
    """The signature parameters of one request, whichever the scheme."""

    scheme: Scheme
    access_key_id: str
    signature: str
    string_to_sign: str
    nonce: str
    timestamp: float
    security_token: str | None

    def expected_signature(self, secret: str) -> str:
        if self.scheme is Scheme.V3:
            return signing.v3_signature(secret, self.string_to_sign)
        return signing.v1_signature(secret, self.string_to_sign)


def read_credentials(request: RpcRequest) -> Credentials:
    if request.scheme is Scheme.V3:
        return _read_v3(request)
    return _read_v1(request)


def _read_v1(request: RpcRequest) -> Credentials:
    params = request.params
    for name in _V1_REQUIRED:
        if not params.get(name):
            raise errors.MISSING_PARAMETER(name=name)
    if params["SignatureMethod"] != signing.V1_METHOD:
        raise errors.INVALID_SIGNATURE_METHOD()
    if params["SignatureVersion"] != signing.V1_VERSION:
        raise errors.INVALID_PARAMETER(name="SignatureVersion")
    return Credentials(
        scheme=Scheme.V1,
        access_key_id=params["AccessKeyId"],
        signature=params["Signature"],
        string_to_sign=signing.v1_string_to_sign(request.http.method, request.pairs),
        nonce=params["SignatureNonce"],
        timestamp=parse_timestamp(params["Timestamp"]),
        security_token=params.get("SecurityToken") or None,
    )


def _read_v3(request: RpcRequest) -> Credentials:
    http = request.http
    headers = http.headers
    authorization = signing.parse_v3_authorization(headers["authorization"])
    date = headers.get("x-acs-date")
    if not date:
        raise errors.MISSING_PARAMETER(name="Timestamp")
    nonce = headers.get("x-acs-signature-nonce")
    if not nonce:
        raise errors.MISSING_PARAMETER(name="SignatureNonce")
    content_sha256 = headers.get("x-acs-content-sha256", "")
    if content_sha256.lower() != hashlib.sha256(http.body).hexdigest():
        raise errors.INCOMPLETE_SIGNATURE()
    must_sign = {"host"} | {name for name in headers if name.startswith("x-acs-")}
    if not must_sign <= set(authorization.signed_headers):
        raise errors.INCOMPLETE_SIGNATURE()
    canonical = signing.v3_canonical_request(
        http.method, http.path, request.query, headers, authorization.signed_headers, content_sha256
    )
    return Credentials(
        scheme=Scheme.V3,
        access_key_id=authorization.access_key_id,
        signature=authorization.signature,
        string_to_sign=signing.v3_string_to_sign(canonical),
        nonce=nonce,
        timestamp=parse_timestamp(date),
        security_token=headers.get("x-acs-security-token") or None,
    )


def parse_timestamp(text: str) -> float:
    """``YYYY-MM-DDThh:mm:ssZ`` (fractions of a second allowed), UTC, as epoch seconds."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise errors.INVALID_TIMESTAMP_FORMAT()
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()
    except ValueError:
        raise errors.INVALID_TIMESTAMP_FORMAT() from None
    fraction = match.group(7)
    return moment + (float(f"0.{fraction}") if fraction else 0.0)


def authenticate(
    credentials: Credentials, store: CredentialStore, *, wall_now: float, check_nonce: bool
) -> AccessKey:
    """Key, security token, signature, then nonce: the gateway's order (spec §2)."""
    key = store.find_access_key(credentials.access_key_id)
    if key is None:
        raise errors.INVALID_ACCESS_KEY_ID_NOT_FOUND()
    if not key.active:
        raise errors.INVALID_ACCESS_KEY_ID_INACTIVE()
    _check_security_token(key, credentials.security_token, wall_now)
    expected = credentials.expected_signature(key.secret)
    if not hmac.compare_digest(expected.encode(), credentials.signature.encode()):
        raise errors.SIGNATURE_DOES_NOT_MATCH(string_to_sign=credentials.string_to_sign)
    # Recorded once the signature verifies, whatever happens next, as a gateway does.
    if check_nonce and not store.remember_nonce(key.id, credentials.nonce, wall_now):
        raise errors.SIGNATURE_NONCE_USED()
    return key


def _check_security_token(key: AccessKey, token: str | None, wall_now: float) -> None:
    if token is not None and not _WELL_FORMED_TOKEN.fullmatch(token):
        raise errors.INVALID_SECURITY_TOKEN_MALFORMED()
    if key.security_token is None:
        if token is not None:
            raise errors.INVALID_SECURITY_TOKEN_MISMATCH()
        return
    if token is None:
        raise errors.MISSING_PARAMETER(name="SecurityToken")
    if not hmac.compare_digest(token.encode(), key.security_token.encode()):
        raise errors.INVALID_SECURITY_TOKEN_MISMATCH()
    if key.token_expires_at is not None and wall_now >= key.token_expires_at:
        raise errors.INVALID_SECURITY_TOKEN_EXPIRED()


def authorize(key: AccessKey, action: str) -> None:
    if key.allowed_actions is not None and action not in key.allowed_actions:
        raise errors.FORBIDDEN_RAM()
