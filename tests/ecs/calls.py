"""Helpers for the ECS actions' unit tests: calls, the documented errors, what they read."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
from sqlalchemy import select
from starlette.testclient import TestClient

from mock_ecs import MockEcsApp
from mock_ecs.store import tables
from tests.support.api import Api

NOT_FOUND = (404, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.")
SECURITY = (
    403,
    "InstanceLockedForSecurity",
    "The specified operation is denied as your instance is locked for security reasons.",
)
ARREARS = (
    403,
    "InstanceExpiredOrInArrears",
    "The specified operation is denied as your prepay instance is expired (prepay mode) "
    "or in arrears (afterpay mode).",
)
BALANCE = (403, "InsufficientBalance", "Your account does not have enough balance.")
NOT_READY = (403, "InstanceNotReady", "The specified instance is not ready for use.")
BAD_STATUS = (
    403,
    "IncorrectInstanceStatus",
    "The current status of the resource does not support this operation.",
)
DRYRUN = (400, "DRYRUN.SUCCESS", "This request is a dryrun request with successful result.")
DRY_RUN_OPERATION = (400, "DryRunOperation", "Request validation has been passed with DryRun flag set.")
DEBT = {"key": "debtAKID", "secret": "debtSecret"}
OWNER = "1000000000000001"  # the test account of tests/data/world.yaml


def invalid(name: str) -> tuple[int, str, str]:
    return 400, "InvalidParameter", f'The specified parameter "{name}" is not valid.'


def batch(
    api: Api,
    action: str,
    *ids: str,
    region: str = "cn-hangzhou",
    key: str = "testAKID",
    secret: str = "testSecret",
    **params: str,
) -> httpx.Response:
    """A batch action (StartInstances, StopInstances) signed V1 by ``key``."""
    numbered = {f"InstanceId.{n}": instance_id for n, instance_id in enumerate(ids, start=1)}
    return api.v1(action, {"RegionId": region, **numbered, **params}, key=key, secret=secret)


def error_of(response: Any) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["Code"], body["Message"]


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def entries(response: Any) -> list[tuple[str, str, str, str, str]]:
    assert response.status_code == 200, response.text
    return [
        (e["InstanceId"], e["Code"], e["Message"], e["PreviousStatus"], e["CurrentStatus"])
        for e in response.json()["InstanceResponses"]["InstanceResponse"]
    ]


def status(client: TestClient, instance_id: str) -> str:
    value: str = client.get(f"/_mock/instances/{instance_id}").json()["status"]
    return value


def phase(client: TestClient, instance_id: str) -> dict[str, Any]:
    value: dict[str, Any] = client.get(f"/_mock/instances/{instance_id}").json()["phase"]
    return value


def stopped_mode(app: MockEcsApp, instance_id: str) -> str | None:
    """The stop mode recorded on the instance (the control plane does not show it)."""
    instances = tables.INSTANCES
    with app.runtime.database.transaction() as store:
        value: str | None = store.connection.execute(
            select(instances.c.stopped_mode).where(instances.c.id == instance_id)
        ).scalar_one()
    return value


def freeze(client: TestClient) -> None:
    assert client.post("/_mock/clock", json={"freeze": True}).status_code == 200


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/_mock/clock", json={"advance_seconds": seconds}).status_code == 200


def seed(client: TestClient, count: int, region: str = "cn-hangzhou", **fields: Any) -> list[str]:
    """``count`` more instances of the test account, created through the control plane."""
    document = {
        "instances": [
            {"id": f"i-seed-{n:04d}", "account": OWNER, "region": region, **fields} for n in range(count)
        ]
    }
    response = client.post("/_mock/fixtures", json=document)
    assert response.status_code == 200, response.text
    created: list[str] = response.json()["instances"]
    return created
