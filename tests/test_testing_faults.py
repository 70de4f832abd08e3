"""The plugin's fault, request-log and admin-token helpers, on the control plane's
``/_mock/faults``, ``/_mock/requests`` and ``MOCK_ECS_ADMIN_TOKEN`` (design notes §3)."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models
from alibabacloud_tea_openapi import exceptions

from mock_ecs.testing import ControlPlaneError, MockEcs
from tests.support.server import ServerProcess
from tests.test_readme import PYTEST_EXAMPLES
from tests.test_testing import INI


def reboot(mock_ecs: MockEcs, *ids: str) -> Any:
    return mock_ecs.tea_client().reboot_instances(
        models.RebootInstancesRequest(region_id="cn-hangzhou", instance_id=list(ids))
    )


def refusal(mock_ecs: MockEcs, *ids: str) -> tuple[str, int, str]:
    with pytest.raises(exceptions.AlibabaCloudException) as raised:
        reboot(mock_ecs, *ids)
    return raised.value.code, raised.value.status_code, (raised.value.data or {}).get("Message", "")


def test_a_fault_answers_the_sdk_with_its_code_status_and_message(mock_ecs: MockEcs) -> None:
    rule = mock_ecs.add_fault("RebootInstances", "Throttling", http_status=503, message="Slow down.")

    assert refusal(mock_ecs, "i-running-1") == ("Throttling", 503, "Slow down.")
    assert mock_ecs.status("i-running-1") == "Running"
    assert rule["action"] == "RebootInstances"
    assert [(f["id"], f["matched"], f["fired"]) for f in mock_ecs.faults()] == [(rule["id"], 1, 1)]


def test_a_fault_with_times_fires_that_often_then_lets_calls_through(mock_ecs: MockEcs) -> None:
    mock_ecs.add_fault("RebootInstances", "LimitedOperation.ServiceUnavailable", times=1)

    assert refusal(mock_ecs, "i-running-1")[0] == "LimitedOperation.ServiceUnavailable"
    reboot(mock_ecs, "i-running-1")
    assert mock_ecs.status("i-running-1") == "Stopping"


def test_a_fault_for_one_instance_leaves_the_others_alone(mock_ecs: MockEcs) -> None:
    mock_ecs.add_fault(
        "RebootInstances", "IncorrectInstanceStatus", http_status=403, instance_id="i-running-2"
    )

    reboot(mock_ecs, "i-running-1")
    assert refusal(mock_ecs, "i-running-2")[0] == "IncorrectInstanceStatus"


def test_clear_faults_says_how_many_it_removed(mock_ecs: MockEcs) -> None:
    mock_ecs.add_fault("RebootInstances", "Throttling")
    mock_ecs.add_fault("RebootInstances", "Throttling", access_key_id="otherAKID")

    assert mock_ecs.clear_faults() == 2
    assert mock_ecs.faults() == []


def test_an_unknown_action_is_refused(mock_ecs: MockEcs) -> None:
    with pytest.raises(ControlPlaneError) as raised:
        mock_ecs.add_fault("DeleteInstance", "Throttling")

    assert (raised.value.status, raised.value.error) == (422, "UnknownAction")


def test_reset_clears_the_faults_and_the_request_log(mock_ecs: MockEcs) -> None:
    mock_ecs.add_fault("RebootInstances", "Throttling")
    with pytest.raises(exceptions.AlibabaCloudException):
        reboot(mock_ecs, "i-running-1")

    mock_ecs.reset()

    assert (mock_ecs.faults(), mock_ecs.requests()) == ([], [])


def test_the_request_log_lists_the_calls_oldest_first(mock_ecs: MockEcs) -> None:
    reboot(mock_ecs, "i-running-1")
    refusal(mock_ecs, "i-missing-1")

    calls = mock_ecs.requests(action="RebootInstances")

    assert [(c["action"], c["access_key_id"], c["http_status"]) for c in calls] == [
        ("RebootInstances", "testAKID", 200),
        ("RebootInstances", "testAKID", 404),
    ]
    assert calls[1]["code"] == "InvalidInstanceId.NotFound"
    assert mock_ecs.requests(limit=1) == calls[-1:]


def test_clear_requests_empties_the_log(mock_ecs: MockEcs) -> None:
    reboot(mock_ecs, "i-running-1")

    mock_ecs.clear_requests()

    assert mock_ecs.requests() == []


def _status_without_token(mock_ecs: MockEcs) -> int:
    connection = http.client.HTTPConnection(mock_ecs.host, timeout=10)
    try:
        connection.request("GET", "/_mock/faults")
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.mock_ecs(admin_token="s3cret")
def test_the_plugin_sends_the_admin_token_of_its_server(mock_ecs: MockEcs) -> None:
    mock_ecs.add_fault("RebootInstances", "Throttling")  # the fixture's reset went through too

    assert len(mock_ecs.faults()) == 1
    assert _status_without_token(mock_ecs) == 401


@pytest.fixture
def guarded_server(tmp_path: Path) -> Iterator[ServerProcess]:
    with ServerProcess(
        "--db", str(tmp_path / "guarded.sqlite3"), env={"MOCK_ECS_ADMIN_TOKEN": "s3cret"}
    ) as server:
        yield server


def test_mock_ecs_admin_token_is_sent_to_a_running_server(
    pytester: pytest.Pytester, guarded_server: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCK_ECS_ENDPOINT", guarded_server.url)
    monkeypatch.setenv("MOCK_ECS_ADMIN_TOKEN", "s3cret")
    pytester.makepyfile(
        """
def test_guarded(mock_ecs):
    mock_ecs.add_fault("RebootInstances", "Throttling", times=1)
    assert [f["action"] for f in mock_ecs.faults()] == ["RebootInstances"]
"""
    )

    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_the_readmes_fault_example_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCK_ECS_ENDPOINT", raising=False)
    pytester.makeini(INI)
    pytester.makepyfile(test_retry=PYTEST_EXAMPLES[1])

    pytester.runpytest_subprocess().assert_outcomes(passed=1)
