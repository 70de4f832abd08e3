"""What the ``mock_ecs`` fixture costs a test: the reset before it, then its first signed call.

    .venv/bin/python -m benchmarks.plugin_reset [--iterations N] [--fixtures FILE]

Starts the plugin's in-process server (packaged default fixtures unless ``--fixtures``), then
N times: the fixture's reset (POST /_mock/reset), a new Tea SDK client and one RebootInstances
signed V3. Prints p50, p99 and mean of each part, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mock_ecs.ecs.lifecycle import Status
from mock_ecs.store.fixtures import read_file
from mock_ecs.testing import MockEcs
from mock_ecs.testing.server import Servers

INSTANCE = "i-bp67acfmxazb4p0001"  # Running in the default fixtures
MAX_ITERATIONS = 10_000


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.plugin_reset", description=__doc__)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--fixtures", type=Path, default=None)
    parser.add_argument("--instance", help="a Running instance to reboot (default: the fixtures' first)")
    args = parser.parse_args(argv)
    iterations = max(1, min(args.iterations, MAX_ITERATIONS))
    settings: dict[str, Any] = {} if args.fixtures is None else {"fixtures": args.fixtures.resolve()}
    instance = args.instance or _first_running(args.fixtures)

    from alibabacloud_ecs20140526 import models

    servers = Servers()
    started = time.perf_counter()
    handle = MockEcs.of(servers.target(settings))
    print(f"server started in {(time.perf_counter() - started) * 1000:.0f} ms at {handle.endpoint}")
    resets: list[float] = []
    calls: list[float] = []
    try:
        for _ in range(iterations):
            t0 = time.perf_counter()
            handle.reset()
            t1 = time.perf_counter()
            handle.tea_client().reboot_instances(
                models.RebootInstancesRequest(region_id=handle.region_id, instance_id=[instance])
            )
            t2 = time.perf_counter()
            resets.append(t1 - t0)
            calls.append(t2 - t1)
    finally:
        handle.close()
        servers.stop_all()
    print(f"{iterations} iterations (ms)        p50      p99     mean")
    for name, samples in (
        ("reset", resets),
        ("client + first call", calls),
        ("total", [r + c for r, c in zip(resets, calls, strict=True)]),
    ):
        print(
            f"  {name:<22}{_ms(_percentile(samples, 50))}{_ms(_percentile(samples, 99))}"
            f"{_ms(statistics.fmean(samples))}"
        )


def _first_running(path: Path | None) -> str:
    if path is None:
        return INSTANCE
    for spec in read_file(path).instances:
        if spec.id is not None and spec.status is Status.RUNNING and not spec.locks:
            return spec.id
    raise SystemExit(f"{path}: no Running instance with an id and no locks; name one with --instance")


def _percentile(samples: list[float], p: int) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.2f}"


if __name__ == "__main__":
    main()
