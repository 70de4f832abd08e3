"""The ``mock_ecs`` fixture's object, used from this project's own session (its server serves
tests/data/world.yaml, see tests/conftest.py)."""

from __future__ import annotations

import http.server
import json
import socket
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import ClassVar

import pytest
from aliyunsdkecs.request.v20140526.RebootInstancesRequest import RebootInstancesRequest

from mock_ecs.testing import ControlPlaneError, MockEcs, MockEcsError, SdkNotInstalled
from mock_ecs.testing.server import Servers


def test_the_handle_names_the_server_and_the_default_key(mock_ecs: MockEcs) -> None:
    assert mock_ecs.endpoint == f"http://127.0.0.1:{mock_ecs.port}"
    assert mock_ecs.host == f"127.0.0.1:{mock_ecs.port}"
    assert (mock_ecs.access_key_id, mock_ecs.access_key_secret) == ("testAKID", "testSecret")
    assert mock_ecs.region_id == "cn-hangzhou"


def test_the_classic_client_needs_no_endpoint_on_its_requests(mock_ecs: MockEcs) -> None:
    request = RebootInstancesRequest()
    request.set_InstanceIds(["i-running-1"])

    answer = json.loads(mock_ecs.classic_client(auto_retry=False).do_action_with_exception(request))

    assert answer["InstanceResponses"]["InstanceResponse"][0]["Code"] == "200"
    assert mock_ecs.status("i-running-1") == "Stopping"


def test_the_tea_client_signs_with_the_default_key(mock_ecs: MockEcs) -> None:
    from alibabacloud_ecs20140526 import models

    mock_ecs.tea_client().reboot_instances(
        models.RebootInstancesRequest(region_id="cn-hangzhou", instance_id=["i-running-2"])
    )

    assert mock_ecs.status("i-running-2") == "Stopping"


