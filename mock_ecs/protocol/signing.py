"""The two signature schemes of the RPC protocol, as pure functions (spec §2).

V1 (HMAC-SHA1) signs the decoded parameters; V3 (ACS3-HMAC-SHA256) signs a canonical
request built from the query, the headers the client lists in ``SignedHeaders`` and the
body's hash. Verification lives in ``mock_ecs.protocol.authentication``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mock_ecs.protocol import errors
from mock_ecs.protocol.encoding import canonical_query, percent_encode

V1_METHOD = "HMAC-SHA1"
V1_VERSION = "1.0"
V3_ALGORITHM = "ACS3-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def v1_string_to_sign(method: str, params: Iterable[tuple[str, str]]) -> str:
    """``METHOD&%2F&pe(canonical query)`` over every parameter except ``Signature``."""
    signed = [(name, value) for name, value in params if name != "Signature"]
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(signed))}"


def v1_signature(secret: str, string_to_sign: str) -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True)
class V3Authorization:
    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_v3_authorization(value: str) -> V3Authorization:
    """Parse ``ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<a;b>,Signature=<hex>``."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != V3_ALGORITHM:
        # ACS3-HMAC-SM3 and ACS3-RSA-SHA256 are real algorithms this mock does not verify.
        raise (
            errors.INVALID_SIGNATURE_METHOD if algorithm.startswith("ACS3-") else errors.INCOMPLETE_SIGNATURE
        )()
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, field_value = part.strip().partition("=")
        if not sep or not field_value or name in fields:
            raise errors.INCOMPLETE_SIGNATURE()
        fields[name] = field_value
    if set(fields) != {"Credential", "SignedHeaders", "Signature"}:
        raise errors.INCOMPLETE_SIGNATURE()
    signed_headers = tuple(fields["SignedHeaders"].split(";"))
    if any(not name or name != name.lower() for name in signed_headers):
        raise errors.INCOMPLETE_SIGNATURE()
    return V3Authorization(fields["Credential"], signed_headers, fields["Signature"])


def v3_canonical_request(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Iterable[str],
    content_sha256: str,
) -> str:
    names = list(signed_headers)
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in names)
    return "\n".join(
        [method, path, canonical_query(query), canonical_headers, ";".join(names), content_sha256]
    )


def v3_string_to_sign(canonical_request: str) -> str:
    return f"{V3_ALGORITHM}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"


def v3_signature(secret: str, string_to_sign: str) -> str:
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
