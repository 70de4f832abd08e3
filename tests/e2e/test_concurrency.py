"""Two clients rebooting one instance at the same moment: exactly one wins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.e2e.flavours import FLAVOURS, Flavour, SdkError
from tests.support.control import Control
from tests.support.server import ServerProcess

ROUNDS = 8


def _race(flavours: list[Flavour], instance_id: str) -> list[str]:
    """Both flavours reboot at once; returns each outcome: "200" or the error code."""
    barrier = threading.Barrier(len(flavours), timeout=10)

    def reboot(flavour: Flavour) -> str:
        barrier.wait()
        try:
            return flavour.reboot([instance_id])["InstanceResponses"]["InstanceResponse"][0]["Code"]  # type: ignore[no-any-return]
        except SdkError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=len(flavours)) as pool:
        return list(pool.map(reboot, flavours))


def test_two_concurrent_reboots_of_one_instance_exactly_one_succeeds(
    server: ServerProcess, control: Control
) -> None:
    flavours = [FLAVOURS["tea"](server.port), FLAVOURS["classic"](server.port)]
    control.freeze()
    outcomes = []
    for _ in range(ROUNDS):
        control.patch_instance("i-running-1", status="Running")
        outcomes.append(sorted(_race(flavours, "i-running-1")))
        assert control.status("i-running-1") == "Stopping"
    for flavour in flavours:
        flavour.close()

    assert outcomes == [["200", "IncorrectInstanceStatus"]] * ROUNDS