@pytest.mark.parametrize(
    ("method", "module", "package"),
    [
        ("classic_client", "aliyunsdkcore.client", "aliyun-python-sdk-core"),
        ("tea_client", "alibabacloud_ecs20140526.client", "alibabacloud-ecs20140526"),
    ],
)
def test_a_missing_sdk_is_named_with_its_package(
    mock_ecs: MockEcs, monkeypatch: pytest.MonkeyPatch, method: str, module: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # what an import of an absent package meets

    with pytest.raises(SdkNotInstalled, match=f"pip install {package}"):
        getattr(mock_ecs, method)()


def test_seeded_and_created_instances_are_served(mock_ecs: MockEcs) -> None:
    seeded = mock_ecs.seed(
        {"instances": [{"id": "i-seeded", "account": "1000000000000001", "region": "cn-hangzhou"}]}
    )
    created = mock_ecs.create_instance(account="1000000000000001", region="cn-shanghai", status="Stopped")

    assert seeded == ["i-seeded"]
    assert mock_ecs.instance("i-seeded")["status"] == "Running"
    assert created["id"] in {i["id"] for i in mock_ecs.instances(region="cn-shanghai", status="Stopped")}


def test_set_instance_and_set_balance_are_applied(mock_ecs: MockEcs) -> None:
    mock_ecs.set_instance("i-running-1", status="Stopped", locks=[{"reason": "security"}])
    account = mock_ecs.set_balance("1000000000000001", -1)

    assert account == {"id": "1000000000000001", "balance": -1.0}
    assert mock_ecs.instance("i-running-1")["status"] == "Stopped"
    assert [lock["reason"] for lock in mock_ecs.instance("i-running-1")["locks"]] == ["security"]


def test_the_clock_freezes_advances_and_runs_again(mock_ecs: MockEcs) -> None:
    frozen = mock_ecs.freeze_clock(datetime(2030, 1, 1, tzinfo=UTC))
    advanced = mock_ecs.advance_clock(90)

    assert (frozen["now"], frozen["frozen"]) == ("2030-01-01T00:00:00Z", True)
    assert advanced["now"] == "2030-01-01T00:01:30Z"
    assert mock_ecs.now() == datetime(2030, 1, 1, 0, 1, 30, tzinfo=UTC)
    assert mock_ecs.set_clock("2031-06-01T12:00:00Z")["now"] == "2031-06-01T12:00:00Z"
    running = mock_ecs.unfreeze_clock()
    assert not running["frozen"]
    assert mock_ecs.now() >= datetime(2031, 6, 1, 12, tzinfo=UTC)


def test_a_naive_datetime_is_refused(mock_ecs: MockEcs) -> None:
    with pytest.raises(MockEcsError, match="naive"):
        mock_ecs.freeze_clock(datetime(2030, 1, 1))  # naive: the case under test


def test_control_plane_errors_carry_status_name_and_message(mock_ecs: MockEcs) -> None:
    with pytest.raises(ControlPlaneError) as raised:
        mock_ecs.instance("i-nowhere")

    assert (raised.value.status, raised.value.error) == (404, "NotFound")
    assert raised.value.message == "no instance 'i-nowhere'"


def test_a_server_that_cannot_be_reached_is_named() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    handle = MockEcs(f"http://127.0.0.1:{port}", access_key_id=None, access_key_secret=None)

    with pytest.raises(MockEcsError, match=rf"POST http://127\.0\.0\.1:{port}/_mock/reset: "):
        handle.reset()
    with pytest.raises(MockEcsError, match="no active access key"):
        _ = handle.access_key_id


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []
    # GET answers the control plane's not-found for every path: a server older than a route.
    not_found: ClassVar[bytes] = b'{"error": "NotFound", "message": "Not Found"}'

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(404)
        self.send_header("Content-Length", str(len(self.not_found)))
        self.end_headers()
        self.wfile.write(self.not_found)

    def do_POST(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        body = b'{"status": "ok", "instances": 0}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.seen = []
    _Recorder.not_found = b'{"error": "NotFound", "message": "Not Found"}'
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_the_admin_token_goes_with_every_control_call(recorder: str) -> None:
    with_token = MockEcs(recorder, access_key_id="k", access_key_secret="s", admin_token="s3cret")
    without = MockEcs(recorder, access_key_id="k", access_key_secret="s")
    with_token.reset()
    without.reset()
    with_token.close()
    without.close()

    assert _Recorder.seen == ["Bearer s3cret", None]


def test_without_a_key_the_handle_asks_the_server_for_its_default(mock_ecs: MockEcs) -> None:
    handle = MockEcs(mock_ecs.endpoint, access_key_id=None, access_key_secret=None, key_from_server=True)
    mock_ecs.seed(
        {"accounts": [{"id": "1000000000000000", "access_keys": [{"id": "firstAKID", "secret": "first"}]}]}
    )

    assert (handle.access_key_id, handle.access_key_secret) == ("firstAKID", "first")
    handle.close()


def test_a_server_without_the_default_key_route_is_taken_to_hold_the_packaged_key(recorder: str) -> None:
    handle = MockEcs(recorder, access_key_id=None, access_key_secret=None, key_from_server=True)

    assert (handle.access_key_id, handle.access_key_secret) == ("testAKID", "testSecret")
    assert _Recorder.seen == ["/_mock/access-keys/default"]
    handle.close()


def test_a_server_with_no_usable_key_says_so_when_a_key_is_needed(recorder: str) -> None:
    _Recorder.not_found = b'{"error": "NotFound", "message": "no active access key usable ..."}'
    handle = MockEcs(recorder, access_key_id=None, access_key_secret=None, key_from_server=True)

    with pytest.raises(MockEcsError, match="no active access key"):
        _ = handle.access_key_id
    handle.close()


def test_stopping_the_servers_ends_their_threads_and_frees_their_ports() -> None:
    servers = Servers()
    target = servers.target({"stopping_seconds": 1})
    port = int(target.endpoint.rsplit(":", 1)[1])
    assert any(t.name == f"mock-ecs:{port}" for t in threading.enumerate())

    servers.stop_all()

    assert not any(t.name == f"mock-ecs:{port}" for t in threading.enumerate())
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
