"""The pytest plugin: a mock-ecs server for the session, a clean state for every test.

Installing mock-ecs registers it (the ``pytest11`` entry point); a test asks for it by name::

    def test_reboot(mock_ecs):
        client = mock_ecs.tea_client()
        ...

``mock_ecs`` resets the server before each test and hands it a :class:`MockEcs`. The server
runs in-process, on a thread, one per distinct settings (``@pytest.mark.mock_ecs(...)``,
indirect parametrisation, or a ``mock_ecs_settings`` fixture of your own); with
``MOCK_ECS_ENDPOINT`` set, the tests use that running server instead.

Nothing heavy is imported until a test asks for a server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mock_ecs.testing.errors import ControlPlaneError, MockEcsError, SdkNotInstalled
from mock_ecs.testing.handle import MockEcs, Target

if TYPE_CHECKING:
    from mock_ecs.testing.server import Servers

__all__ = ["ControlPlaneError", "MockEcs", "MockEcsError", "SdkNotInstalled"]

ENDPOINT_VARIABLE = "MOCK_ECS_ENDPOINT"
# A key to sign with on a running server; without them, the server is asked for its default key.
KEY_ID_VARIABLE, KEY_SECRET_VARIABLE = "MOCK_ECS_ACCESS_KEY_ID", "MOCK_ECS_ACCESS_KEY_SECRET"
TOKEN_VARIABLE = "MOCK_ECS_ADMIN_TOKEN"
MARKER = "mock_ecs"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "mock_ecs_fixtures",
        "fixtures file of the mock_ecs fixture's server (default: mock-ecs's own), relative to this file",
        type="paths",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**settings): give this test's mock_ecs a server with these mock-ecs settings "
        "(stopping_seconds=0, fixtures='world.yaml' relative to the test file, ...)",
    )


@pytest.fixture(scope="session")
def mock_ecs_settings(pytestconfig: pytest.Config) -> dict[str, Any]:
    """Settings of the in-process server (any ``Settings`` field). Override it in a conftest.py;
    a relative ``fixtures`` path is taken from the rootdir."""
    fixtures: list[Path] = pytestconfig.getini("mock_ecs_fixtures")
    return {"fixtures": fixtures[0]} if fixtures else {}


@pytest.fixture(scope="session")
def mock_ecs_servers() -> Iterator[Servers]:
    """The in-process servers, one per distinct settings; all stopped at the end of the session."""
    from mock_ecs.testing.server import Servers

    servers = Servers()
    yield servers
    servers.stop_all()


@pytest.fixture(scope="session")
def mock_ecs_server(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config, mock_ecs_settings: dict[str, Any]
) -> Iterator[MockEcs]:
    """The session's server with ``mock_ecs_settings``, shared and never reset by this fixture."""
    handle = MockEcs.of(_target(request, pytestconfig, mock_ecs_settings, {}))
    yield handle
    handle.close()


@pytest.fixture
def mock_ecs(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config, mock_ecs_settings: dict[str, Any]
) -> Iterator[MockEcs]:
    """A mock-ecs server reset to its fixtures: clock on system time, no faults, empty log."""
    handle = MockEcs.of(_target(request, pytestconfig, mock_ecs_settings, _requested_settings(request)))
    try:
        handle.reset()
        yield handle
    finally:
        handle.close()


def _target(
    request: pytest.FixtureRequest,
    config: pytest.Config,
    base: Mapping[str, Any],
    requested: Mapping[str, Any],
) -> Target:
    endpoint = os.environ.get(ENDPOINT_VARIABLE)
    if endpoint:
        if requested:
            pytest.skip(
                f"needs a mock-ecs server with {_describe(requested)}; "
                f"{ENDPOINT_VARIABLE}={endpoint} is a running one, whose settings are its own"
            )
        key_id, key_secret = os.environ.get(KEY_ID_VARIABLE), os.environ.get(KEY_SECRET_VARIABLE)
        given = bool(key_id or key_secret)
        return Target(
            endpoint=endpoint,
            admin_token=os.environ.get(TOKEN_VARIABLE) or None,
            access_key_id=(key_id or "testAKID") if given else None,
            access_key_secret=(key_secret or "testSecret") if given else None,
            key_from_server=not given,
        )
    servers: Servers = request.getfixturevalue("mock_ecs_servers")
    settings = {**_relative_to(config.rootpath, base), **requested}
    try:
        return servers.target(settings)
    except MockEcsError as error:
        pytest.fail(str(error), pytrace=False)


def _requested_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The markers' settings (the closest wins), then an indirect parameter's."""
    settings: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            pytest.fail(f"@pytest.mark.{MARKER} takes settings by name: {marker.args!r}", pytrace=False)
        settings.update(marker.kwargs)
    settings = _relative_to(request.path.parent, settings)
    param = getattr(request, "param", None)
    if param is not None:
        if not isinstance(param, Mapping):
            pytest.fail(f"an indirect parameter of {MARKER} is a dict of settings: {param!r}", pytrace=False)
        settings.update(_relative_to(request.path.parent, param))
    return settings


def _relative_to(directory: Path, settings: Mapping[str, Any]) -> dict[str, Any]:
    resolved = dict(settings)
    if resolved.get("fixtures") is not None:
        resolved["fixtures"] = directory / Path(resolved["fixtures"])  # an absolute path stays itself
    return resolved


def _describe(settings: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in settings.items())
