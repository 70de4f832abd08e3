"""Instances as the product sees them, and what it needs from the store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from mock_ecs.ecs.lifecycle import LockReason, PhaseDurations, Schedule, Status

if TYPE_CHECKING:
    from mock_ecs.ecs.listing import InstanceFilter, InstanceRecord, InstanceStatusRecord, Page, Paging


@dataclass(frozen=True)
class Lock:
    reason: LockReason
    message: str = ""


@dataclass(frozen=True)
class InstanceState:
    """What the lifecycle checks need of an instance; ``version`` guards check-and-set."""

    id: str
    account_id: str
    region_id: str
    status: Status  # the status before ``schedule`` began, or the status when there is none
    schedule: Schedule | None
    locks: tuple[Lock, ...]
    version: int
    stopping_seconds: float | None = None  # per-instance phase durations; None: the default
    starting_seconds: float | None = None

    def status_at(self, now: float) -> Status:
        return self.schedule.status_at(now) if self.schedule is not None else self.status

    @property
    def lock_reasons(self) -> frozenset[LockReason]:
        return frozenset(lock.reason for lock in self.locks)

    def durations(self, defaults: PhaseDurations) -> PhaseDurations:
        return PhaseDurations(
            stopping=defaults.stopping if self.stopping_seconds is None else self.stopping_seconds,
            starting=defaults.starting if self.starting_seconds is None else self.starting_seconds,
            force_stopping=defaults.force_stopping,
        )


@dataclass(frozen=True)
class RegionInfo:
    id: str
    local_names: Mapping[str, str] = field(default_factory=dict)  # by language: zh-CN, en-US, ja


class EcsStore(Protocol):
    """The product's view of one store transaction."""

    def mock_now(self) -> float: ...

    def region_exists(self, region_id: str) -> bool: ...

    def account_balance(self, account_id: str) -> float: ...

    def instances(self, account_id: str, region_id: str, ids: Sequence[str]) -> Mapping[str, InstanceState]:
        """The instances of ``ids`` that this account owns in this region, by id."""
        ...

    def find_instance(self, account_id: str, instance_id: str) -> InstanceState | None:
        """The instance ``instance_id`` if this account owns it, in whichever region."""
        ...

    def regions(self) -> Sequence[RegionInfo]:
        """Every region, in listing order."""
        ...

    def start_schedule(
        self, instance: InstanceState, schedule: Schedule, *, stopped_mode: str | None = None
    ) -> None:
        """Begin ``schedule`` from the instance's current status, recording the stop mode it
        ends in (None for an operation that ends Running); raises ``StateConflict`` if the
        instance changed since it was read."""
        ...

    def zone_exists(self, region_id: str, zone_id: str) -> bool: ...

    def describe_instances(self, where: InstanceFilter, paging: Paging, now: float) -> Page[InstanceRecord]:
        """The instances matching ``where`` as the clock sees them at ``now``, one page of them,
        in creation order."""
        ...

    def instance_statuses(
        self, where: InstanceFilter, paging: Paging, now: float
    ) -> Page[InstanceStatusRecord]:
        """As :meth:`describe_instances`: the same page, of each instance's status only."""
        ...
