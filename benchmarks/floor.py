"""The floor of the comparison: a bare ASGI app that answers any request with a fixed
700-byte JSON body, served by uvicorn exactly as ``mock-ecs serve`` serves mock-ecs (one
worker, its event loop, the HTTP implementation "auto", no access log). Whatever it cannot beat is
the cost of uvicorn and the load generator on this machine, not of mock-ecs.

    python -m benchmarks.floor [--host 127.0.0.1] [--port 8090]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn

# mock_ecs.cli.EVENT_LOOP, written out: importing mock-ecs would slow the floor's start-up
# (tests/benchmarks check the two agree).
EVENT_LOOP = "asyncio"

BODY_SIZE = 700

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def _body(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes, about the size of a small ECS answer."""
    fields = {"RequestId": "8F8B0C4E-7D44-4D2B-9C2A-0F2D3B1C5E6A", "Padding": ""}
    fields["Padding"] = "x" * (size - len(json.dumps(fields, separators=(",", ":"))))
    return json.dumps(fields, separators=(",", ":")).encode()


BODY = _body(BODY_SIZE)
HEADERS = [(b"content-type", b"application/json;charset=utf-8"), (b"content-length", str(BODY_SIZE).encode())]


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await receive()  # lifespan.startup
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args(argv)
    # The settings of mock_ecs.cli.serve: one process, its loop, "auto" parser, no access log.
    uvicorn.run(app, host=args.host, port=args.port, workers=1, loop=EVENT_LOOP, http="auto",
                access_log=False, lifespan="on")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
