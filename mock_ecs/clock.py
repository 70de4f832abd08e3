"""Two clocks (spec §2, "Decision — two clocks").

*Wall time* judges request timestamps, because SDKs sign with real time. It is any
``() -> float`` of epoch seconds, ``time.time`` unless a test injects another.

*Mock time* drives the instance lifecycle. Its setting, a :class:`ClockSetting`, is state
kept in the database (so it survives a restart and is shared by every worker); mock time
is that setting applied to wall time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

WallClock = Callable[[], float]

system_wall_clock: WallClock = time.time


@dataclass(frozen=True)
class ClockSetting:
    """Mock time is ``frozen_at`` when frozen, else wall time plus ``offset``."""

    frozen_at: float | None = None
    offset: float = 0.0

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def now(self, wall: float) -> float:
        return self.frozen_at if self.frozen_at is not None else wall + self.offset

    def freeze(self, wall: float) -> ClockSetting:
        return ClockSetting(frozen_at=self.now(wall), offset=0.0)

    def unfreeze(self, wall: float) -> ClockSetting:
        """Let time run again from where it stood."""
        return ClockSetting(frozen_at=None, offset=self.now(wall) - wall)

    def advance(self, seconds: float) -> ClockSetting:
        if self.frozen_at is not None:
            return ClockSetting(frozen_at=self.frozen_at + seconds, offset=0.0)
        return ClockSetting(frozen_at=None, offset=self.offset + seconds)

    def set_to(self, moment: float, wall: float) -> ClockSetting:
        if self.frozen:
            return ClockSetting(frozen_at=moment, offset=0.0)
        return ClockSetting(frozen_at=None, offset=moment - wall)


def isoformat(moment: float) -> str:
    """Epoch seconds as ``2026-01-01T00:00:00.250000Z`` (microseconds only when present)."""
    text = datetime.fromtimestamp(moment, UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def parse_iso(text: str) -> float:
    """``2026-01-01T00:00:00Z`` (or any ISO 8601 with an offset) as epoch seconds."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
