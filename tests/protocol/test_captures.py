"""Every request the official SDKs were seen to send verifies, and no altered one does.

The requests are the raw captures of sdk-wire.md (AK ``testAKID``, secret ``testSecret``),
copied into ``tests/data/captures``. Their timestamps and nonces are real values from that
run, so they go through ``read_credentials`` and ``authenticate`` (no clock), and through
the whole app with the clock and nonce checks switched off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from starlette.testclient import TestClient

from mock_ecs import Settings, create_app
from mock_ecs.protocol.authentication import AccessKey, Credentials, authenticate, read_credentials
from mock_ecs.protocol.errors import ApiError
from mock_ecs.protocol.request import HttpRequest, RpcRequest
from tests.conftest import WORLD
from tests.protocol.wire import STS_PREFIX, read_envelope, v1_hmac, v3_hmac

CAPTURES = Path(__file__).resolve().parents[1] / "data" / "captures"


@dataclass(frozen=True)
class Capture:
    id: str
    method: str
    query: str
    headers: dict[str, str]  # names in lower case, as the server sees them
    body: str

    @property
    def is_v3(self) -> bool:
        return "authorization" in self.headers

    @property
    def signature(self) -> str:
        """The signature the client sent, read without any of ``mock_ecs``."""
        if self.is_v3:
            match = re.search(r"Signature=([0-9a-f]+)$", self.headers["authorization"])
            assert match is not None
            return match.group(1)
        return dict(parse_qsl(self.query) + parse_qsl(self.body))["Signature"]

    def http(self) -> HttpRequest:
        return HttpRequest(self.method, "/", self.query, self.headers, self.body.encode())


def _load() -> list[Capture]:
    captures: dict[str, Capture] = {}
    for path in sorted(CAPTURES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            headers: dict[str, str] = {}
            for name, value in record["headers"]:
                headers[name.lower()] = (
                    f"{headers[name.lower()]},{value}" if name.lower() in headers else value
                )
            name = f"{record['client']}-{record['scenario']}"
            if path.stem == "edge-encoding":
                name = f"{record['client']}-edge-encoding"
            capture = Capture(name, record["method"], record["query"], headers, record["body"])
            captures.setdefault(capture.signature, capture)  # all.jsonl repeats the per-client files
    return list(captures.values())


ALL = _load()
V3 = [capture for capture in ALL if capture.is_v3]


def _ids(captures: list[Capture]) -> list[str]:
    return [capture.id for capture in captures]


class KeyRing:
    """The smallest CredentialStore: testAKID with the given secret."""

    def __init__(self, secret: str = "testSecret") -> None:
        self.key = AccessKey("testAKID", secret, account_id="1")
        self.nonces: set[tuple[str, str]] = set()

    def find_access_key(self, access_key_id: str) -> AccessKey | None:
        return self.key if access_key_id == self.key.id else None

    def remember_nonce(self, access_key_id: str, nonce: str, seen_at: float) -> bool:
        if (access_key_id, nonce) in self.nonces:
            return False
        self.nonces.add((access_key_id, nonce))
        return True


def _credentials(http: HttpRequest) -> Credentials:
    return read_credentials(RpcRequest.parse(http))


def _rejection(http: HttpRequest, secret: str = "testSecret") -> ApiError:
    with pytest.raises(ApiError) as raised:
        authenticate(_credentials(http), KeyRing(secret), wall_now=0.0, check_nonce=True)
    return raised.value


def test_the_captures_hold_nine_clients_in_six_scenarios() -> None:
    assert len(ALL) == 54
    assert len(set(_ids(ALL))) == 54
    assert len(V3) == 18  # py-tea, node-tea and node-openapi


@pytest.mark.parametrize("capture", ALL, ids=_ids(ALL))
def test_capture_verifies(capture: Capture) -> None:
    key = authenticate(_credentials(capture.http()), KeyRing(), wall_now=0.0, check_nonce=True)
    assert key.id == "testAKID"


def _changed(value: str) -> str:
    """Another value of the same shape where there is one (a digit moved), else one more char."""
    for index in range(len(value) - 1, -1, -1):
        if value[index].isdigit():
            return value[:index] + str((int(value[index]) + 1) % 10) + value[index + 1 :]
    return value + "x"


def _with_param_changed(capture: Capture, name: str) -> Capture:
    def change(encoded: str) -> str:
        pairs = [(k, _changed(v) if k == name else v) for k, v in parse_qsl(encoded, keep_blank_values=True)]
        return urlencode(pairs, quote_via=quote)

    if name in dict(parse_qsl(capture.body, keep_blank_values=True)):
        return replace(capture, body=change(capture.body))  # pop-core's POST signs its form body
    return replace(capture, query=change(capture.query))


def _signed_params(capture: Capture) -> list[str]:
    names = {
        k
        for k, _ in parse_qsl(capture.query, keep_blank_values=True)
        + parse_qsl(capture.body, keep_blank_values=True)
    }
    return sorted(names - {"Signature"})


@pytest.mark.parametrize("capture", ALL, ids=_ids(ALL))
def test_capture_with_any_signed_parameter_changed_is_rejected(capture: Capture) -> None:
    names = _signed_params(capture)
    assert "RegionId" in names  # every capture signs a few parameters at least

    accepted = []
    for name in names:
        tampered = _with_param_changed(capture, name)
        assert tampered != capture, name
        try:
            authenticate(_credentials(tampered.http()), KeyRing(), wall_now=0.0, check_nonce=True)
        except ApiError:
            continue
        accepted.append(name)
    assert accepted == []


@pytest.mark.parametrize("capture", V3, ids=_ids(V3))
def test_v3_capture_with_any_signed_header_changed_is_rejected(capture: Capture) -> None:
    signed = re.search(r"SignedHeaders=([^,]+)", capture.headers["authorization"])
    assert signed is not None
    names = signed.group(1).split(";")
    assert {"host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce"} <= set(names)

    for name in names:
        tampered = replace(capture, headers={**capture.headers, name: _changed(capture.headers[name])})
        assert _rejection(tampered.http()).code in {"SignatureDoesNotMatch", "IncompleteSignature"}, name


@pytest.mark.parametrize("capture", ALL, ids=_ids(ALL))
def test_capture_checked_with_another_secret_reports_the_clients_string_to_sign(capture: Capture) -> None:
    error = _rejection(capture.http(), secret="anotherSecret")
    assert (error.http_status, error.code) == (400, "SignatureDoesNotMatch")
    assert error.message.startswith(STS_PREFIX)
    string_to_sign = error.message.removeprefix(STS_PREFIX)
    # Signed with the client's secret, the reported string gives the client's signature:
    # it is the string the client signed (py-classic then reports InvalidAccessKeySecret).
    sign = v3_hmac if capture.is_v3 else v1_hmac
    assert sign("testSecret", string_to_sign) == capture.signature


@pytest.fixture(scope="module")
def replay_client() -> Iterator[TestClient]:
    settings = Settings(db=":memory:", fixtures=WORLD, check_timestamp=False, check_nonce=False)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("capture", ALL, ids=_ids(ALL))
def test_capture_replayed_over_http_reaches_the_action(replay_client: TestClient, capture: Capture) -> None:
    headers = {k: v for k, v in capture.headers.items() if k not in {"content-length", "connection"}}
    url = f"/?{capture.query}" if capture.query else "/"
    response = replay_client.request(capture.method, url, headers=headers, content=capture.body.encode())
    body = read_envelope(response)
    # The captured ids (i-mock0001, and ids with odd characters) are not in the test world:
    # reaching these answers means the gateway verified the signature.
    assert (response.status_code, body.get("Code")) in {
        (200, None),
        (400, "DRYRUN.SUCCESS"),
        (404, "InvalidInstanceId.NotFound"),
        (403, "Abs.InvalidInstanceIds.MalFormed"),
    }, response.text
