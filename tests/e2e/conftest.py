from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_ecs.testing import MockEcs
from tests.e2e.flavours import FLAVOURS, Flavour, FlavourFactory
from tests.support.control import Control


@pytest.fixture(params=sorted(FLAVOURS))
def sdk_flavour(request: pytest.FixtureRequest, mock_ecs: MockEcs) -> Iterator[FlavourFactory]:
    """Each official Python SDK signing style in turn: classic (V1), tea (V3), tea-v2 (V1),
    against the plugin's server, reset for the test."""
    factory = FLAVOURS[request.param]
    made: list[Flavour] = []

    def make(key: str = "testAKID", secret: str = "testSecret") -> Flavour:
        made.append(factory(mock_ecs.port, key, secret))
        return made[-1]

    yield make
    for flavour in made:
        flavour.close()


@pytest.fixture
def control(mock_ecs: MockEcs) -> Iterator[Control]:
    """The tests' own control-plane client (tests/support/control.py, which asserts every
    answer succeeds), on the plugin's server, reset for the test by ``mock_ecs``."""
    control = Control(mock_ecs.endpoint)
    yield control
    control.close()
