"""mock-ecs against moto and a bare-ASGI floor, in one run, on 127.0.0.1 (issue 5).

    python -m benchmarks.compare [--duration 10] [--instances 1000] [--large 100000] [--json FILE]

Each server is started on its own and loaded by the same wrk with the same settings:
RebootInstances, DescribeInstanceStatus (page of 10), DescribeInstances (pages of 10 and
100) at 1 and at 32 connections. mock-ecs runs as a user runs it: default settings, SQLite on
disk, every request signed (V1) with its own nonce, so the replay check stays on. Also
measured: time from process start to the first good answer, peak resident memory, and how a
DescribeInstances page of 100 scales from --instances to --large stored instances. Prints
Markdown tables (progress goes to stderr) and whether each target of the issue is met.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks import describe_instances
from benchmarks.comparison import machine, report
from benchmarks.comparison.results import FLOOR, FLOOR_SCENARIO, MOCK_ECS, MOTO, Results, Run
from benchmarks.comparison.seeding import seed_moto, write_mock_ecs_fixtures
from benchmarks.comparison.servers import (
    MOTO_AUTHORIZATION,
    Probe,
    Server,
    floor_command,
    floor_probe,
    free_port,
    mock_ecs_command,
    mock_ecs_probe,
    moto_command,
    moto_probe,
    running,
)
from benchmarks.comparison.signer import V1Signer
from benchmarks.comparison.workloads import (
    MOTO_CANNOT,
    SCENARIOS,
    Scenario,
    describe_page_paths,
    mock_ecs_paths,
    moto_paths,
)
from benchmarks.comparison.wrk import MANY, ONE, Load, ensure_wrk, run_wrk, wrk_version

LOADS = (ONE, MANY)
# The access key and a region of fixtures/default.yaml, which a fresh data directory loads.
DEFAULT_KEY, DEFAULT_SECRET, DEFAULT_REGION = "testAKID", "testSecret", "cn-hangzhou"
SCALING_PAGE_SIZE = 100


@dataclass(frozen=True)
class Options:
    duration: int  # seconds per wrk run (wrk takes whole seconds)
    instances: int
    large: int  # 0: no scaling row
    start_runs: int
    presign_rate: int  # requests signed per second of a run

    @property
    def requests_per_run(self) -> int:
        return math.ceil(self.duration * self.presign_rate)


class Comparison:
    def __init__(self, options: Options, workdir: Path, results: Results) -> None:
        self.options = options
        self.workdir = workdir
        self.results = results
        self.rng = random.Random(0)
        self._servers_started = 0

    def run(self) -> Results:
        self.mock_ecs_start()
        self.mock_ecs_load()
        self.moto()
        self.floor()
        self.scaling()
        return self.results

    def mock_ecs_start(self) -> None:
        """Start to first good answer as a first-time user sees it: a fresh data directory,
        the default fixtures and settings, a signed DescribeInstanceStatus."""
        probe = mock_ecs_probe(V1Signer(DEFAULT_KEY, DEFAULT_SECRET), DEFAULT_REGION)
        for number in range(self.options.start_runs):
            command = _mock_ecs("--data-dir", str(self.workdir / f"fresh-{number}"))
            with self._server(MOCK_ECS, command, probe) as server:
                self._sampled(server)

    def mock_ecs_load(self) -> None:
        fixtures = self.workdir / "pool.json"
        instance_ids = write_mock_ecs_fixtures(fixtures, self.options.instances)
        database = self.workdir / "pool.sqlite3"
        signer = V1Signer(describe_instances.KEY, describe_instances.SECRET)
        region = describe_instances.REGION
        command = _mock_ecs("--db", str(database), "--fixtures", str(fixtures))
        count = self.options.requests_per_run

        def paths(scenario: Scenario, load: Load) -> list[str]:
            # Signed for this run only: nonces are remembered, and the timestamp is fresh.
            return mock_ecs_paths(scenario, signer, region, instance_ids, count, load.threads, self.rng)

        with self._server(MOCK_ECS, command, mock_ecs_probe(signer, region)) as server:
            self._scenarios(server, SCENARIOS, paths, repeats_allowed=False)
            self.results.peak_rss_mb[MOCK_ECS] = server.peak_rss_mb()

    def moto(self) -> None:
        with self._started(MOTO, moto_command, moto_probe) as server:
            started = time.perf_counter()
            world = seed_moto(server.url, self.options.instances)
            seconds = time.perf_counter() - started
            _progress(f"moto: {self.options.instances:,} instances started in {seconds:.1f} s")
            scenarios = [scenario for scenario in SCENARIOS if scenario.key not in MOTO_CANNOT]

            def paths(scenario: Scenario, load: Load) -> list[str]:
                return moto_paths(scenario, world, self.options.requests_per_run, load.threads, self.rng)

            headers = [f"Authorization: {MOTO_AUTHORIZATION}"]
            self._scenarios(server, scenarios, paths, repeats_allowed=True, headers=headers)
            self.results.peak_rss_mb[MOTO] = server.peak_rss_mb()

    def floor(self) -> None:
        with self._started(FLOOR, floor_command, floor_probe) as server:
            for load in LOADS:
                # A line per thread: the script gives each thread its own share of the lines.
                paths = ["/"] * load.threads
                run = self._measure(server, FLOOR_SCENARIO, load, paths, repeats_allowed=True)
                self.results.runs.append(run)
            self.results.peak_rss_mb[FLOOR] = server.peak_rss_mb()

    def scaling(self) -> None:
        """A DescribeInstances page of 100 at 1 connection, at --instances and at --large
        stored instances (databases bulk-built as benchmarks.describe_instances builds them)."""
        if not self.options.large:
            return
        fixtures = self.workdir / "scaling.json"
        fixtures.write_text(json.dumps(describe_instances.FIXTURES), encoding="utf-8")
        signer = V1Signer(describe_instances.KEY, describe_instances.SECRET)
        region = describe_instances.REGION
        for size in sorted({self.options.instances, self.options.large}):
            database = self.workdir / f"scaling-{size}.sqlite3"
            started = time.perf_counter()
            describe_instances.build_database(database, size)
            seconds = time.perf_counter() - started
            _progress(f"mock-ecs: a database of {size:,} instances built in {seconds:.1f} s")
            command = _mock_ecs("--db", str(database), "--fixtures", str(fixtures))
            with self._server(MOCK_ECS, command, mock_ecs_probe(signer, region)) as server:
                paths = describe_page_paths(
                    signer, region, size, SCALING_PAGE_SIZE, self.options.requests_per_run, self.rng
                )
                run = self._measure(server, f"describe100 at {size:,}", ONE, paths, repeats_allowed=False)
                self.results.scaling[size] = run
                self.results.peak_rss_mb[f"mock-ecs, {size:,} instances (scaling row)"] = server.peak_rss_mb()
            database.unlink()

    def _server(
        self, name: str, command: Callable[[int], list[str]], probe: Probe
    ) -> AbstractContextManager[Server]:
        self._servers_started += 1
        port = free_port()
        log = self.workdir / f"{self._servers_started:02d}-{name}.log"
        return running(name, command(port), port, probe, log)

    @contextmanager
    def _started(self, name: str, command: Callable[[int], list[str]], probe: Probe) -> Iterator[Server]:
        """The server to load, after start_runs - 1 starts that are only timed (the one
        kept is timed too: moto and the floor start the same whatever they then serve)."""
        for _ in range(self.options.start_runs - 1):
            with self._server(name, command, probe) as server:
                self._sampled(server)
        with self._server(name, command, probe) as server:
            self._sampled(server)
            yield server

    def _scenarios(
        self,
        server: Server,
        scenarios: Sequence[Scenario],
        paths: Callable[[Scenario, Load], list[str]],
        *,
        repeats_allowed: bool,
        headers: Sequence[str] = (),
    ) -> None:
        """Each scenario at each load, in turn, against one server."""
        for scenario in scenarios:
            for load in LOADS:
                requests = paths(scenario, load)
                run = self._measure(server, scenario.key, load, requests, repeats_allowed, headers)
                self.results.runs.append(run)

    def _sampled(self, server: Server) -> None:
        self.results.start_seconds.setdefault(server.name, []).append(server.start_seconds)
        _progress(f"{server.name}: first good answer {server.start_seconds:.2f} s after start")

    def _measure(
        self,
        server: Server,
        scenario: str,
        load: Load,
        paths: Sequence[str],
        repeats_allowed: bool,
        headers: Sequence[str] = (),
    ) -> Run:
        server.check_alive()
        server.wait_idle()
        result = run_wrk(server.url, paths, load, self.options.duration, self.workdir, headers)
        server.check_alive()
        run = Run(server.name, scenario, load.connections, result, repeats_allowed)
        problems = "".join(f"  INVALID: {problem}" for problem in run.problems)
        problems += "".join(f"  ({caveat})" for caveat in result.caveats())
        _progress(
            f"{server.name:8} {scenario:22} {load.connections:2} conns: {result.rps:8,.0f} req/s  "
            f"p50 {result.p50_ms:8.2f} ms  p99 {result.p99_ms:8.2f} ms  non-2xx {result.non2xx}{problems}"
        )
        return run


def _mock_ecs(*options: str) -> Callable[[int], list[str]]:
    """``mock-ecs serve`` on a given port with ``options`` (and defaults for everything else)."""
    return lambda port: mock_ecs_command(port, *options)


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _options(argv: Sequence[str] | None) -> tuple[Options, Path | None]:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.compare", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--duration", type=int, help="seconds per wrk run (default 10; --quick: 1)")
    parser.add_argument("--instances", type=int, help="instances in each server (default 1000; --quick: 100)")
    parser.add_argument(
        "--large",
        type=int,
        help="instances stored for the scaling row (default 100000; --quick: 2000; 0: none)",
    )
    parser.add_argument("--start-runs", type=int, help="starts timed per server (default 3; --quick: 1)")
    parser.add_argument(
        "--presign-rate", type=int, default=8000,
        help="mock-ecs requests signed per second of a run; a faster run runs out, invalid (default 8000)",
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="short runs and small sizes (the smoke test)")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    args = parser.parse_args(argv)
    quick = args.quick

    def pick(value: int | float | None, default: int | float, quick_default: int | float) -> int | float:
        return value if value is not None else quick_default if quick else default

    options = Options(
        duration=int(pick(args.duration, 10, 1)),
        instances=int(pick(args.instances, 1000, 100)),
        large=int(pick(args.large, 100_000, 2000)),
        start_runs=int(pick(args.start_runs, 3, 1)),
        presign_rate=args.presign_rate,
    )
    if options.duration <= 0 or options.large < 0 or options.start_runs < 1:
        parser.error("--duration and --start-runs must be positive, --large 0 or more")
    if options.instances < MANY.threads:
        parser.error(f"--instances must be at least {MANY.threads}: each wrk thread reboots its own share")
    return options, args.json


def main(argv: Sequence[str] | None = None) -> int:
    options, json_path = _options(argv)
    wrk = ensure_wrk()
    results = Results(machine=machine.describe(wrk_version(wrk)), settings=asdict(options))
    for name, value in results.machine.items():
        _progress(f"{name}: {value}")
    try:
        with tempfile.TemporaryDirectory(prefix="mock-ecs-compare-") as workdir:
            Comparison(options, Path(workdir), results).run()
    except RuntimeError as error:  # a server that died or never answered, wrk failing: all stopped
        _progress(f"benchmarks.compare: {error}")
        return 2
    print(report.render(results), flush=True)
    if json_path is not None:
        json_path.write_text(json.dumps(results.as_json(), indent=2) + "\n", encoding="utf-8")
    if results.invalid_runs:
        _progress(f"{len(results.invalid_runs)} runs are invalid (see the Valid column)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
