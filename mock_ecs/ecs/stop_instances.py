"""StopInstances: Running → Stopping → Stopped, in batches (spec §4, §6), and the stop mode.

``StoppedMode`` is recorded on the instance for DescribeInstances to report while it is
stopped. The mock has no console switch for the economical mode, so an absent StoppedMode
is ``KeepCharging``, the documented default when that switch is off. The real API does not
refuse StopCharging for instances that cannot use it (local disks, subscription): it stops
them anyway (StopInstance's documentation), and so does the mock, recording what was asked.
"""

from __future__ import annotations

from mock_ecs.ecs.batch import read_batch_request, run_batch
from mock_ecs.ecs.instances import EcsStore
from mock_ecs.ecs.lifecycle import STOP, PhaseDurations
from mock_ecs.protocol import params
from mock_ecs.protocol.render import Body
from mock_ecs.protocol.request import ApiCall

STOPPED_MODES = ("StopCharging", "KeepCharging")
DEFAULT_STOPPED_MODE = "KeepCharging"


def read_stopped_mode(call: ApiCall) -> str:
    return params.choice(call.params, "StoppedMode", STOPPED_MODES, DEFAULT_STOPPED_MODE)


def stop_instances(call: ApiCall, store: EcsStore, defaults: PhaseDurations) -> Body:
    request = read_batch_request(call, store, force_param="ForceStop")
    stopped_mode = read_stopped_mode(call)
    return run_batch(STOP, request, call, store, defaults, stopped_mode=stopped_mode)
