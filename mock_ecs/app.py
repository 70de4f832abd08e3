"""``create_app(settings)``: the ASGI application. Nothing happens at import time.

Requests under ``/_mock`` go to the control plane (FastAPI); every other HTTP request is an
API call and goes straight to the gateway, so no framework routing or error page ever
answers an API client.
"""

from __future__ import annotations

from mock_ecs import ecs
from mock_ecs.clock import WallClock, system_wall_clock
from mock_ecs.control.app import create_control_app
from mock_ecs.protocol.asgi import Receive, RpcEndpoint, Scope, Send
from mock_ecs.protocol.gateway import Gateway, GatewayOptions
from mock_ecs.runtime import Runtime
from mock_ecs.settings import Settings
from mock_ecs.store.session import StoreSession

CONTROL_PREFIX = "/_mock"


class MockEcsApp:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        handlers = ecs.actions(runtime.durations)
        self.gateway: Gateway[StoreSession] = Gateway(
            product=ecs.PRODUCT,
            version=ecs.API_VERSION,
            handlers=handlers,
            transaction=runtime.database.transaction,
            options=GatewayOptions(
                check_timestamp=runtime.settings.check_timestamp, check_nonce=runtime.settings.check_nonce
            ),
            wall_clock=runtime.wall_clock,
        )
        self.api = RpcEndpoint(self.gateway)
        self.control = create_control_app(runtime, handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not _is_control(scope["path"]):
            await self.api(scope, receive, send)
        else:
            await self.control(scope, receive, send)


def _is_control(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def create_app(settings: Settings | None = None, *, wall_clock: WallClock = system_wall_clock) -> MockEcsApp:
    runtime = Runtime(settings or Settings(), wall_clock)
    runtime.start()
    return MockEcsApp(runtime)
