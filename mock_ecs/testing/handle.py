""":class:`MockEcs`, what the ``mock_ecs`` fixture hands a test: where the server is, the
key to call it with, clients of the official SDKs, and the control plane as methods."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from mock_ecs.testing import sdk
from mock_ecs.testing.errors import ControlPlaneError, MockEcsError
from mock_ecs.testing.http import ControlClient

DEFAULT_REGION = "cn-hangzhou"
DEFAULT_KEY_PATH = "/_mock/access-keys/default"
# A server older than that route answers the control plane's not-found for any unknown path:
# it is taken to hold the packaged fixtures' key, as the plugin assumed before it could ask.
_NO_SUCH_ROUTE = (404, "NotFound", "Not Found")
PACKAGED_KEY = ("testAKID", "testSecret")


@dataclass(frozen=True)
class Target:
    """Where a server answers, and what a test needs to call it."""

    endpoint: str  # http://host:port
    admin_token: str | None
    access_key_id: str | None  # None: the fixtures hold no usable key, or ask the server
    access_key_secret: str | None
    key_from_server: bool = False  # no key given: ask the server for its default one


class MockEcs:
    def __init__(
        self,
        endpoint: str,
        *,
        access_key_id: str | None,
        access_key_secret: str | None,
        admin_token: str | None = None,
        region_id: str = DEFAULT_REGION,
        key_from_server: bool = False,
    ) -> None:
        """``key_from_server``: without a key, ask the server for its default one when a test
        first needs it (after the fixture's reset, so the key is the reset state's)."""
        parts = urlsplit(endpoint)
        if parts.hostname is None:
            raise MockEcsError(f"not a URL: {endpoint!r}")
        self.endpoint = endpoint.rstrip("/")
        self.host = parts.netloc  # what the Tea SDK's `endpoint` takes: host:port
        self.hostname = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.protocol = parts.scheme
        self.region_id = region_id
        self._key_id, self._key_secret = access_key_id, access_key_secret
        self._key_from_server = key_from_server
        self._control = ControlClient(endpoint, admin_token)
        self._closers: list[Any] = []

    @classmethod
    def of(cls, target: Target) -> MockEcs:
        return cls(
            target.endpoint,
            access_key_id=target.access_key_id,
            access_key_secret=target.access_key_secret,
            admin_token=target.admin_token,
            key_from_server=target.key_from_server,
        )

    def __repr__(self) -> str:
        return f"MockEcs({self.endpoint!r})"

    @property
    def access_key_id(self) -> str:
        return self._key()[0]

    @property
    def access_key_secret(self) -> str:
        return self._key()[1]

    def _key(self) -> tuple[str, str]:
        if (self._key_id is None or self._key_secret is None) and self._key_from_server:
            self._key_id, self._key_secret = self._server_key()
        if self._key_id is None or self._key_secret is None:
            raise MockEcsError("the server's fixtures hold no active access key: add one with seed()")
        return self._key_id, self._key_secret

    def _server_key(self) -> tuple[str | None, str | None]:
        try:
            key: dict[str, str] = self._control.get(DEFAULT_KEY_PATH)
        except ControlPlaneError as error:
            if (error.status, error.error, error.message) == _NO_SUCH_ROUTE:
                return PACKAGED_KEY
            if error.status == 404:  # the route's own answer: no usable key (yet)
                return None, None
            raise
        return key["id"], key["secret"]

    # --- clients of the official SDKs

    def classic_client(self, *, region_id: str | None = None, **options: Any) -> Any:
        """aliyunsdkcore's ``AcsClient``, signing V1, sending every ECS request to this server."""
        client = sdk.classic_client(
            self.hostname,
            self.port,
            self.access_key_id,
            self.access_key_secret,
            region_id or self.region_id,
            **options,
        )
        self._closers.append(client.session.close)  # its keep-alive pool, else closed by a finaliser
        return client

    def tea_client(self, *, region_id: str | None = None, **config: Any) -> Any:
        """``alibabacloud_ecs20140526.client.Client``, signing V3 (``signature_algorithm="v2"``: V1)."""
        return sdk.tea_client(
            self.host,
            self.protocol,
            self.access_key_id,
            self.access_key_secret,
            region_id or self.region_id,
            **config,
        )

    # --- state

    def reset(self) -> None:
        """Back to the fixtures loaded at start-up; faults, request log and clock cleared."""
        self._control.post("/_mock/reset")

    def seed(self, document: Mapping[str, Any]) -> list[str]:
        """Add or replace what a fixtures document names; returns the instance ids it held."""
        instances: list[str] = self._control.post("/_mock/fixtures", dict(document))["instances"]
        return instances

    def create_instance(self, **fields: Any) -> dict[str, Any]:
        created: dict[str, Any] = self._control.post("/_mock/instances", fields)
        return created

    def instance(self, instance_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self._control.get(f"/_mock/instances/{quote(instance_id, safe='')}")
        return found

    def status(self, instance_id: str) -> str:
        """The instance's status as the mock clock sees it now."""
        status: str = self.instance(instance_id)["status"]
        return status

    def instances(self, **filters: str) -> list[dict[str, Any]]:
        """Every instance, or those of an ``account``, ``region`` or ``status``."""
        query = f"?{urlencode(filters)}" if filters else ""
        found: list[dict[str, Any]] = self._control.get(f"/_mock/instances{query}")["instances"]
        return found

    def set_instance(self, instance_id: str, **fields: Any) -> dict[str, Any]:
        """Set any of ``status``, ``locks``, ``stopping_seconds``, ``starting_seconds``,
        ``description``, ``tags``."""
        patched: dict[str, Any] = self._control.patch(
            f"/_mock/instances/{quote(instance_id, safe='')}", fields
        )
        return patched

    def set_balance(self, account: str, balance: float) -> dict[str, Any]:
        patched: dict[str, Any] = self._control.patch(
            f"/_mock/accounts/{quote(account, safe='')}", {"balance": balance}
        )
        return patched

    # --- the mock clock (request timestamps are still judged by real time)

    def freeze_clock(self, at: str | datetime | None = None) -> dict[str, Any]:
        """Stop the mock clock, now or at ``at`` (ISO 8601, or an aware datetime)."""
        command: dict[str, Any] = {"freeze": True}
        if at is not None:
            command["set"] = _iso(at)
        return self._clock(command)

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        return self._clock({"advance_seconds": seconds})

    def set_clock(self, at: str | datetime) -> dict[str, Any]:
        return self._clock({"set": _iso(at)})

    def unfreeze_clock(self) -> dict[str, Any]:
        """Let mock time run again from where it stands."""
        return self._clock({"freeze": False})

    def clock(self) -> dict[str, Any]:
        """``{"now": ISO 8601, "epoch": seconds, "frozen": bool}``"""
        view: dict[str, Any] = self._control.get("/_mock/clock")
        return view

    def now(self) -> datetime:
        """Mock time, as an aware UTC datetime."""
        return datetime.fromtimestamp(self.clock()["epoch"], UTC)

    def _clock(self, command: dict[str, Any]) -> dict[str, Any]:
        view: dict[str, Any] = self._control.post("/_mock/clock", command)
        return view

    # --- faults and the request log

    def add_fault(
        self,
        action: str,
        code: str | None = None,
        *,
        http_status: int | None = None,
        message: str | None = None,
        instance_id: str | None = None,
        access_key_id: str | None = None,
        times: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        delay_ms: int = 0,
        retry_after_ms: int | None = None,
    ) -> dict[str, Any]:
        """Answer ``action`` with the error ``code``: every time, the first ``times`` matches,
        or with ``probability`` (repeatably under ``seed``). Without ``code``, the rule only
        delays the call by ``delay_ms``. Unset fields take the server's defaults (the
        catalogue's HTTP status and message for a known code). Returns the stored rule."""
        rule = {
            "action": action,
            "instance_id": instance_id,
            "access_key_id": access_key_id,
            "code": code,
            "http_status": http_status,
            "message": message,
            "times": times,
            "probability": probability,
            "seed": seed,
            "delay_ms": delay_ms,
            "retry_after_ms": retry_after_ms,
        }
        added: dict[str, Any] = self._control.post(
            "/_mock/faults", {name: value for name, value in rule.items() if value is not None}
        )
        return added

    def faults(self) -> list[dict[str, Any]]:
        """The rules, each with how often it ``matched`` and ``fired``."""
        rules: list[dict[str, Any]] = self._control.get("/_mock/faults")["faults"]
        return rules

    def clear_faults(self) -> int:
        deleted: int = self._control.delete("/_mock/faults")["deleted"]
        return deleted

    def requests(self, action: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """The last API calls the server answered, oldest first: ``limit`` of them (the
        server's default is 100), of ``action`` only if given."""
        query = {k: v for k, v in (("action", action), ("limit", limit)) if v is not None}
        path = "/_mock/requests" + (f"?{urlencode(query)}" if query else "")
        calls: list[dict[str, Any]] = self._control.get(path)["requests"]
        return calls

    def clear_requests(self) -> None:
        self._control.delete("/_mock/requests")

    def close(self) -> None:
        """Release the connections of this object and of the clients it made."""
        while self._closers:
            self._closers.pop()()
        self._control.close()


def _iso(moment: str | datetime) -> str:
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        raise MockEcsError(f"a naive datetime is ambiguous: {moment!r}; give it a tzinfo")
    return moment.isoformat()
