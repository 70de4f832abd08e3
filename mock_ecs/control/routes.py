"""The control plane under ``/_mock/`` (design notes §3): seed, inspect, move the clock.

Plain JSON, never signed. Routes are ``async`` and run their short transactions inline on
the event loop, like the API, so every database use happens on one thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from sqlalchemy import Row, delete

from mock_ecs import __version__
from mock_ecs.clock import isoformat, parse_iso
from mock_ecs.control import schemas
from mock_ecs.ecs import API_VERSION
from mock_ecs.ecs.instances import InstanceState
from mock_ecs.ecs.lifecycle import Status
from mock_ecs.runtime import Runtime
from mock_ecs.store import tables
from mock_ecs.store.fixtures import (
    FixtureDocument,
    FixtureError,
    InstanceSpec,
    LockSpec,
    add_instance,
    apply_document,
)
from mock_ecs.store.instance_columns import schedule_columns, security_groups_of, tags_of
from mock_ecs.store.session import StoreSession

T = TypeVar("T")
_UNPROCESSABLE = 422


async def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]

router = APIRouter(prefix="/_mock", tags=["control plane"])


@router.get("/health")
@router.head("/health", include_in_schema=False)  # for `curl -I`-style health checks
async def health(runtime: RuntimeDep, request: Request) -> schemas.Health:
    with runtime.database.transaction() as store:
        store.mock_now()  # the store answers
    return schemas.Health(
        status="ok",
        version=__version__,
        database=runtime.database.display_url,
        api_version=API_VERSION,
        actions=sorted(request.app.state.actions),
    )


@router.post("/reset")
async def reset(runtime: RuntimeDep) -> schemas.ResetResult:
    """Back to the state loaded at start-up: fixtures reloaded, nonces cleared, clock on system time."""
    return schemas.ResetResult(status="ok", instances=_fixture_errors_as_422(runtime.reset))


@router.post("/fixtures")
async def load_fixtures(document: FixtureDocument, runtime: RuntimeDep) -> schemas.FixturesResult:
    """Add or replace the regions, accounts, keys and instances the document names."""
    with runtime.database.transaction() as store:
        created = _fixture_errors_as_422(lambda: apply_document(store, document, "request body", runtime.rng))
    return schemas.FixturesResult(instances=created)


@router.get("/instances")
async def list_instances(
    runtime: RuntimeDep,
    account: Annotated[str | None, Query()] = None,
    region: Annotated[str | None, Query()] = None,
    status_: Annotated[Status | None, Query(alias="status")] = None,
) -> schemas.InstanceList:
    table = tables.INSTANCES
    conditions = []
    if account is not None:
        conditions.append(table.c.account_id == account)
    if region is not None:
        conditions.append(table.c.region_id == region)
    with runtime.database.transaction() as store:
        now = store.mock_now()
        found = store.instance_rows(*conditions)
        extras = _extras(store, [state.id for _, state in found])
        views = [_view(row, state, now, extras[state.id]) for row, state in found]
    return schemas.InstanceList(instances=[v for v in views if status_ is None or v.status is status_])


@router.post("/instances", status_code=status.HTTP_201_CREATED)
async def create_instance(spec: InstanceSpec, runtime: RuntimeDep) -> schemas.InstanceView:
    with runtime.database.transaction() as store:
        instance_id = _fixture_errors_as_422(lambda: add_instance(store, spec, "request body", runtime.rng))
        return _full_view(store, instance_id)


@router.get("/instances/{instance_id}", responses={404: {"model": schemas.ControlError}})
async def get_instance(instance_id: str, runtime: RuntimeDep) -> schemas.InstanceView:
    with runtime.database.transaction() as store:
        return _full_view(store, instance_id)


@router.patch("/instances/{instance_id}", responses={404: {"model": schemas.ControlError}})
async def patch_instance(
    instance_id: str, patch: schemas.InstancePatch, runtime: RuntimeDep
) -> schemas.InstanceView:
    with runtime.database.transaction() as store:
        _, state = _find(store, instance_id)
        values: dict[str, Any] = {}
        if patch.status is not None:
            values.update(status=patch.status.value, **schedule_columns(None))
            values.update(_settled_attributes(state, patch.status, store.mock_now()))
        for field in ("stopping_seconds", "starting_seconds"):
            if field in patch.model_fields_set:
                values[field] = getattr(patch, field)
        if patch.description is not None:
            values["description"] = patch.description
        store.update_instance(state, values)
        if patch.locks is not None:
            _replace_locks(store, instance_id, patch.locks)
        if patch.tags is not None:
            _replace_tags(store, instance_id, patch.tags)
        return _full_view(store, instance_id)


def _settled_attributes(state: InstanceState, status: Status, now: float) -> dict[str, Any]:
    """What DescribeInstances derives from the schedule a status patch ends: StartTime kept
    (or now, for an instance the patch brings up), StoppedMode only while it stays Stopped."""
    values: dict[str, Any] = {}
    current = state.status_at(now)
    since = state.schedule.running_since(now) if state.schedule is not None else None
    if since is not None:
        values["started_at"] = since
    if status is Status.RUNNING and current is not Status.RUNNING:
        values["started_at"] = now
    stopping = state.schedule is not None and state.schedule.settles_to is Status.STOPPED
    if not (status is Status.STOPPED and (current is Status.STOPPED or stopping)):
        values["stopped_mode"] = None  # a stop's mode lasts while it is (or is becoming) Stopped
    return values


@router.patch("/accounts/{account_id}", responses={404: {"model": schemas.ControlError}})
async def patch_account(
    account_id: str, patch: schemas.AccountPatch, runtime: RuntimeDep
) -> schemas.AccountView:
    with runtime.database.transaction() as store:
        account = store.orm.get(tables.Account, account_id)
        if account is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no account {account_id!r}")
        account.balance = patch.balance
        store.orm.add(account)
        return schemas.AccountView(id=account.id, balance=account.balance)


@router.get("/clock")
async def get_clock(runtime: RuntimeDep) -> schemas.ClockView:
    with runtime.database.transaction() as store:
        return _clock_view(store)


@router.post("/clock")
async def set_clock(command: schemas.ClockCommand, runtime: RuntimeDep) -> schemas.ClockView:
    with runtime.database.transaction() as store:
        setting, wall = store.clock_setting, runtime.wall_clock()
        if command.freeze is not None:
            setting = setting.freeze(wall) if command.freeze else setting.unfreeze(wall)
        if command.set is not None:
            try:
                setting = setting.set_to(parse_iso(command.set), wall)
            except ValueError:
                raise HTTPException(_UNPROCESSABLE, f"set: not an ISO 8601 time: {command.set!r}") from None
        if command.advance_seconds is not None:
            setting = setting.advance(command.advance_seconds)
        try:
            isoformat(setting.now(wall))
        except (ValueError, OverflowError, OSError):
            raise HTTPException(_UNPROCESSABLE, "the clock would leave the years 1970 to 9999") from None
        store.save_clock_setting(setting)
        return _clock_view(store)


def _clock_view(store: StoreSession) -> schemas.ClockView:
    now = store.mock_now()
    return schemas.ClockView(now=isoformat(now), epoch=now, frozen=store.clock_setting.frozen)


def _find(store: StoreSession, instance_id: str) -> tuple[Row[Any], InstanceState]:
    found = store.instance_rows(tables.INSTANCES.c.id == instance_id)
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no instance {instance_id!r}")
    return found[0]


def _full_view(store: StoreSession, instance_id: str) -> schemas.InstanceView:
    row, state = _find(store, instance_id)
    return _view(row, state, store.mock_now(), _extras(store, [instance_id])[instance_id])


def _replace_locks(store: StoreSession, instance_id: str, locks: list[LockSpec]) -> None:
    table = tables.INSTANCE_LOCKS
    store.connection.execute(delete(table).where(table.c.instance_id == instance_id))
    if locks:
        rows = {lock.reason.value: lock.message for lock in locks}  # one lock per reason
        store.connection.execute(
            table.insert(), [{"instance_id": instance_id, "reason": r, "message": m} for r, m in rows.items()]
        )


def _replace_tags(store: StoreSession, instance_id: str, tags: dict[str, str]) -> None:
    table = tables.INSTANCE_TAGS
    store.connection.execute(delete(table).where(table.c.instance_id == instance_id))
    if tags:
        store.connection.execute(
            table.insert(), [{"instance_id": instance_id, "key": k, "value": v} for k, v in tags.items()]
        )


@dataclass(frozen=True)
class _Extras:
    security_group_ids: list[str]
    tags: dict[str, str]


_NO_EXTRAS = _Extras([], {})


def _view(
    row: Row[Any], state: InstanceState, now: float, extras: _Extras = _NO_EXTRAS
) -> schemas.InstanceView:
    phase = None
    schedule = state.schedule
    if schedule is not None and (ends_at := schedule.phase_end_at(now)) is not None:
        phase = schemas.Phase(
            operation=schedule.operation,
            status=schedule.status_at(now),
            started_at=isoformat(schedule.started_at),
            ends_at=isoformat(ends_at),
            settles_to=schedule.settles_to,
            settles_at=isoformat(schedule.phases[-1].ends_at),
        )
    return schemas.InstanceView(
        id=state.id,
        name=row.name,
        account=state.account_id,
        region=state.region_id,
        zone=row.zone_id,
        instance_type=row.instance_type,
        image_id=row.image_id,
        hostname=row.hostname,
        status=state.status_at(now),
        phase=phase,
        locks=[LockSpec(reason=lock.reason, message=lock.message) for lock in state.locks],
        stopping_seconds=state.stopping_seconds,
        starting_seconds=state.starting_seconds,
        created_at=isoformat(row.created_at),
        description=row.description,
        cpu=row.cpu,
        memory=row.memory,
        os_name=row.os_name,
        os_type=row.os_type,
        instance_charge_type=row.instance_charge_type,
        expired_time=None if row.expired_at is None else isoformat(row.expired_at),
        internet_charge_type=row.internet_charge_type,
        internet_max_bandwidth_out=row.internet_max_bandwidth_out,
        vpc_id=row.vpc_id,
        vswitch_id=row.vswitch_id,
        private_ip=row.private_ip,
        public_ip=row.public_ip,
        security_group_ids=list(extras.security_group_ids),
        key_pair_name=row.key_pair_name,
        resource_group_id=row.resource_group_id,
        deletion_protection=row.deletion_protection,
        tags=dict(extras.tags),
    )


def _extras(store: StoreSession, instance_ids: list[str]) -> dict[str, _Extras]:
    """Security groups and tags of these instances, read in two queries."""
    groups = security_groups_of(store.connection, instance_ids)
    tags = tags_of(store.connection, instance_ids)
    return {
        instance_id: _Extras(groups.get(instance_id, []), dict(tags.get(instance_id, [])))
        for instance_id in instance_ids
    }


def _fixture_errors_as_422(action: Callable[[], T]) -> T:
    try:
        return action()
    except FixtureError as error:
        raise HTTPException(_UNPROCESSABLE, str(error)) from None
