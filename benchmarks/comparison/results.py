"""The figures of one comparison, as measured: what the report and ``--json`` are made from."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from benchmarks.comparison.wrk import WrkResult

MOCK_ECS = "mock-ecs"
MOTO = "moto"
FLOOR = "floor"
FLOOR_SCENARIO = "floor"  # GET / of the bare ASGI app


@dataclass(frozen=True)
class Run:
    server: str
    scenario: str
    connections: int
    result: WrkResult
    # Only signed requests are refused when sent twice: moto and the floor may wrap round.
    repeats_allowed: bool

    @property
    def problems(self) -> list[str]:
        return self.result.problems(repeats_allowed=self.repeats_allowed)

    @property
    def caveats(self) -> list[str]:
        return self.result.caveats()


@dataclass
class Results:
    machine: dict[str, str]
    settings: dict[str, Any]
    runs: list[Run] = field(default_factory=list)
    start_seconds: dict[str, list[float]] = field(default_factory=dict)  # per server, every sample
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    scaling: dict[int, Run] = field(default_factory=dict)  # stored instances: DescribeInstances page of 100

    def run(self, server: str, scenario: str, connections: int) -> Run | None:
        for run in self.runs:
            if (run.server, run.scenario, run.connections) == (server, scenario, connections):
                return run
        return None

    def start_median(self, server: str) -> float | None:
        samples = self.start_seconds.get(server)
        return statistics.median(samples) if samples else None

    @property
    def invalid_runs(self) -> list[Run]:
        return [run for run in [*self.runs, *self.scaling.values()] if run.problems]

    def as_json(self) -> dict[str, Any]:
        figures = asdict(self)
        figures["start_median_seconds"] = {server: self.start_median(server) for server in self.start_seconds}
        return figures
