from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.flavours import FLAVOURS, Flavour, FlavourFactory
from tests.support.server import ServerProcess


@pytest.fixture(params=sorted(FLAVOURS))
def sdk_flavour(request: pytest.FixtureRequest, server: ServerProcess) -> Iterator[FlavourFactory]:
    """Each official Python SDK signing style in turn: classic (V1), tea (V3), tea-v2 (V1)."""
    factory = FLAVOURS[request.param]
    made: list[Flavour] = []

    def make(key: str = "testAKID", secret: str = "testSecret") -> Flavour:
        made.append(factory(server.port, key, secret))
        return made[-1]

    yield make
    for flavour in made:
        flavour.close()
