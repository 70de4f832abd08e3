"""A tiny JSON client of the control plane, on the standard library alone.

Installing mock-ecs is enough to use the plugin, so no third-party HTTP client; and
``http.client`` rather than ``urllib.request``, which would send 127.0.0.1 through any
``HTTP_PROXY`` of the environment.
"""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from mock_ecs.testing.errors import ControlPlaneError, MockEcsError

TIMEOUT_SECONDS = 30
# A kept-alive connection the server has since closed fails on its next use: retried once.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class ControlClient:
    def __init__(self, endpoint: str, admin_token: str | None = None) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise MockEcsError(f"not an http(s) URL: {endpoint!r}")
        self._scheme, self._netloc = parts.scheme, parts.netloc
        self._base = parts.path.rstrip("/")
        self._headers = {"Accept": "application/json"}
        if admin_token:
            self._headers["Authorization"] = f"Bearer {admin_token}"
        self._connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.call("PATCH", path, body)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        payload = None if body is None else json.dumps(body).encode()
        headers = dict(self._headers)
        if payload is not None:
            headers["Content-Type"] = "application/json"
        try:
            status, data = self._exchange(method, path, payload, headers)
        except OSError as error:  # refused, unreachable, timed out: say where
            self.close()
            raise MockEcsError(
                f"{method} {self._scheme}://{self._netloc}{self._base}{path}: {error}"
            ) from error
        try:
            answer = json.loads(data) if data else None
        except ValueError:  # a proxy's error page, say
            answer = None
        if status >= 300:
            name, message = "Error", data.decode(errors="replace")
            if isinstance(answer, dict):
                name = str(answer.get("error", name))
                message = str(answer.get("message", message))
            raise ControlPlaneError(method, path, status, name, message)
        return answer

    def _exchange(
        self, method: str, path: str, payload: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        reused = self._connection is not None
        try:
            return self._send(method, path, payload, headers)
        except _STALE:
            self.close()
            if not reused:
                raise
            return self._send(method, path, payload, headers)

    def _send(
        self, method: str, path: str, payload: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        if self._connection is None:
            kind = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            self._connection = kind(self._netloc, timeout=TIMEOUT_SECONDS)
        self._connection.request(method, self._base + path, body=payload, headers=headers)
        response = self._connection.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
