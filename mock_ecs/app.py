"""``create_app(settings)``: the ASGI application. Nothing happens at import time.

Requests under ``/_mock`` go to the control plane (FastAPI); every other HTTP request is an
API call and goes straight to the gateway, so no framework routing or error page ever
answers an API client.

The control plane is built on its first request: FastAPI and the control plane's models
take longer to import than the rest of the server together, and a server that only ever
answers the API (``docker compose``, an SDK pointed at it) has no use for them.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import threading
from types import ModuleType
from typing import TYPE_CHECKING

from mock_ecs import ecs
from mock_ecs.clock import WallClock, system_wall_clock
from mock_ecs.ecs.ids import request_instance_ids
from mock_ecs.protocol import errors as protocol_errors
from mock_ecs.protocol.asgi import Receive, RpcEndpoint, Scope, Send, Sleep
from mock_ecs.protocol.faults import catalogue
from mock_ecs.protocol.gateway import Gateway, GatewayOptions
from mock_ecs.runtime import Runtime
from mock_ecs.settings import Settings
from mock_ecs.store.session import StoreSession

if TYPE_CHECKING:
    from fastapi import FastAPI

CONTROL_PREFIX = "/_mock"


class MockEcsApp:
    def __init__(self, runtime: Runtime, *, sleep: Sleep = asyncio.sleep) -> None:
        self.runtime = runtime
        handlers = ecs.actions(runtime.durations)
        settings = runtime.settings
        self.gateway: Gateway[StoreSession] = Gateway(
            product=ecs.PRODUCT,
            version=ecs.API_VERSION,
            handlers=handlers,
            transaction=runtime.database.request_transaction,
            options=GatewayOptions(
                check_timestamp=settings.check_timestamp,
                check_nonce=settings.check_nonce,
                rate_limit=settings.rate_limit,
                request_log_size=settings.request_log_size,
            ),
            wall_clock=runtime.wall_clock,
            request_ids=runtime.new_request_id,
            resource_ids=request_instance_ids,
        )
        self.api = RpcEndpoint(self.gateway, sleep)
        self._actions = list(handlers)
        self._control: FastAPI | None = None
        self._control_lock = threading.Lock()

    @property
    def control(self) -> FastAPI:
        """The control plane's FastAPI app, built on first use."""
        with self._control_lock:
            if self._control is None:
                from mock_ecs.control.app import create_control_app

                self._control = create_control_app(self.runtime, self._actions, catalogue(error_modules()))
            return self._control

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http" and not _is_control(scope["path"]):
            await self.api(scope, receive, send)
        else:
            await self.control(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        """Nothing to start (the runtime is ready); shutting down closes the database."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.runtime.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _is_control(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def error_modules() -> list[ModuleType]:
    """Where error codes are defined: the protocol's catalogue and every module of the product."""
    product = [
        importlib.import_module(info.name) for info in pkgutil.iter_modules(ecs.__path__, "mock_ecs.ecs.")
    ]
    return [protocol_errors, *product]


def create_app(
    settings: Settings | None = None,
    *,
    wall_clock: WallClock = system_wall_clock,
    sleep: Sleep = asyncio.sleep,
) -> MockEcsApp:
    """The app; ``wall_clock`` and ``sleep`` (how a fault's delay waits) are for tests to replace."""
    runtime = Runtime(settings or Settings(), wall_clock)
    runtime.start()
    return MockEcsApp(runtime, sleep=sleep)
