"""Fault injection: rules that answer an API call with an error, or delay it (design notes §3).

A rule matches an action, and optionally one resource id named by the request and one
access key. Matching rules are tried in the order they were added; the first that *fires*
decides the answer and the rest are not tried (so they neither count the request as matched
nor fire). A rule fires on its k-th match (k = 1, 2, …) when

- it has fired fewer than ``times`` times (no ``times``: no such bound), and
- with a ``probability``, ``random.Random(f"{seed}:{k}").random() < probability``: the
  sequence depends only on the rule's seed and k, never on other rules, workers or timing.

A firing rule with a ``code`` answers that error after ``delay_ms``; one without a code
(a *delay rule*) waits ``delay_ms`` and then lets the call be served as usual.

Counting happens in the request's own transaction, so ``matched`` and ``fired`` (and
"first N") hold across several workers sharing one database.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol

from mock_ecs.protocol.errors import ApiError, ErrorSpec
from mock_ecs.protocol.throttle import RetryLater, retry_after_default

MAX_DELAY_MS = 60_000


@dataclass(frozen=True)
class Fault:
    id: int
    action: str
    code: str | None
    http_status: int | None
    message: str | None
    seed: int
    instance_id: str | None = None
    access_key_id: str | None = None
    retry_after_ms: int | None = None
    times: int | None = None
    probability: float | None = None
    delay_ms: int = 0

    def applies_to(self, access_key_id: str, resource_ids: Collection[str]) -> bool:
        if self.access_key_id is not None and self.access_key_id != access_key_id:
            return False
        return self.instance_id is None or self.instance_id in resource_ids

    def fires_on(self, match: int, fired_before: int) -> bool:
        """Whether the ``match``-th matching request fires, ``fired_before`` firings so far."""
        if self.times is not None and fired_before >= self.times:
            return False
        return self.probability is None or random.Random(f"{self.seed}:{match}").random() < self.probability

    def error(self) -> ApiError | None:
        if self.code is None:
            return None
        status = 400 if self.http_status is None else self.http_status
        error = ApiError(status, self.code, self.message or "")
        retry_after = (
            self.retry_after_ms if self.retry_after_ms is not None else retry_after_default(self.code)
        )
        return RetryLater(error, retry_after) if retry_after else error


@dataclass(frozen=True)
class Injection:
    """What a firing rule does to the answer."""

    error: ApiError | None
    delay_ms: int


class FaultStore(Protocol):
    def faults_for(self, action: str) -> Sequence[Fault]:
        """The rules of ``action``, in the order they were added."""
        ...

    def count_fault_match(self, fault_id: int) -> tuple[int, int] | None:
        """Count one more match; the rule's (matched, fired) after it, or None if the rule
        is gone (removed since it was read). Holds the rule's row until the transaction
        ends, so no other request counts between this and the firing."""
        ...

    def count_fault_fired(self, fault_id: int) -> None: ...


def inject(
    store: FaultStore, action: str, access_key_id: str, resource_ids: Collection[str]
) -> Injection | None:
    for fault in store.faults_for(action):
        if not fault.applies_to(access_key_id, resource_ids):
            continue
        counts = store.count_fault_match(fault.id)
        if counts is None:
            continue
        matched, fired = counts
        if fault.fires_on(matched, fired):
            store.count_fault_fired(fault.id)
            return Injection(fault.error(), fault.delay_ms)
    return None


def catalogue(modules: Iterable[ModuleType]) -> dict[str, ErrorSpec]:
    """Every fixed error code the modules define (module-level :class:`ErrorSpec` values),
    so a fault may name a code alone and get the real status and message.

    Codes with placeholders (``Missing{name}``) are left out. Where one code has several
    entries (``InvalidInstanceId.NotFound`` is also the answer to a missing id), the entry
    whose name spells the code (``INVALID_INSTANCE_ID_NOT_FOUND``) wins, else the first.
    """
    found: dict[str, ErrorSpec] = {}
    for module in modules:
        for name, value in vars(module).items():
            if not isinstance(value, ErrorSpec) or "{" in value.code:
                continue
            if value.code not in found or name == _constant_name(value.code):
                found[value.code] = value
    return found


def _constant_name(code: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", code)
    return re.sub(r"[^A-Za-z0-9]+", "_", spaced).upper()
