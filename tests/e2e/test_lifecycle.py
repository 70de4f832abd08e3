"""Time and restarts: the status follows the stored phase times and the mock clock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_ecs.testing import MockEcs
from tests.conftest import WORLD
from tests.e2e.flavours import FLAVOURS, SdkError
from tests.support.control import Control
from tests.support.server import ServerProcess, serve


def test_reboot_goes_stopping_starting_running_as_the_frozen_clock_advances(mock_ecs: MockEcs) -> None:
    mock_ecs.set_instance("i-running-1", stopping_seconds=10, starting_seconds=20)
    mock_ecs.freeze_clock()
    FLAVOURS["tea"](mock_ecs.port).reboot(["i-running-1"])

    seen = [mock_ecs.status("i-running-1")]
    for step in (9.9, 0.2, 19.8, 0.2):
        mock_ecs.advance_clock(step)
        seen.append(mock_ecs.status("i-running-1"))

    assert seen == ["Stopping", "Stopping", "Starting", "Starting", "Running"]


def test_a_running_clock_is_not_needed_to_leave_a_phase(mock_ecs: MockEcs) -> None:
    mock_ecs.freeze_clock()
    FLAVOURS["classic"](mock_ecs.port).reboot(["i-running-1"])
    mock_ecs.set_clock("2099-01-01T00:00:00Z")  # far past every phase end

    assert mock_ecs.status("i-running-1") == "Running"


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[tuple[ServerProcess, Path]]:
    db = tmp_path / "restart.sqlite3"
    process = serve(db, WORLD).start()
    yield process, db
    process.stop()


def test_state_and_clock_survive_a_restart_on_the_same_database(
    own_server: tuple[ServerProcess, Path],
) -> None:
    first, db = own_server
    control = Control(first.url)
    control.patch_instance("i-running-1", stopping_seconds=10, starting_seconds=20)
    control.patch_instance("i-running-2", status="Stopped")
    control.freeze()
    FLAVOURS["tea"](first.port).reboot(["i-running-1"])
    control.advance(3)
    frozen_at = control.clock()["now"]
    first.stop()
    control.close()

    with serve(db, WORLD) as second:
        control = Control(second.url)
        clock = control.clock()
        assert (clock["now"], clock["frozen"]) == (frozen_at, True)
        assert control.status("i-running-1") == "Stopping"
        assert control.status("i-running-2") == "Stopped"  # the fixtures are not reloaded over it
        control.advance(7.5)
        assert control.status("i-running-1") == "Starting"
        control.advance(20)
        assert control.status("i-running-1") == "Running"
        control.close()


def test_a_nonce_used_before_a_restart_stays_used(own_server: tuple[ServerProcess, Path]) -> None:
    first, db = own_server
    nonce = uuid.uuid4().hex
    flavour = FLAVOURS["classic"](first.port)
    with flavour.signing_with(nonce=nonce):
        flavour.reboot(["i-running-1"])
    flavour.close()
    first.stop()

    with serve(db, WORLD) as second:
        flavour = FLAVOURS["classic"](second.port)
        with flavour.signing_with(nonce=nonce), pytest.raises(SdkError) as raised:
            flavour.reboot(["i-running-2"])
        flavour.close()

    assert raised.value.code == "SignatureNonceUsed"
