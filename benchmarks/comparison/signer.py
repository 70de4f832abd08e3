"""V1 (HMAC-SHA1) signed mock-ecs requests, pre-signed in bulk: one SignatureNonce each.

mock-ecs is measured with its replay check on, so every request of a run is distinct and
signed before the run (a run at thousands of requests a second needs tens of thousands).
``sign`` goes through the protocol's own functions; ``sign_many`` takes a faster road to
the same bytes, and checks its first request against ``sign``'s arithmetic.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable, Mapping

from mock_ecs.protocol.encoding import canonical_query, percent_encode
from mock_ecs.protocol.signing import V1_METHOD, V1_VERSION, v1_signature, v1_string_to_sign

API_VERSION = "2014-05-26"


class V1Signer:
    def __init__(self, key: str, secret: str) -> None:
        self.key = key
        self.secret = secret
        self._mac = hmac.new(f"{secret}&".encode(), digestmod=hashlib.sha1)
        self._prefix = secrets.token_hex(8)  # nonces of separate runs and processes never meet
        self._count = 0

    def sign(self, params: Mapping[str, str]) -> str:
        """One signed query string, through mock_ecs.protocol.signing."""
        pairs = self._pairs(params, _timestamp())
        signature = v1_signature(self.secret, v1_string_to_sign("GET", pairs.items()))
        return f"{canonical_query(pairs.items())}&Signature={percent_encode(signature)}"

    def sign_many(self, requests: Iterable[Mapping[str, str]]) -> list[str]:
        """Signed query strings, one per request, all with the Timestamp of now (the server
        accepts 15 minutes either side, far longer than a run)."""
        timestamp = _timestamp()
        queries: list[str] = []
        for params in requests:
            pairs = self._pairs(params, timestamp)
            canonical = "&".join(f"{_encode(name)}={_encode(pairs[name])}" for name in sorted(pairs))
            # Every name and value in ``canonical`` is already percent-encoded, so encoding it
            # again only touches the three characters that join them.
            encoded = canonical.replace("%", "%25").replace("=", "%3D").replace("&", "%26")
            string_to_sign = f"GET&%2F&{encoded}"
            if not queries and string_to_sign != v1_string_to_sign("GET", pairs.items()):
                raise AssertionError(f"the fast signer disagrees with the protocol: {string_to_sign}")
            mac = self._mac.copy()
            mac.update(string_to_sign.encode())
            signature = base64.b64encode(mac.digest()).decode()
            queries.append(f"{canonical}&Signature={percent_encode(signature)}")
        return queries

    def _pairs(self, params: Mapping[str, str], timestamp: str) -> dict[str, str]:
        self._count += 1
        return {
            "Format": "JSON",
            "Version": API_VERSION,
            "AccessKeyId": self.key,
            "SignatureMethod": V1_METHOD,
            "SignatureVersion": V1_VERSION,
            "SignatureNonce": f"{self._prefix}{self._count:010d}",
            "Timestamp": timestamp,
            **params,
        }


@functools.lru_cache(maxsize=1 << 16)
def _encode(text: str) -> str:
    """Names and most values repeat from one request to the next (ids, page numbers)."""
    return percent_encode(text)


def _timestamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
