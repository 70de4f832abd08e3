"""The API endpoint as a bare ASGI application.

No framework routing or exception handling sits in front of the gateway, so no input can
meet a framework-default error page: every answer is the gateway's. The gateway's work is
short synchronous SQL, run inline (see design notes §2, "a lean hot path"); a fault rule's
delay is awaited here, after it, so a delayed answer never holds up the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Protocol

from mock_ecs.protocol.gateway import Answer
from mock_ecs.protocol.request import HttpRequest

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


class HandlesHttp(Protocol):
    def handle(self, http: HttpRequest) -> Answer: ...


class RpcEndpoint:
    def __init__(self, gateway: HandlesHttp, sleep: Sleep = asyncio.sleep) -> None:
        self.gateway = gateway
        self.sleep = sleep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _read_body(receive)
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        http = HttpRequest(
            method=scope["method"],
            path=scope["path"],
            query_string=scope["query_string"].decode("utf-8", "replace"),
            headers=headers,
            body=body,
        )
        answer = self.gateway.handle(http)
        if answer.delay_seconds > 0:
            await self.sleep(answer.delay_seconds)
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [
                    (b"content-type", answer.content_type.encode()),
                    (b"content-length", str(len(answer.body)).encode()),
                    (b"x-acs-request-id", answer.request_id.encode()),
                    *((name.encode(), value.encode()) for name, value in answer.headers),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"" if http.method == "HEAD" else answer.body})


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
