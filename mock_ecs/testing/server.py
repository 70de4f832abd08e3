"""mock-ecs served in-process: uvicorn on a background thread with its own event loop.

Imported only when a test first asks for a server, so the plugin costs nothing until then.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Mapping
from typing import Any

import uvicorn
from pydantic import ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from mock_ecs.app import create_app
from mock_ecs.settings import Settings, default_fixtures_path
from mock_ecs.testing.errors import MockEcsError
from mock_ecs.testing.handle import Target

START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 15


class PluginSettings(Settings):
    """The in-process server's settings: the plugin's defaults and the test's choices only.

    ``MOCK_ECS_*`` variables configure a server someone runs; a test's own server must not
    change with the shell it runs in.
    """

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def plugin_settings(overrides: Mapping[str, Any]) -> Settings:
    unknown = sorted(set(overrides) - set(Settings.model_fields))
    if unknown:
        known = ", ".join(sorted(Settings.model_fields))
        raise MockEcsError(f"unknown mock-ecs setting(s) {', '.join(unknown)}; the settings are: {known}")
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,
        "db": ":memory:",
        "fixtures": default_fixtures_path(),
        "log_level": "warning",
        **overrides,
    }
    try:
        return PluginSettings(**values)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise MockEcsError(f"mock-ecs settings: {problems}") from None


class ThreadedServer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    def start(self) -> Target:
        # Built on the calling thread, so a broken fixtures file fails the test that asked.
        app = create_app(self.settings)
        with app.runtime.database.transaction() as store:
            key = store.default_access_key()
        config = uvicorn.Config(
            app,
            log_level=self.settings.log_level,
            log_config=None,  # leave the test session's logging alone
            access_log=False,
            lifespan="on",  # its shutdown closes the database
        )
        self._server = uvicorn.Server(config)
        # Bound here: the port is known before the thread starts, and no other process can take it.
        self._socket = _listening_socket(self.settings.host, self.settings.port)
        port = self._socket.getsockname()[1]
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name=f"mock-ecs:{port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise MockEcsError("the in-process mock-ecs server did not start")
            time.sleep(0.002)
        return Target(
            endpoint=f"http://{self.settings.host}:{port}",
            admin_token=getattr(self.settings, "admin_token", None),
            access_key_id=None if key is None else key.id,
            access_key_secret=None if key is None else key.secret,
        )

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(STOP_TIMEOUT_SECONDS)
            if self._thread.is_alive():  # a request that never ends: let go of it
                self._server.force_exit = True
                self._thread.join(STOP_TIMEOUT_SECONDS)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None


def _listening_socket(host: str, port: int) -> socket.socket:
    # With the protocol named (IPPROTO_TCP, not the 0 of socket.create_server), asyncio sets
    # TCP_NODELAY on each accepted connection; without it, a response's body waits for the
    # client's delayed ACK of its headers: 40 ms on every call over a kept-alive connection.
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.bind(address)
        listener.listen()
    except OSError:
        listener.close()
        raise
    return listener


class Servers:
    """One in-process server per distinct settings, started on first use, kept for the session."""

    def __init__(self) -> None:
        self._running: dict[str, tuple[ThreadedServer, Target]] = {}

    def target(self, overrides: Mapping[str, Any]) -> Target:
        settings = plugin_settings(overrides)
        key = settings.model_dump_json()
        if key not in self._running:
            server = ThreadedServer(settings)
            self._running[key] = (server, server.start())
        return self._running[key][1]

    def stop_all(self) -> None:
        while self._running:
            _, (server, _target) = self._running.popitem()
            server.stop()
