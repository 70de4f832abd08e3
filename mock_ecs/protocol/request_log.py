"""The request log: every API call, as ``GET /_mock/requests`` and the server log show it.

Every call is recorded, those refused before any transaction too (a bad signature, an
unknown action). A call that reaches its transaction writes its row in that transaction,
so serving it stays one transaction. Secrets never reach the log: signatures, security
tokens and anything named like a password or secret read ``***``.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from mock_ecs.clock import isoformat
from mock_ecs.protocol.request import HttpRequest, RpcRequest

REDACTED = "***"
log = logging.getLogger("mock_ecs.requests")

_SECRET_NAME = re.compile(r"signature$|securitytoken|security-token|password|secret", re.IGNORECASE)
_V3_SIGNATURE = re.compile(r"(Signature=)[^,\s]*")


@dataclass(frozen=True)
class LoggedRequest:
    request_id: str
    time: float  # wall time, epoch seconds
    action: str | None
    access_key_id: str | None
    params: Mapping[str, str]
    headers: Mapping[str, str]
    code: str  # "200", or the error's Code
    http_status: int
    duration_ms: float

    def line(self) -> str:
        """One JSON line for the server log."""
        fields = {
            "request_id": self.request_id,
            "time": isoformat(self.time),
            "action": self.action,
            "access_key_id": self.access_key_id,
            "params": self.params,
            "headers": self.headers,
            "code": self.code,
            "http_status": self.http_status,
            "duration_ms": round(self.duration_ms, 3),
        }
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


class RequestLogStore(Protocol):
    def log_request(self, entry: LoggedRequest, keep: int) -> None:
        """Record the call; keep about the last ``keep`` (a reader sees exactly that many)."""
        ...


def redacted_params(request: RpcRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {name: REDACTED if _is_secret(name) else value for name, value in request.params.items()}


def redacted_headers(http: HttpRequest) -> dict[str, str]:
    """The headers that carry the call (``x-acs-*``, ``authorization``), secrets hidden."""
    kept: dict[str, str] = {}
    for name, value in http.headers.items():
        if name == "authorization":
            kept[name] = _V3_SIGNATURE.sub(rf"\g<1>{REDACTED}", value) if "Signature=" in value else REDACTED
        elif name.startswith("x-acs-"):
            kept[name] = REDACTED if _is_secret(name) else value
    return kept


@functools.lru_cache(maxsize=4096)  # the same few parameter names, request after request
def _is_secret(name: str) -> bool:
    return _SECRET_NAME.search(name) is not None


def emit(entry: LoggedRequest) -> None:
    if log.isEnabledFor(logging.INFO):
        log.info(entry.line())
