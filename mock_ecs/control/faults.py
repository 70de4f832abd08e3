"""``/_mock/faults``: add, list and remove fault rules (``mock_ecs.protocol.faults``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from sqlalchemy import Row, delete, select

from mock_ecs.control import schemas
from mock_ecs.control.problems import Refusal
from mock_ecs.control.routes import RuntimeDep
from mock_ecs.protocol.errors import ErrorSpec
from mock_ecs.protocol.throttle import retry_after_default
from mock_ecs.store import tables

router = APIRouter(prefix="/_mock", tags=["faults"])
_faults = tables.FAULTS
_UNPROCESSABLE = 422
_REFUSED: dict[int | str, dict[str, Any]] = {422: {"model": schemas.ControlError}}


@router.post("/faults", status_code=status.HTTP_201_CREATED, responses=_REFUSED)
async def add_fault(spec: schemas.FaultSpec, runtime: RuntimeDep, request: Request) -> schemas.FaultView:
    """Add a rule; it is tried after the rules added before it."""
    actions: list[str] = request.app.state.actions
    if spec.action not in actions:
        raise Refusal(
            _UNPROCESSABLE,
            "UnknownAction",
            f"action: {spec.action!r} is not implemented here; the implemented actions are "
            + ", ".join(actions),
        )
    values = _resolve(spec, request.app.state.errors)
    values["seed"] = runtime.new_fault_seed() if spec.seed is None else spec.seed
    with runtime.database.transaction() as store:
        fault_id = store.connection.execute(
            _faults.insert().values(values).returning(_faults.c.id)
        ).scalar_one()
        row = store.connection.execute(select(_faults).where(_faults.c.id == fault_id)).one()
        return _view(row)


@router.get("/faults")
async def list_faults(runtime: RuntimeDep) -> schemas.FaultList:
    with runtime.database.transaction() as store:
        rows = store.connection.execute(select(_faults).order_by(_faults.c.id)).all()
    return schemas.FaultList(faults=[_view(row) for row in rows])


@router.delete("/faults")
async def clear_faults(runtime: RuntimeDep) -> schemas.Deleted:
    with runtime.database.transaction() as store:
        return schemas.Deleted(deleted=store.connection.execute(delete(_faults)).rowcount)


@router.delete("/faults/{fault_id}", responses={404: {"model": schemas.ControlError}})
async def remove_fault(fault_id: str, runtime: RuntimeDep) -> schemas.FaultView:
    """Remove one rule; answers it as it stood."""
    with runtime.database.transaction() as store:
        row = None
        if fault_id.isascii() and fault_id.isdigit() and len(fault_id) < 12:
            row = store.connection.execute(select(_faults).where(_faults.c.id == int(fault_id))).first()
        if row is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no fault {fault_id!r}")
        store.connection.execute(delete(_faults).where(_faults.c.id == row.id))
        return _view(row)


def _resolve(spec: schemas.FaultSpec, catalogue: dict[str, ErrorSpec]) -> dict[str, Any]:
    """The stored rule: the catalogue fills in what a known code leaves out."""
    values = spec.model_dump(exclude={"seed"})
    if spec.code is None:
        given = [name for name in ("http_status", "message", "retry_after_ms") if values[name] is not None]
        if given:
            raise HTTPException(_UNPROCESSABLE, f"{given[0]}: only a rule with a code answers an error")
        if spec.delay_ms == 0:
            raise HTTPException(_UNPROCESSABLE, "code: required, unless the rule only delays (delay_ms > 0)")
        return values
    known = catalogue.get(spec.code)
    if values["http_status"] is None:
        values["http_status"] = known.http_status if known is not None else 400
    if values["message"] is None:
        if known is None:
            raise HTTPException(
                _UNPROCESSABLE,
                f"message: required for {spec.code!r}, a code the mock's catalogue does not have",
            )
        values["message"] = known.message
    if values["retry_after_ms"] is None:
        values["retry_after_ms"] = retry_after_default(spec.code)  # stored, so the rule shows it
    return values


def _view(row: Row[Any]) -> schemas.FaultView:
    fields = {name: getattr(row, name) for name in schemas.FaultView.model_fields if name != "id"}
    return schemas.FaultView(id=str(row.id), **fields)
