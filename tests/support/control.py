"""A small client of the control plane (/_mock), as tests use it."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx


class Control:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def _ok(self, response: httpx.Response) -> Any:
        assert response.status_code < 300, response.text
        return response.json()

    def reset(self) -> Any:
        return self._ok(self.http.post("/_mock/reset"))

    def load(self, document: dict[str, Any]) -> Any:
        return self._ok(self.http.post("/_mock/fixtures", json=document))

    def instance(self, instance_id: str) -> Any:
        return self._ok(self.http.get(f"/_mock/instances/{instance_id}"))

    def status(self, instance_id: str) -> str:
        status: str = self.instance(instance_id)["status"]
        return status

    def patch_instance(self, instance_id: str, **fields: Any) -> Any:
        return self._ok(self.http.patch(f"/_mock/instances/{instance_id}", json=fields))

    def set_balance(self, account_id: str, balance: float) -> Any:
        return self._ok(self.http.patch(f"/_mock/accounts/{account_id}", json={"balance": balance}))

    def clock(self, **command: Any) -> Any:
        return self._ok(
            self.http.post("/_mock/clock", json=command) if command else self.http.get("/_mock/clock")
        )

    def freeze(self) -> Any:
        return self.clock(freeze=True)

    def advance(self, seconds: float) -> Any:
        return self.clock(advance_seconds=seconds)

    def close(self) -> None:
        self.http.close()
