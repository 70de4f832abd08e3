"""``/_mock/requests``: the recent API calls (``mock_ecs.protocol.request_log``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import delete

from mock_ecs.clock import isoformat
from mock_ecs.control import schemas
from mock_ecs.control.routes import RuntimeDep
from mock_ecs.store import tables

router = APIRouter(prefix="/_mock", tags=["request log"])


@router.get("/requests")
async def list_requests(
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=100_000, description="The newest this many, oldest first")] = 100,
    action: Annotated[str | None, Query(description="Only calls of this action")] = None,
) -> schemas.RequestList:
    keep = runtime.settings.request_log_size
    with runtime.database.transaction() as store:
        entries = store.logged_requests(keep=keep, limit=limit, action=action) if keep > 0 else []
    return schemas.RequestList(
        requests=[
            schemas.LoggedRequestView(
                request_id=entry.request_id,
                time=isoformat(entry.time),
                action=entry.action,
                access_key_id=entry.access_key_id,
                params=dict(entry.params),
                headers=dict(entry.headers),
                code=entry.code,
                http_status=entry.http_status,
                duration_ms=entry.duration_ms,
            )
            for entry in entries
        ]
    )


@router.delete("/requests")
async def clear_requests(runtime: RuntimeDep) -> schemas.Deleted:
    with runtime.database.transaction() as store:
        return schemas.Deleted(deleted=store.connection.execute(delete(tables.REQUEST_LOG)).rowcount)
