"""The request log (``GET /_mock/requests``) and the server's line per call."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ecs import Settings, create_app
from tests.conftest import FakeWallClock
from tests.protocol.wire import sign_exact_v3, v3_headers
from tests.support.api import Api
from tests.support.signer import sign_v1


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def logged(client: TestClient, **query: Any) -> list[dict[str, Any]]:
    response = client.get("/_mock/requests", params=query)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["requests"]
    return entries


def test_a_call_is_logged_with_what_it_asked_and_what_it_got(
    settings: Settings, wall_clock: FakeWallClock
) -> None:
    with TestClient(
        create_app(settings, wall_clock=wall_clock), base_url="http://mock-ecs.test:8080"
    ) as client:
        response = Api(client).send(
            sign_v1(
                {"Action": "RebootInstances", "RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"},
                timestamp=wall_clock.now,
            )
        )
        (entry,) = logged(client)

    assert entry["request_id"] == response.headers["x-acs-request-id"]
    assert entry["time"] == "2026-09-21T14:13:20Z"
    assert (entry["action"], entry["access_key_id"], entry["code"], entry["http_status"]) == (
        "RebootInstances", "testAKID", "200", 200,
    )  # fmt: skip
    assert entry["params"]["InstanceId.1"] == "i-running-1"
    assert entry["duration_ms"] >= 0


def test_an_error_is_logged_with_its_code_and_status(client: TestClient, api: Api) -> None:
    api.reboot("i-missing-1")

    (entry,) = logged(client)
    assert (entry["code"], entry["http_status"]) == ("InvalidInstanceId.NotFound", 404)


@pytest.mark.parametrize(
    ("send", "code"),
    [
        (lambda api: api.reboot("i-running-1", secret="wrong"), "SignatureDoesNotMatch"),
        (lambda api: api.v1("NoSuchAction"), "InvalidAction.NotFound"),
        (
            lambda api: api.send(sign_v1({"Action": "RebootInstances"}, timestamp=1.0)),
            "InvalidTimeStamp.Expired",
        ),
        (lambda api: api.client.get("/?Action=RebootInstances&Version=2014-05-26"), "MissingAccessKeyId"),
        (lambda api: api.client.post("/index.html"), "InvalidAction.NotFound"),
    ],
    ids=["bad signature", "unknown action", "stale timestamp", "unsigned", "another path"],
)
def test_a_call_refused_early_is_logged_too(client: TestClient, api: Api, send: Any, code: str) -> None:
    response = send(api)

    (entry,) = logged(client)
    assert (entry["code"], entry["request_id"]) == (code, response.headers["x-acs-request-id"])


def test_the_claimed_access_key_of_a_refused_call_is_logged(client: TestClient, api: Api) -> None:
    api.reboot("i-running-1", key="noSuchKey")

    assert logged(client)[0]["access_key_id"] == "noSuchKey"


def test_calls_are_listed_oldest_first(client: TestClient, api: Api) -> None:
    ids = [api.reboot(f"i-missing-{n}").headers["x-acs-request-id"] for n in range(3)]

    assert [entry["request_id"] for entry in logged(client)] == ids


def test_limit_keeps_the_newest_calls(client: TestClient, api: Api) -> None:
    ids = [api.reboot(f"i-missing-{n}").headers["x-acs-request-id"] for n in range(5)]

    assert [entry["request_id"] for entry in logged(client, limit=2)] == ids[-2:]


def test_calls_can_be_filtered_by_action(client: TestClient, api: Api) -> None:
    api.v1("NoSuchAction")
    api.reboot("i-running-1")

    assert [entry["action"] for entry in logged(client, action="RebootInstances")] == ["RebootInstances"]


@pytest.fixture
def small_log(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"request_log_size": 3}))
    with TestClient(app, base_url="http://mock-ecs.test:8080") as client:
        yield client


def test_the_log_keeps_the_last_request_log_size_calls(small_log: TestClient) -> None:
    ids = [Api(small_log).reboot(f"i-missing-{n}").headers["x-acs-request-id"] for n in range(70)]

    assert [entry["request_id"] for entry in logged(small_log, limit=1000)] == ids[-3:]


def test_the_log_holds_a_bounded_number_of_rows(small_log: TestClient) -> None:
    for n in range(200):
        Api(small_log).reboot(f"i-missing-{n}")
    runtime = small_log.app.runtime  # type: ignore[attr-defined]
    with runtime.database.transaction() as store:
        rows = store.connection.exec_driver_sql("SELECT count(*) FROM request_log").scalar()

    assert rows <= 3 + 64


def test_a_log_size_of_zero_keeps_nothing(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"request_log_size": 0}))
    with TestClient(app, base_url="http://mock-ecs.test:8080") as client:
        Api(client).reboot("i-running-1")

        assert logged(client) == []


def test_deleting_the_log_clears_it(client: TestClient, api: Api) -> None:
    api.reboot("i-running-1")

    assert client.delete("/_mock/requests").json() == {"deleted": 1}
    assert logged(client) == []


def test_a_reset_clears_the_log(client: TestClient, api: Api) -> None:
    api.reboot("i-running-1")
    client.post("/_mock/reset").raise_for_status()

    assert logged(client) == []


# -- secrets -------------------------------------------------------------------------------


def test_a_v1_signature_and_security_token_are_redacted(client: TestClient, api: Api) -> None:
    api.v1(
        "RebootInstances",
        {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1", "SecurityToken": "CAIS-live-token"},
        key="STS.liveKey",
        secret="stsSecret",
    )

    (entry,) = logged(client)
    assert entry["code"] == "200"
    assert (entry["params"]["Signature"], entry["params"]["SecurityToken"]) == ("***", "***")
    assert entry["params"]["SignatureNonce"] != "***"
    assert "CAIS-live-token" not in json.dumps(entry)


def test_a_v3_authorization_keeps_its_credential_and_hides_its_signature(
    client: TestClient, api: Api
) -> None:
    response = api.v3("RebootInstances", {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"})
    assert response.status_code == 200

    (entry,) = logged(client)
    authorization = entry["headers"]["authorization"]
    assert authorization.startswith("ACS3-HMAC-SHA256 Credential=testAKID,SignedHeaders=")
    assert authorization.endswith(",Signature=***")
    assert (entry["action"], entry["headers"]["x-acs-action"]) == ("RebootInstances", "RebootInstances")


def test_a_v3_security_token_header_is_redacted(client: TestClient, api: Api) -> None:
    headers = v3_headers("RebootInstances", timestamp=_now(), nonce=uuid.uuid4().hex)
    headers["x-acs-security-token"] = "CAIS-live-token"
    query = {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"}
    assert api.send(sign_exact_v3(query, headers, key="STS.liveKey", secret="stsSecret")).status_code == 200

    (entry,) = logged(client)
    assert entry["headers"]["x-acs-security-token"] == "***"
    assert "CAIS-live-token" not in json.dumps(entry)


def test_passwords_and_secrets_are_redacted(client: TestClient, api: Api) -> None:
    api.v1("NoSuchAction", {"Password": "hunter2", "AccessKeySecret": "s3cret"})

    (entry,) = logged(client)
    assert (entry["params"]["Password"], entry["params"]["AccessKeySecret"]) == ("***", "***")


# -- the server log --------------------------------------------------------------------------


def test_each_call_writes_one_json_line_to_the_server_log(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="mock_ecs.requests"):
        response = api.reboot("i-running-1", secret="wrong")

    (record,) = [r for r in caplog.records if r.name == "mock_ecs.requests"]
    line = json.loads(record.getMessage())
    assert (line["request_id"], line["code"], line["http_status"]) == (
        response.headers["x-acs-request-id"], "SignatureDoesNotMatch", 400,
    )  # fmt: skip
    assert line["params"]["Signature"] == "***"
