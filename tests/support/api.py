"""Hand-built, independently signed API calls against an in-process app."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
from starlette.testclient import TestClient

from tests.support.signer import SignedRequest, sign_v1, sign_v3

HOST = "mock-ecs.test:8080"


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def send(self, request: SignedRequest) -> httpx.Response:
        headers = {"host": HOST, **request.headers}
        return self.client.request(request.method, request.url, headers=headers, content=request.body)

    def v1(self, action: str, params: dict[str, str] | None = None, **signing: Any) -> httpx.Response:
        return self.send(sign_v1({"Action": action, **(params or {})}, **signing))

    def v3(self, action: str, params: dict[str, str] | None = None, **signing: Any) -> httpx.Response:
        return self.send(sign_v3(action, params or {}, host=HOST, **signing))

    def reboot(
        self,
        *ids: str,
        region: str = "cn-hangzhou",
        key: str = "testAKID",
        secret: str = "testSecret",
        nonce: str | None = None,
        **params: str,
    ) -> httpx.Response:
        """RebootInstances signed V1 by ``key``; ``params`` are further API parameters."""
        numbered = {f"InstanceId.{n}": instance_id for n, instance_id in enumerate(ids, start=1)}
        return self.v1(
            "RebootInstances", {"RegionId": region, **numbered, **params}, key=key, secret=secret, nonce=nonce
        )
