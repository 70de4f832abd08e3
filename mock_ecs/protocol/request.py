"""What arrives: the HTTP request, and the RPC call read from it (spec §1, §5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from mock_ecs.protocol.encoding import Pairs, decode_form


class Scheme(StrEnum):
    V1 = "V1"  # HMAC-SHA1, everything in parameters
    V3 = "V3"  # ACS3-HMAC-SHA256 in the Authorization header, Action/Version in x-acs-* headers


class Format(StrEnum):
    XML = "XML"
    JSON = "JSON"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query_string: str
    headers: Mapping[str, str]  # names in lower case; repeated headers joined by ","
    body: bytes = b""

    @property
    def host(self) -> str:
        return self.headers.get("host", "")

    @property
    def host_name(self) -> str:
        """The Host header without its port (``HostId`` of the error envelope)."""
        host = self.host
        if host.startswith("["):  # [::1]:8080
            return host.partition("]")[0] + "]"
        return host.rpartition(":")[0] if host.count(":") == 1 else host


@dataclass(frozen=True)
class RpcRequest:
    """An HTTP request read as an RPC call: decoded parameters and the signing scheme."""

    http: HttpRequest
    query: Pairs
    form: Pairs = field(default_factory=list)

    @classmethod
    def parse(cls, http: HttpRequest) -> RpcRequest:
        content_type = http.headers.get("content-type", "").split(";")[0].strip().lower()
        form = decode_form(http.body) if content_type == "application/x-www-form-urlencoded" else []
        return cls(http, decode_form(http.query_string), form)

    @cached_property
    def pairs(self) -> Pairs:
        """Every parameter, query first then form body: what a V1 signature covers."""
        return self.query + self.form

    @cached_property
    def params(self) -> dict[str, str]:
        """Parameters by name; the first occurrence of a repeated name wins."""
        merged: dict[str, str] = {}
        for name, value in self.pairs:
            merged.setdefault(name, value)
        return merged

    @property
    def scheme(self) -> Scheme:
        # Only an ACS3 authorization makes a V3 request: a V1 request may pass through a proxy
        # that adds an Authorization header of its own (Basic, Bearer).
        authorization = self.http.headers.get("authorization", "")
        return Scheme.V3 if authorization.lstrip().startswith("ACS3-") else Scheme.V1

    @property
    def action(self) -> str:
        # V3 clients send Action/Version only as headers (sdk-wire §2); V1 ones sign the parameters.
        if self.scheme is Scheme.V3:
            return self.http.headers.get("x-acs-action", "")
        return self.params.get("Action", "")

    @property
    def version(self) -> str:
        if self.scheme is Scheme.V3:
            return self.http.headers.get("x-acs-version", "")
        return self.params.get("Version", "")

    def requested_format(self) -> Format | None:
        """The ``Format`` parameter, if present and valid (case-insensitive)."""
        value = self.params.get("Format", "").upper()
        return Format(value) if value in Format.__members__ else None

    def response_format(self) -> Format:
        """``Format`` if valid; else XML for V1 (the API's default), JSON for V3 unless Accept asks XML."""
        requested = self.requested_format()
        if requested is not None:
            return requested
        if self.scheme is Scheme.V1:
            return Format.XML
        accept = self.http.headers.get("accept", "").lower()
        return Format.XML if "xml" in accept and "json" not in accept else Format.JSON


@dataclass(frozen=True)
class ApiCall:
    """An authenticated call, as an action handler sees it: no HTTP, no signatures."""

    request_id: str
    action: str
    params: Mapping[str, str]
    access_key_id: str
    account_id: str
