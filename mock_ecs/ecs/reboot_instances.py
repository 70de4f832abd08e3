"""RebootInstances: Running → Stopping → Starting → Running, in batches (spec §4)."""

from __future__ import annotations

from mock_ecs.ecs.batch import read_batch_request, run_batch
from mock_ecs.ecs.instances import EcsStore
from mock_ecs.ecs.lifecycle import REBOOT, PhaseDurations
from mock_ecs.protocol.render import Body
from mock_ecs.protocol.request import ApiCall


def reboot_instances(call: ApiCall, store: EcsStore, defaults: PhaseDurations) -> Body:
    request = read_batch_request(call, store, force_param="ForceReboot")
    return run_batch(REBOOT, request, call, store, defaults)
