"""One request, one transaction: what a failing or conflicting handler leaves behind."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

import mock_ecs.ecs
from mock_ecs import Settings, create_app
from mock_ecs.ecs import errors as ecs_errors
from mock_ecs.ecs.instances import EcsStore
from mock_ecs.ecs.lifecycle import REBOOT, PhaseDurations, plan
from mock_ecs.protocol.errors import StateConflict
from mock_ecs.protocol.request import ApiCall
from tests.support.api import Api

Handler = Callable[[ApiCall, EcsStore], dict[str, Any]]
NONCE = "a-nonce-for-this-test"


@pytest.fixture
def serve_handler(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[Callable[[Handler], Api]]:
    """An app whose RebootInstances is the given handler."""
    clients: list[TestClient] = []

    def build(handler: Handler) -> Api:
        monkeypatch.setattr(mock_ecs.ecs, "actions", lambda defaults: {"RebootInstances": handler})
        client = TestClient(create_app(settings), base_url="http://mock-ecs.test:8080")
        clients.append(client.__enter__())
        return Api(client)

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def _status(api: Api, instance_id: str) -> str:
    status: str = api.client.get(f"/_mock/instances/{instance_id}").json()["status"]
    return status


def test_an_error_raised_after_a_write_undoes_the_write_and_keeps_the_nonce(
    serve_handler: Callable[[Handler], Api],
) -> None:
    def write_then_fail(call: ApiCall, store: EcsStore) -> dict[str, Any]:
        instance = store.instances(call.account_id, "cn-hangzhou", ["i-running-1"])["i-running-1"]
        store.start_schedule(instance, plan(REBOOT, store.mock_now(), PhaseDurations(5, 5, 1), force=False))
        raise ecs_errors.INCORRECT_INSTANCE_STATUS()

    api = serve_handler(write_then_fail)
    response = api.reboot("i-running-1", nonce=NONCE)

    assert (response.status_code, response.json()["Code"]) == (403, "IncorrectInstanceStatus")
    assert _status(api, "i-running-1") == "Running"
    assert api.reboot("i-running-1", nonce=NONCE).json()["Code"] == "SignatureNonceUsed"


def _conflicting(times: int, attempts: list[int]) -> Handler:
    def handler(call: ApiCall, store: EcsStore) -> dict[str, Any]:
        attempts.append(1)
        if len(attempts) <= times:
            raise StateConflict("i-running-1")
        return {}

    return handler


def test_a_lost_check_and_set_is_evaluated_again(serve_handler: Callable[[Handler], Api]) -> None:
    attempts: list[int] = []
    api = serve_handler(_conflicting(4, attempts))

    response = api.reboot("i-running-1")

    assert response.status_code == 200
    assert len(attempts) == 5


def test_conflicts_that_do_not_end_answer_409_and_keep_the_nonce(
    serve_handler: Callable[[Handler], Api],
) -> None:
    attempts: list[int] = []
    api = serve_handler(_conflicting(1000, attempts))

    response = api.reboot("i-running-1", nonce=NONCE)

    assert response.status_code == 409
    assert response.json()["Code"] == "InvalidOperation.Conflict"
    assert response.json()["Message"] == (
        "Request was denied due to conflict with a previous request, please try again later."
    )
    assert len(attempts) == 5
    assert api.reboot("i-running-1", nonce=NONCE).json()["Code"] == "SignatureNonceUsed"
