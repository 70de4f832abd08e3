"""``/_mock/access-keys/default``: the key a client of this server signs with unless told
otherwise, so that one running elsewhere (a docker-compose service) need not be told it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from mock_ecs.control import schemas
from mock_ecs.control.routes import RuntimeDep

router = APIRouter(prefix="/_mock", tags=["access keys"])


@router.get("/access-keys/default", responses={404: {"model": schemas.ControlError}})
async def default_access_key(runtime: RuntimeDep) -> schemas.AccessKeyView:
    """The key the start-up banner shows: active, usable without a security token, and
    allowed every action if any such key is."""
    with runtime.database.transaction() as store:
        key = store.default_access_key()
    if key is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            "no active access key usable without a security token: add one with POST /_mock/fixtures",
        )
    return schemas.AccessKeyView(id=key.id, secret=key.secret, account=key.account_id)
