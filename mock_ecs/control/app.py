"""The control plane as a FastAPI application, with its own JSON error shape."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from mock_ecs.control import access_keys, faults, request_log
from mock_ecs.control.auth import RequireToken, describe_bearer
from mock_ecs.control.problems import Refusal
from mock_ecs.control.routes import router
from mock_ecs.protocol.errors import ErrorSpec, StateConflict
from mock_ecs.runtime import Runtime

log = logging.getLogger("mock_ecs.control")


def create_control_app(
    runtime: Runtime, actions: Iterable[str], errors: Mapping[str, ErrorSpec] | None = None
) -> FastAPI:
    """``errors``: the codes a fault rule may name alone (their status and message filled in)."""

    app = FastAPI(
        title="mock-ecs control plane",
        description="Seed data, move the mock clock, inspect instances, inject faults and read the "
        "request log. The ECS API itself answers at / with the Alibaba Cloud RPC protocol.",
        docs_url="/_mock/docs",
        openapi_url="/_mock/openapi.json",
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.actions = sorted(actions)
    app.state.errors = dict(errors or {})
    app.include_router(router)
    app.include_router(faults.router)
    app.include_router(request_log.router)
    app.include_router(access_keys.router)
    token = runtime.settings.admin_token
    if token:
        app.add_middleware(RequireToken, token=token)
    describe_bearer(app, required=bool(token))
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StateConflict, _conflict)
    app.add_exception_handler(Refusal, _refusal)
    app.add_exception_handler(Exception, _internal_error)
    return app


# Spelled out rather than taken from http.HTTPStatus, whose phrases change between Python
# versions (422 became "Unprocessable Content" in 3.13): these names are part of the contract.
_ERROR_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    422: "UnprocessableEntity",
    500: "InternalServerError",
}


def _error(status: int, message: str, detail: list[dict[str, object]] | None = None) -> JSONResponse:
    body: dict[str, object] = {"error": _ERROR_NAMES.get(status, "Error"), "message": message}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse(body, status_code=status)


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    return _error(error.status_code, str(error.detail))


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [
        {"field": ".".join(str(part) for part in e["loc"]), "message": e["msg"]} for e in error.errors()
    ]
    message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return _error(422, message, problems)


async def _refusal(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Refusal)
    return JSONResponse({"error": error.error, "message": error.message}, status_code=error.status)


async def _conflict(_request: Request, _error_: Exception) -> JSONResponse:
    return _error(409, "the instance changed under this request; try again")


async def _internal_error(_request: Request, error: Exception) -> JSONResponse:
    log.exception("control plane error", exc_info=error)
    return _error(500, f"{type(error).__name__}: {error}")
