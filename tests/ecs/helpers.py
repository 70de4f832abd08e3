"""Small helpers shared by the DescribeInstances and DescribeInstanceStatus tests."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

OWNER = "1000000000000001"


def error_of(response: Any) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["Code"], body["Message"]


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


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
