"""No input meets anything but the Alibaba envelope (spec §5: never an HTML page, a stack
trace or a framework-default error body, for any input).

The requests are driven straight into the ASGI app rather than through an HTTP client,
which would normalise what it sends: here the query string may hold invalid UTF-8 and odd
percent-escapes, and headers any byte. A third of the requests are correctly signed, so junk
also reaches the action's own parameter checks, and a third are signed and then altered.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from urllib.parse import quote, urlencode

from lxml import etree

from mock_ecs import MockEcsApp, Settings, create_app
from mock_ecs.app import error_modules
from mock_ecs.ecs import actions
from mock_ecs.ecs.lifecycle import PhaseDurations
from mock_ecs.protocol.asgi import Message
from mock_ecs.protocol.faults import catalogue
from tests.conftest import FakeWallClock
from tests.protocol.wire import JSON, UPPER_CASE_UUID, XML
from tests.support.signer import sign_v1, sign_v3

SEED = 20140526
CASES = 1000  # cheap (about 2 s), and spread over every action
ENVELOPE = ["RequestId", "HostId", "Code", "Message", "Recommend"]
Request = tuple[str, str, bytes, list[tuple[bytes, bytes]], bytes]  # method, path, query, headers, body
KNOWN_CODES = set(catalogue(error_modules()))  # every code the protocol and the product define

JUNK_TEXT = ["", " ", "+", "%", "%zz", "%ff%fe", "%C3", "é", "中文", "\x00", "\x01\x7f", "<x>&amp;", "]]>",
             "a=b", "&"]  # fmt: skip
JUNK_BYTES = [b"%", b"%%", b"%zz", b"%ff", b"\xff\xfe", b"\xc3", b"+", b"=", b"&&", b"a=b=c", b"\x00", b";"]
PARAM_NAMES = ["Action", "Version", "Format", "AccessKeyId", "Signature", "SignatureMethod",
               "SignatureVersion", "SignatureNonce", "Timestamp", "SecurityToken",
               "RegionId", "InstanceId.1", "InstanceId.10", "DryRun", "BatchOptimization",
               "ForceReboot", "InstanceId", "InstanceIds", "ForceStop", "StoppedMode", "ZoneId", "Status",
               "InstanceName", "LockReason", "PageNumber", "PageSize", "NextToken", "MaxResults",
               "Tag.1.Key", "Tag.1.Value", "PrivateIpAddresses", "IoOptimized", "AcceptLanguage",
               "ResourceType", "InstanceChargeType"]  # fmt: skip
# Every implemented action, so junk reaches each one's own parameter checks.
ACTIONS = sorted(actions(PhaseDurations(stopping=5, starting=5, force_stopping=1)))
API_PARAMS = PARAM_NAMES[10:]
GOOD_VALUES = ["RebootInstances", "2014-05-26", '["i-running-1"]', "Running", "100", "0",
               "XML", "json", "testAKID", "HMAC-SHA1", "1.0", "cn-hangzhou",
               "i-running-1", "True", "SuccessFirst", "2026-11-26T19:48:07Z"]  # fmt: skip


def _text(rng: random.Random) -> str:
    return rng.choice([*JUNK_TEXT, *GOOD_VALUES, "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(5))])


def _raw_bytes(rng: random.Random) -> bytes:
    return rng.choice(
        [*JUNK_BYTES, _text(rng).encode("utf-8", "surrogatepass"), rng.randbytes(rng.randrange(8))]
    )


def _junk_query(rng: random.Random) -> bytes:
    # Mostly a routable call, so the junk reaches the Format and signature checks too.
    parts = []
    for _ in range(rng.randrange(10)):
        name = rng.choice([*PARAM_NAMES, *PARAM_NAMES, *JUNK_TEXT]).encode()
        value = rng.choice([quote(_text(rng)).encode(), _raw_bytes(rng)])
        parts.append(rng.choice([name + b"=" + value, name + b"=" + value, name, _raw_bytes(rng)]))
    routable = [b"Action=RebootInstances", b"Version=2014-05-26"] if rng.random() < 0.7 else []
    return b"&".join(routable + parts)  # the first of repeated names wins


def _junk_headers(rng: random.Random) -> list[tuple[bytes, bytes]]:
    choices: dict[bytes, list[bytes]] = {
        b"host": [b"mock-ecs.test:8080", b"", b"[::1]:8080", b"a:b:c", b"\x01\xff:80", b"ecs.aliyuncs.com"],
        b"authorization": [b"ACS3-HMAC-SHA256", b"ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=host,"
                           b"Signature=00", b"ACS3-RSA-SHA256 x", b"Bearer \xff", b"acs testAKID:abc", b" "],
        b"x-acs-action": [b"RebootInstances", b"RebootInstances", b"", b"\xff", b"DescribeRegions"],
        b"x-acs-version": [b"2014-05-26", b"2016-11-11", b"\x00"],
        b"x-acs-date": [b"2026-11-26T19:48:07Z", b"yesterday", b"\xef\xbc\x92"],
        b"x-acs-signature-nonce": [b"n", b""],
        b"x-acs-content-sha256": [b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", b"zz"],
        b"accept": [b"application/xml", b"text/html", b"*/*", b"\xff"],
        b"content-type": [b"application/x-www-form-urlencoded", b"application/json", b"\x00",
                          b"application/x-www-form-urlencoded; charset=x", b"multipart/form-data; boundary="],
    }  # fmt: skip
    headers = [(name, rng.choice(values)) for name, values in choices.items() if rng.random() < 0.4]
    return [*headers, *((_raw_bytes(rng).lower() or b"x", _raw_bytes(rng)) for _ in range(rng.randrange(2)))]


def _junk_request(rng: random.Random) -> Request:
    method = rng.choice(["GET", "POST", "POST", "PUT"])
    path = rng.choice(["/"] * 6 + ["/x", "/%", "/é/..", "/_mockx", "/" + _text(rng)])
    body = rng.choice(
        [b"", _junk_query(rng), rng.randbytes(rng.randrange(64)), b'{"Action":"RebootInstances"}']
    )
    return method, path, _junk_query(rng), _junk_headers(rng), body


def _signed_request(rng: random.Random, now: float) -> Request:
    """A correctly signed call (V1 or V3) whose API parameters are partly junk."""
    params = {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"}
    for _ in range(rng.randrange(1, 4)):
        params[rng.choice([*API_PARAMS, "Format", "RegionId", "InstanceId.2"])] = _text(rng)
    if rng.random() < 0.5:
        request = sign_v1(
            {"Action": rng.choice(ACTIONS), **params}, timestamp=now, method=rng.choice(["GET", "POST"])
        )
    else:
        action = rng.choice([*ACTIONS, _text(rng)])
        request = sign_v3(action, params, host="mock-ecs.test:8080", timestamp=now, accept=_text(rng))
    headers = [(name.encode(), value.encode()) for name, value in request.headers.items()]
    if not any(name == b"host" for name, _ in headers):
        headers.append((b"host", b"mock-ecs.test:8080"))
    return request.method, "/", urlencode(request.query, quote_via=quote).encode(), headers, request.body


def _mutated_request(rng: random.Random, now: float) -> Request:
    """A signed call with one byte of its query, or one header, then changed."""
    method, path, query, headers, body = _signed_request(rng, now)
    if query and rng.random() < 0.5:
        at = rng.randrange(len(query))
        query = query[:at] + rng.randbytes(1) + query[at + 1 :]
    else:
        at = rng.randrange(len(headers))
        headers = [*headers[:at], (headers[at][0], rng.choice([b"", _raw_bytes(rng)])), *headers[at + 1 :]]
    return method, path, query, headers, body


async def _call(
    app: MockEcsApp, method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]], body: bytes
) -> tuple[int, dict[bytes, bytes], bytes]:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": query, "headers": headers, "server": ("mock-ecs.test", 8080),
             "client": ("127.0.0.1", 50000)}  # fmt: skip
    incoming: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start, *chunks = sent
    return start["status"], dict(start["headers"]), b"".join(chunk.get("body", b"") for chunk in chunks)


def _envelope_problem(status: int, headers: dict[bytes, bytes], body: bytes) -> str | None:
    """What is wrong with an answer, or None when it is a proper Alibaba answer."""
    content_type = headers.get(b"content-type", b"").decode()
    request_id = headers.get(b"x-acs-request-id", b"").decode()
    if not UPPER_CASE_UUID.fullmatch(request_id) or int(headers.get(b"content-length", b"-1")) != len(body):
        return "headers"
    if b"Traceback" in body or b"<html" in body.lower():
        return "a traceback or an HTML page"
    if content_type == JSON:
        parsed = json.loads(body)
        fields = {name: value for name, value in parsed.items() if not isinstance(value, dict)}
    elif content_type == XML and body.startswith(b"<?xml version='1.0' encoding='UTF-8'?><"):
        root = etree.fromstring(body)
        if (root.tag == "Error") != (status != 200):
            return f"root <{root.tag}> for status {status}"
        fields = {child.tag: child.text for child in root if len(child) == 0}
    else:
        return f"content type {content_type!r}"
    if fields.get("RequestId") != request_id:
        return "RequestId"
    if status == 200:
        return "Code in a success" if "Code" in fields else None
    code = str(fields.get("Code"))
    if list(fields) != ENVELOPE or not 400 <= status < 500:
        return f"envelope {list(fields)} with status {status}"
    if code not in KNOWN_CODES and not code.startswith("Missing"):
        return f"unknown code {code}"
    return None


def test_junk_requests_are_answered_in_the_envelope(settings: Settings, wall_clock: FakeWallClock) -> None:
    rng = random.Random(SEED)
    app = create_app(settings, wall_clock=wall_clock)
    kinds: list[Callable[[random.Random], Request]] = [
        _junk_request,
        lambda rng: _signed_request(rng, wall_clock.now),
        lambda rng: _mutated_request(rng, wall_clock.now),
    ]
    requests = [rng.choice(kinds)(rng) for _ in range(CASES)]

    async def run_all() -> list[str]:
        problems = []
        for index, request in enumerate(requests):
            status, headers, body = await _call(app, *request)
            problem = _envelope_problem(status, headers, body)
            if problem is not None:
                problems.append(f"case {index}: {problem}: {request!r} -> {status} {body[:300]!r}")
        return problems

    assert asyncio.run(run_all()) == []
