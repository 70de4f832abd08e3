"""The gateway: every API request goes through the same checks in the same order.

**Decision — order of checks** (spec §2): method → Action/Version lookup → Format →
signature parameters present and well formed → timestamp → access key exists and is
active → (security token) → signature → nonce → rate limit → (RAM) → fault rules → the
action's own checks → act.

The gateway knows nothing of ECS: it is given a product version, the action handlers, a
function naming the resources a request is about (for fault rules) and a factory of store
transactions. One request is one transaction; its request-log row is written in it.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from mock_ecs.clock import WallClock
from mock_ecs.protocol import errors, faults
from mock_ecs.protocol.authentication import (
    Credentials,
    CredentialStore,
    authenticate,
    authorize,
    read_credentials,
)
from mock_ecs.protocol.errors import ApiError, StateConflict
from mock_ecs.protocol.faults import FaultStore
from mock_ecs.protocol.render import CONTENT_TYPES, Body, error_body, render, success_body
from mock_ecs.protocol.request import ApiCall, Format, HttpRequest, RpcRequest
from mock_ecs.protocol.request_log import (
    LoggedRequest,
    RequestLogStore,
    emit,
    redacted_headers,
    redacted_params,
)
from mock_ecs.protocol.throttle import RETRY_AFTER_HEADER, RateLimit, RateStore, RetryLater

log = logging.getLogger("mock_ecs.gateway")


class GatewayStore(CredentialStore, FaultStore, RateStore, RequestLogStore, Protocol):
    """One store transaction, as the gateway needs it."""

    def savepoint(self) -> AbstractContextManager[None]:
        """Undo what is done inside if it raises; the transaction itself goes on."""
        ...


Store = TypeVar("Store", bound=GatewayStore)
Handler = Callable[[ApiCall, Store], Body]
ResourceIds = Callable[[Mapping[str, str]], Collection[str]]

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
    rate_limit: float | None = None  # requests per second per access key; None or 0: no limit
    request_log_size: int = 1000  # 0: no request log


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str
    request_id: str
    headers: tuple[tuple[str, str], ...] = ()
    delay_seconds: float = 0.0  # wait this long before answering (a fault rule's delay)
    code: str = "200"  # the error's Code, for the request log


@dataclass
class _Call:
    """What is known of one call so far: for its answer and its log entry."""

    http: HttpRequest
    request_id: str
    wall_now: float
    started: float
    fmt: Format = Format.XML
    request: RpcRequest | None = None
    access_key_id: str | None = None
    delay_ms: int = 0
    entry: LoggedRequest | None = field(default=None, repr=False)  # set once logged in a transaction


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
        resource_ids: ResourceIds = lambda _params: (),
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._product = product  # as the error envelope's Recommend link names it
        self._version = version
        self._handlers = handlers
        self._transaction = transaction
        self._options = options
        self._wall_clock = wall_clock
        self._request_ids = request_ids
        self._resource_ids = resource_ids
        self._timer = timer
        self._rate_limit = RateLimit(options.rate_limit) if options.rate_limit else None

    def handle(self, http: HttpRequest) -> Answer:
        call = _Call(http, self._request_ids(), self._wall_clock(), self._timer())
        try:
            request = RpcRequest.parse(http)
            call.request = request
            call.fmt = request.response_format()
            answer = self._serve(request, call)
        except ApiError as error:
            answer = self._error(error, call)
        except Exception:
            log.exception("internal error answering request %s", call.request_id)
            answer = self._error(errors.INTERNAL_ERROR(), call)
        entry = call.entry
        if entry is None:  # refused before its transaction, or the transaction failed
            entry = self._entry(call, answer)
            self._log_alone(entry)
        emit(entry)
        return answer

    def _serve(self, request: RpcRequest, call: _Call) -> Answer:
        if request.http.path != "/":
            raise errors.INVALID_ACTION_NOT_FOUND()
        if request.http.method not in _METHODS:
            raise errors.UNSUPPORTED_HTTP_METHOD()
        handler = self._route(request)
        if "Format" in request.params and request.requested_format() is None:
            raise errors.INVALID_PARAMETER_FORMAT()
        credentials = read_credentials(request)
        call.access_key_id = credentials.access_key_id
        if (
            self._options.check_timestamp
            and abs(call.wall_now - credentials.timestamp) > TIMESTAMP_WINDOW_SECONDS
        ):
            raise errors.INVALID_TIMESTAMP_EXPIRED()
        return self._transact(request, handler, credentials, call)

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
        self, request: RpcRequest, handler: Handler[Store], credentials: Credentials, call: _Call
    ) -> Answer:
        wall_now = call.wall_now
        for _ in range(_MAX_ATTEMPTS):
            verified = False
            call.delay_ms = 0
            try:
                with self._transaction() as store:
                    try:
                        key = authenticate(
                            credentials, store, wall_now=wall_now, check_nonce=self._options.check_nonce
                        )
                        verified = True
                        if self._rate_limit is not None:
                            self._rate_limit.check(store, key.id, wall_now)
                        authorize(key, request.action)
                        self._inject_faults(store, request, key.id, call)
                        api_call = ApiCall(
                            call.request_id, request.action, request.params, key.id, key.account_id
                        )
                        # A request that fails changes nothing: an error undoes whatever the
                        # handler wrote, while the nonce recorded before it stays used.
                        with store.savepoint():
                            body = handler(api_call, store)
                        answer = self._success(request, body, call)
                    except ApiError as error:
                        answer = self._error(error, call)
                    entry = self._entry(call, answer)
                    self._log(store, entry)
            except StateConflict:
                continue
            except Exception:
                if verified:
                    self._keep_nonce(credentials, wall_now)
                raise
            call.entry = entry  # committed
            return answer
        self._keep_nonce(credentials, wall_now)
        raise errors.INVALID_OPERATION_CONFLICT()

    def _inject_faults(self, store: Store, request: RpcRequest, access_key_id: str, call: _Call) -> None:
        injection = faults.inject(store, request.action, access_key_id, self._resource_ids(request.params))
        if injection is not None:
            call.delay_ms = injection.delay_ms
            if injection.error is not None:
                raise injection.error

    def _keep_nonce(self, credentials: Credentials, wall_now: float) -> None:
        """Record a verified nonce whose transaction was rolled back."""
        if self._options.check_nonce:
            with self._transaction() as store:
                store.remember_nonce(credentials.access_key_id, credentials.nonce, wall_now)

    def _success(self, request: RpcRequest, body: Body, call: _Call) -> Answer:
        payload = render(f"{request.action}Response", success_body(call.request_id, body), call.fmt)
        return Answer(
            200, payload, CONTENT_TYPES[call.fmt], call.request_id, delay_seconds=call.delay_ms / 1000
        )

    def _error(self, error: ApiError, call: _Call) -> Answer:
        body = error_body(error, call.request_id, call.http.host_name, self._product)
        headers: tuple[tuple[str, str], ...] = ()
        if isinstance(error, RetryLater) and error.retry_after_ms > 0:
            headers = ((RETRY_AFTER_HEADER, str(error.retry_after_ms)),)
        return Answer(
            error.http_status,
            render("Error", body, call.fmt),
            CONTENT_TYPES[call.fmt],
            call.request_id,
            headers,
            call.delay_ms / 1000,
            error.code,
        )

    # -- the request log ----------------------------------------------------------------

    def _entry(self, call: _Call, answer: Answer) -> LoggedRequest:
        request = call.request
        access_key_id = call.access_key_id
        if access_key_id is None and request is not None:
            access_key_id = request.params.get("AccessKeyId") or None
        return LoggedRequest(
            request_id=call.request_id,
            time=call.wall_now,
            action=(request.action or None) if request is not None else None,
            access_key_id=access_key_id,
            params=redacted_params(request),
            headers=redacted_headers(call.http),
            code=answer.code,
            http_status=answer.status,
            duration_ms=(self._timer() - call.started) * 1000 + call.delay_ms,
        )

    def _log(self, store: Store, entry: LoggedRequest) -> None:
        if self._options.request_log_size > 0:
            store.log_request(entry, self._options.request_log_size)

    def _log_alone(self, entry: LoggedRequest) -> None:
        if self._options.request_log_size <= 0:
            return
        try:
            with self._transaction() as store:
                self._log(store, entry)
        except Exception:  # the answer matters more than its log entry
            log.exception("could not log request %s", entry.request_id)
