"""The instance lifecycle as one table (spec §3), and status as a function of time.

An operation that is accepted is stored as a :class:`Schedule`: the status of each phase and
the mock-clock moment it ends. The status anyone reads is derived from that schedule and the
clock, so it is right after a restart and under a frozen clock, and nothing advances it in
the background.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    PENDING = "Pending"
    RUNNING = "Running"
    STARTING = "Starting"
    STOPPING = "Stopping"
    STOPPED = "Stopped"


class LockReason(StrEnum):
    FINANCIAL = "financial"
    SECURITY = "security"
    RECYCLING = "recycling"
    DEDICATED_HOST_FINANCIAL = "dedicatedhostfinancial"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class Operation:
    name: str
    allowed_from: Status
    phases: tuple[Status, ...]
    settles_to: Status
    security_lock_blocks: bool  # a security lock forbids everything but Stop (spec §3)
    needs_balance: bool  # Decision — balance: Start and Reboot need a balance of zero or more


REBOOT = Operation(
    "reboot", Status.RUNNING, (Status.STOPPING, Status.STARTING), Status.RUNNING,
    security_lock_blocks=True, needs_balance=True,
)  # fmt: skip
START = Operation(
    "start", Status.STOPPED, (Status.STARTING,), Status.RUNNING,
    security_lock_blocks=True, needs_balance=True,
)  # fmt: skip
STOP = Operation(
    "stop", Status.RUNNING, (Status.STOPPING,), Status.STOPPED,
    security_lock_blocks=False, needs_balance=False,
)  # fmt: skip
OPERATIONS = {operation.name: operation for operation in (REBOOT, START, STOP)}


@dataclass(frozen=True)
class PhaseDurations:
    """Seconds each phase lasts; a forced stop (ForceReboot, ForceStop) stops faster."""

    stopping: float
    starting: float
    force_stopping: float

    def of(self, phase: Status, *, force: bool) -> float:
        if phase is Status.STOPPING:
            return min(self.force_stopping, self.stopping) if force else self.stopping
        return self.starting


@dataclass(frozen=True)
class Phase:
    status: Status
    ends_at: float


@dataclass(frozen=True)
class Schedule:
    operation: str
    started_at: float
    phases: tuple[Phase, ...]
    settles_to: Status

    def status_at(self, now: float) -> Status:
        for phase in self.phases:
            if now < phase.ends_at:
                return phase.status
        return self.settles_to

    def running_since(self, now: float) -> float | None:
        """When this operation brought the instance up (DescribeInstances' StartTime), if it
        settles Running and is over by ``now``; None otherwise."""
        settled_at = self.phases[-1].ends_at
        return settled_at if self.settles_to is Status.RUNNING and now >= settled_at else None

    def phase_end_at(self, now: float) -> float | None:
        """When the phase under way at ``now`` ends; None once the operation is over."""
        return next((phase.ends_at for phase in self.phases if now < phase.ends_at), None)


def plan(operation: Operation, started_at: float, durations: PhaseDurations, *, force: bool) -> Schedule:
    phases: list[Phase] = []
    moment = started_at
    for status in operation.phases:
        moment += durations.of(status, force=force)
        phases.append(Phase(status, moment))
    return Schedule(operation.name, started_at, tuple(phases), operation.settles_to)
