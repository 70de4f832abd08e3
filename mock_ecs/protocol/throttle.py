"""Flow control: a request rate per access key, and the throttling answer's retry hint.

**Decision — the count lives in the database**, in fixed windows per access key: several
workers share one database, and a per-process count would let N workers admit N times the
rate; the count also goes with ``POST /_mock/reset`` like every other state. It costs one
upsert per request, and only when a rate is set.

**Decision — throttling answers carry ``x-acs-retry-after``** (milliseconds). The Tea SDKs
(alibabacloud-tea-openapi 0.4.x, darabonba) raise ``ThrottlingException`` only when that
header holds a positive number, whatever the code (sdk-wire §4); the header tells the client
when the window reopens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from mock_ecs.protocol import errors
from mock_ecs.protocol.errors import ApiError

RETRY_AFTER_HEADER = "x-acs-retry-after"
# A throttling fault that names no wait of its own asks for a second: one window of the
# service's per-second flow control.
DEFAULT_RETRY_AFTER_MS = 1000


class RetryLater(ApiError):
    """An error answer that tells the client when to try again."""

    def __init__(self, error: ApiError, retry_after_ms: int) -> None:
        super().__init__(error.http_status, error.code, error.message)
        self.retry_after_ms = retry_after_ms


def retry_after_default(code: str) -> int:
    """The wait a throttling code announces unless told otherwise; 0 (no header) for others."""
    return DEFAULT_RETRY_AFTER_MS if code.startswith("Throttling") else 0


class RateStore(Protocol):
    def count_request(self, access_key_id: str, window: int) -> int:
        """Count one more request of the key in ``window``; the count so far, this one included."""
        ...


@dataclass(frozen=True)
class RateLimit:
    """``per_second`` requests per second per access key, in fixed windows.

    A window lasts one second and admits ``floor(per_second)`` requests; below one request a
    second, a window lasts ``1 / per_second`` seconds and admits one.
    """

    per_second: float

    @property
    def window_seconds(self) -> float:
        return max(1.0, 1.0 / self.per_second)

    @property
    def allowance(self) -> int:
        return max(1, math.floor(self.per_second * self.window_seconds))

    def check(self, store: RateStore, access_key_id: str, wall_now: float) -> None:
        window = math.floor(wall_now / self.window_seconds)
        if store.count_request(access_key_id, window) > self.allowance:
            reopens_at = (window + 1) * self.window_seconds
            raise RetryLater(errors.THROTTLING_USER(), max(1, math.ceil((reopens_at - wall_now) * 1000)))
