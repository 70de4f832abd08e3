"""RebootInstance, StartInstance, StopInstance: one instance each, answered ``{RequestId}``.

The per-instance checks are the batch's own (:func:`~mock_ecs.ecs.batch.check_instance`); a
failing one answers its error with its HTTP status, and a passing dry run answers
``DryRunOperation`` (spec §4) rather than the batches' ``DRYRUN.SUCCESS``.

**Decision — region:** these actions document no ``RegionId`` (spec §6) and the Tea SDKs send
none: then the instance's own region applies. The classic SDK adds its client's RegionId to
every call, and the service routes a call by the region it names, so a client set to another
region than the instance's is told "The specified InstanceId does not exist.". The mock does
the same: a RegionId, when given, must exist (``InvalidRegionId.NotFound``) and the instance
must be in it (``InvalidInstanceId.NotFound``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from mock_ecs.ecs import errors
from mock_ecs.ecs.batch import check_instance
from mock_ecs.ecs.instances import EcsStore
from mock_ecs.ecs.lifecycle import REBOOT, START, STOP, Operation, PhaseDurations, plan
from mock_ecs.ecs.stop_instances import read_stopped_mode
from mock_ecs.protocol import params
from mock_ecs.protocol.render import Body
from mock_ecs.protocol.request import ApiCall


@dataclass(frozen=True)
class SingleRequest:
    instance_id: str
    region_id: str | None  # only when the caller named one
    dry_run: bool
    force: bool = False
    stopped_mode: str | None = None


def reboot_instance(call: ApiCall, store: EcsStore, defaults: PhaseDurations) -> Body:
    request = _read(call, store, has_force_stop=True)
    return _run(REBOOT, request, call, store, defaults)


def start_instance(call: ApiCall, store: EcsStore, defaults: PhaseDurations) -> Body:
    request = _read(call, store, has_force_stop=False)
    # Re-initialises failed local disks on real instances; the mock models no local disks.
    params.boolean(call.params, "InitLocalDisk")
    return _run(START, request, call, store, defaults)


def stop_instance(call: ApiCall, store: EcsStore, defaults: PhaseDurations) -> Body:
    request = replace(_read(call, store, has_force_stop=True), stopped_mode=read_stopped_mode(call))
    # Documented booleans with no effect: ConfirmStop is kept "only for compatibility", and
    # Hibernate is "in invitational preview and not available" (the SDK's model docs).
    params.boolean(call.params, "ConfirmStop")
    params.boolean(call.params, "Hibernate")
    return _run(STOP, request, call, store, defaults)


def _read(call: ApiCall, store: EcsStore, *, has_force_stop: bool) -> SingleRequest:
    instance_id = params.required(call.params, "InstanceId")
    region_id = call.params.get("RegionId") or None
    if region_id is not None and not store.region_exists(region_id):
        raise errors.INVALID_REGION_ID_NOT_FOUND()
    return SingleRequest(
        instance_id=instance_id,
        region_id=region_id,
        dry_run=params.boolean(call.params, "DryRun"),
        force=params.boolean(call.params, "ForceStop") if has_force_stop else False,
    )


def _run(
    operation: Operation, request: SingleRequest, call: ApiCall, store: EcsStore, defaults: PhaseDurations
) -> Body:
    now = store.mock_now()
    instance = store.find_instance(call.account_id, request.instance_id)
    if instance is not None and request.region_id not in (None, instance.region_id):
        instance = None  # in another region than the one asked: not found there
    error = check_instance(operation, instance, store.account_balance(call.account_id), now)
    if error is not None:
        raise error
    if request.dry_run:
        raise errors.DRY_RUN_OPERATION()
    assert instance is not None  # check_instance answers NotFound for None
    schedule = plan(operation, now, instance.durations(defaults), force=request.force)
    store.start_schedule(instance, schedule, stopped_mode=request.stopped_mode)
    return {}
