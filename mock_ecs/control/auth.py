"""The admin token: with ``admin_token`` set, every ``/_mock/`` route but ``GET /_mock/health``
asks for ``Authorization: Bearer <token>`` (design notes §3).

Enforced by a middleware around the whole control app rather than a dependency of each
route, so no route (the OpenAPI document and docs included, or one added later) can escape it.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import FastAPI

from mock_ecs.protocol.asgi import Receive, Scope, Send

SCHEME = "bearerAuth"
HEALTH = "/_mock/health"
_OPEN = frozenset({("GET", HEALTH), ("HEAD", HEALTH)})


class RequireToken:
    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self._token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) in _OPEN or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {"error": "Unauthorized", "message": "this control plane needs 'Authorization: Bearer <token>'"}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b"Bearer"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _allowed(self, scope: Scope) -> bool:
        given = [value for name, value in scope["headers"] if name.lower() == b"authorization"]
        if len(given) != 1:
            return False
        scheme, _, credentials = given[0].strip().partition(b" ")
        # The scheme name is case-insensitive (RFC 7235 §2.1); the token is compared in
        # constant time.
        return scheme.lower() == b"bearer" and hmac.compare_digest(credentials.strip(), self._token)


def describe_bearer(app: FastAPI, *, required: bool) -> None:
    """Add the bearer scheme to the app's OpenAPI document; required (but by health) when set."""
    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = plain_openapi()
        schema.setdefault("components", {}).setdefault("securitySchemes", {})[SCHEME] = {
            "type": "http",
            "scheme": "bearer",
            "description": "The server's admin token (MOCK_ECS_ADMIN_TOKEN); required only when it is set.",
        }
        if required:
            schema["security"] = [{SCHEME: []}]
            for operation in schema["paths"].get(HEALTH, {}).values():
                operation["security"] = []
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
