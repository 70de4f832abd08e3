"""The batch operations (Reboot/Start/StopInstances) over the lifecycle table.

**AllTogether** checks every instance first and acts only if all pass; **SuccessFirst**
handles each instance on its own and reports each (spec §4). DryRun runs every check, then
stops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mock_ecs.ecs import errors
from mock_ecs.ecs.instances import EcsStore, InstanceState
from mock_ecs.ecs.lifecycle import LockReason, Operation, PhaseDurations, Status, plan
from mock_ecs.protocol import params
from mock_ecs.protocol.errors import ApiError
from mock_ecs.protocol.render import Body, Items
from mock_ecs.protocol.request import ApiCall

MAX_INSTANCE_IDS = 100
INSTANCE_ID = re.compile(r"[A-Za-z0-9-]+")  # what an instance id may be made of
_BATCH_MODES = ("AllTogether", "SuccessFirst")
_FINANCIAL_LOCKS = frozenset({LockReason.FINANCIAL, LockReason.DEDICATED_HOST_FINANCIAL})
# Decision: an instance in the recycle bin or refunded takes no operation at all.
_GONE_LOCKS = frozenset({LockReason.RECYCLING, LockReason.REFUNDED})


@dataclass(frozen=True)
class BatchRequest:
    region_id: str
    instance_ids: tuple[str, ...]  # distinct, in request order
    dry_run: bool
    force: bool
    success_first: bool


def read_batch_request(call: ApiCall, store: EcsStore, *, force_param: str | None) -> BatchRequest:
    """Request-level checks, in the order of the spec's table (§4). ``force_param`` names the
    action's force option (ForceReboot, ForceStop), None for an action without one."""
    region_id = params.required(call.params, "RegionId")
    if not store.region_exists(region_id):
        raise errors.INVALID_REGION_ID_NOT_FOUND()
    ids = params.repeated(call.params, "InstanceId")
    if not ids:
        raise errors.INSTANCE_ID_NULL()
    if len(ids) > MAX_INSTANCE_IDS:
        raise errors.TOO_MANY_INSTANCE_IDS()
    if not all(INSTANCE_ID.fullmatch(instance_id) for instance_id in ids):
        raise errors.INSTANCE_IDS_MALFORMED()
    return BatchRequest(
        region_id=region_id,
        instance_ids=tuple(dict.fromkeys(ids)),  # duplicates are acted on and reported once
        dry_run=params.boolean(call.params, "DryRun"),
        force=params.boolean(call.params, force_param) if force_param else False,
        success_first=params.choice(call.params, "BatchOptimization", _BATCH_MODES, "AllTogether")
        == "SuccessFirst",
    )


def check_instance(
    operation: Operation, instance: InstanceState | None, balance: float, now: float
) -> ApiError | None:
    """The per-instance checks, in the spec's order (§4); None when the operation may go ahead."""
    if instance is None:
        return errors.INVALID_INSTANCE_ID_NOT_FOUND()
    reasons = instance.lock_reasons
    if operation.security_lock_blocks and LockReason.SECURITY in reasons:
        return errors.INSTANCE_LOCKED_FOR_SECURITY()
    if reasons & _FINANCIAL_LOCKS:
        return errors.INSTANCE_EXPIRED_OR_IN_ARREARS()
    if operation.needs_balance and balance < 0:
        return errors.INSUFFICIENT_BALANCE()
    status = instance.status_at(now)
    if status is Status.PENDING:
        return errors.INSTANCE_NOT_READY()
    if status is not operation.allowed_from or reasons & _GONE_LOCKS:
        return errors.INCORRECT_INSTANCE_STATUS()
    return None


def run_batch(
    operation: Operation,
    request: BatchRequest,
    call: ApiCall,
    store: EcsStore,
    defaults: PhaseDurations,
    *,
    stopped_mode: str | None = None,
) -> Body:
    """``stopped_mode``: what a stop records (StopInstances' StoppedMode); None for the others."""
    if request.dry_run and request.success_first:
        # A SuccessFirst dry run answers DRYRUN.SUCCESS whatever the instances say (spec §4).
        raise errors.DRYRUN_SUCCESS()
    now = store.mock_now()
    instances = store.instances(call.account_id, request.region_id, request.instance_ids)
    balance = store.account_balance(call.account_id)
    verdicts = [
        (
            instance_id,
            instances.get(instance_id),
            check_instance(operation, instances.get(instance_id), balance, now),
        )
        for instance_id in request.instance_ids
    ]
    if not request.success_first:
        failure = next((error for _, _, error in verdicts if error is not None), None)
        if failure is not None:
            raise failure
        if request.dry_run:
            raise errors.DRYRUN_SUCCESS()
    responses = []
    for instance_id, instance, error in verdicts:
        if instance is not None and error is None:
            store.start_schedule(
                instance,
                plan(operation, now, instance.durations(defaults), force=request.force),
                stopped_mode=stopped_mode,
            )
            responses.append(
                _response(instance_id, operation.allowed_from, operation.phases[0], "200", "success")
            )
        else:
            status = instance.status_at(now) if instance is not None else ""
            assert error is not None
            responses.append(_response(instance_id, status, status, error.code, error.message))
    return {"InstanceResponses": Items("InstanceResponse", responses)}


def _response(instance_id: str, previous: str, current: str, code: str, message: str) -> Body:
    # Key order of the documented example: Message, InstanceId, PreviousStatus, CurrentStatus, Code.
    return {
        "Message": message,
        "InstanceId": instance_id,
        "PreviousStatus": previous,
        "CurrentStatus": current,
        "Code": code,
    }
