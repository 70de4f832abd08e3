"""The gateway: every API request goes through the same checks in the same order.

**Decision — order of checks** (spec §2): method → Action/Version lookup → Format →
signature parameters present and well formed → timestamp → access key exists and is
active → (security token) → signature → nonce → (RAM) → the action's own checks → act.

The gateway knows nothing of ECS: it is given a product version, the action handlers and a
factory of store transactions. One request is one transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from mock_ecs.clock import WallClock
from mock_ecs.protocol import errors
from mock_ecs.protocol.authentication import (
    Credentials,
    CredentialStore,
    authenticate,
    authorize,
    read_credentials,
)
from mock_ecs.protocol.errors import ApiError, StateConflict
from mock_ecs.protocol.render import CONTENT_TYPES, Body, error_body, render, success_body
from mock_ecs.protocol.request import ApiCall, Format, HttpRequest, RpcRequest

log = logging.getLogger("mock_ecs.gateway")


class GatewayStore(CredentialStore, Protocol):
    """One store transaction, as the gateway needs it."""

    def savepoint(self) -> AbstractContextManager[None]:
        """Undo what is done inside if it raises; the transaction itself goes on."""
        ...


Store = TypeVar("Store", bound=GatewayStore)
Handler = Callable[[ApiCall, Store], Body]

TIMESTAMP_WINDOW_SECONDS = 15 * 60
# With SQLite every transaction holds the write lock, so conflicts cannot happen; on a
# server database a lost check-and-set is evaluated again against the new state.
_MAX_ATTEMPTS = 5
_METHODS = frozenset({"GET", "POST"})


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


@dataclass(frozen=True)
class GatewayOptions:
    check_timestamp: bool = True
    check_nonce: bool = True


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str
    request_id: str


class Gateway(Generic[Store]):
    def __init__(
        self,
        *,
        product: str,
        version: str,
        handlers: Mapping[str, Handler[Store]],
        transaction: Callable[[], AbstractContextManager[Store]],
        options: GatewayOptions,
        wall_clock: WallClock,
        request_ids: Callable[[], str] = new_request_id,
    ) -> None:
        self._product = product  # as the error envelope's Recommend link names it
        self._version = version
        self._handlers = handlers
        self._transaction = transaction
        self._options = options
        self._wall_clock = wall_clock
        self._request_ids = request_ids

    def handle(self, http: HttpRequest) -> Answer:
        request_id = self._request_ids()
        fmt = Format.XML
        try:
            request = RpcRequest.parse(http)
            fmt = request.response_format()
            body = self._serve(request, request_id)
            payload = render(f"{request.action}Response", success_body(request_id, body), fmt)
            return Answer(200, payload, CONTENT_TYPES[fmt], request_id)
        except ApiError as error:
            return self._error(error, fmt, request_id, http)
        except Exception:
            log.exception("internal error answering request %s", request_id)
            return self._error(errors.INTERNAL_ERROR(), fmt, request_id, http)

    def _serve(self, request: RpcRequest, request_id: str) -> Body:
        if request.http.path != "/":
            raise errors.INVALID_ACTION_NOT_FOUND()
        if request.http.method not in _METHODS:
            raise errors.UNSUPPORTED_HTTP_METHOD()
        handler = self._route(request)
        if "Format" in request.params and request.requested_format() is None:
            raise errors.INVALID_PARAMETER_FORMAT()
        credentials = read_credentials(request)
        wall_now = self._wall_clock()
        if self._options.check_timestamp and abs(wall_now - credentials.timestamp) > TIMESTAMP_WINDOW_SECONDS:
            raise errors.INVALID_TIMESTAMP_EXPIRED()
        return self._transact(request, handler, credentials, request_id, wall_now)

    def _route(self, request: RpcRequest) -> Handler[Store]:
        if not request.action:
            raise errors.MISSING_PARAMETER(name="Action")
        if not request.version:
            raise errors.MISSING_PARAMETER(name="Version")
        handler = self._handlers.get(request.action)
        if handler is None or request.version != self._version:
            raise errors.INVALID_ACTION_NOT_FOUND()
        return handler

    def _transact(
        self,
        request: RpcRequest,
        handler: Handler[Store],
        credentials: Credentials,
        request_id: str,
        wall_now: float,
    ) -> Body:
        for _ in range(_MAX_ATTEMPTS):
            verified = False
            try:
                with self._transaction() as store:
                    try:
                        key = authenticate(
                            credentials, store, wall_now=wall_now, check_nonce=self._options.check_nonce
                        )
                        verified = True
                        authorize(key, request.action)
                        call = ApiCall(request_id, request.action, request.params, key.id, key.account_id)
                        # A request that fails changes nothing: an error undoes whatever the
                        # handler wrote, while the nonce recorded before it stays used.
                        with store.savepoint():
                            outcome: Body | ApiError = handler(call, store)
                    except ApiError as error:
                        outcome = error
            except StateConflict:
                continue
            except Exception:
                if verified:
                    self._keep_nonce(credentials, wall_now)
                raise
            if isinstance(outcome, ApiError):
                raise outcome
            return outcome
        self._keep_nonce(credentials, wall_now)
        raise errors.INVALID_OPERATION_CONFLICT()

    def _keep_nonce(self, credentials: Credentials, wall_now: float) -> None:
        """Record a verified nonce whose transaction was rolled back."""
        if self._options.check_nonce:
            with self._transaction() as store:
                store.remember_nonce(credentials.access_key_id, credentials.nonce, wall_now)

    def _error(self, error: ApiError, fmt: Format, request_id: str, http: HttpRequest) -> Answer:
        payload = render("Error", error_body(error, request_id, http.host_name, self._product), fmt)
        return Answer(error.http_status, payload, CONTENT_TYPES[fmt], request_id)
