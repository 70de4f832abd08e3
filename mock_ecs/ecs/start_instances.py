"""StartInstances: Stopped → Starting → Running, in batches (spec §4, §6)."""

from __future__ import annotations

from mock_ecs.ecs.batch import read_batch_request, run_batch
from mock_ecs.ecs.instances import EcsStore
from mock_ecs.ecs.lifecycle import START, PhaseDurations
from mock_ecs.protocol.render import Body
from mock_ecs.protocol.request import ApiCall


def start_instances(call: ApiCall, store: EcsStore, defaults: PhaseDurations) -> Body:
    # StartInstances has no force option: no parameter name to read one from.
    request = read_batch_request(call, store, force_param=None)
    return run_batch(START, request, call, store, defaults)
