"""The comparison benchmark runs end to end in quick mode, and its parts do what it relies on.

No figure is checked (no timed assertions): only that every answer was a 2xx, that mock-ecs
and the floor answered in every run, and that the report has every row. (moto may answer
nothing in a one-second run: 32 DescribeInstances pages of 100 at once take it longer.)
It needs wrk, which the benchmark installs as root (CI); elsewhere, without wrk, these tests
are skipped.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from benchmarks import floor
from benchmarks.comparison import report, workloads
from benchmarks.comparison.results import FLOOR, FLOOR_SCENARIO, MOCK_ECS, MOTO, Results, Run
from benchmarks.comparison.seeding import MotoWorld
from benchmarks.comparison.servers import free_port, log_tail, mock_ecs_command, mock_ecs_probe, running
from benchmarks.comparison.signer import V1Signer
from benchmarks.comparison.wrk import MANY, ONE, WrkResult, ensure_wrk, run_wrk
from mock_ecs.cli import EVENT_LOOP
from mock_ecs.protocol.signing import v1_signature, v1_string_to_sign

ROOT = Path(__file__).resolve().parents[2]
_TIMEOUT = 300  # seconds; the quick comparison takes about 40
Comparison = tuple[str, dict[str, Any]]  # the report, and the figures of --json


@pytest.fixture(scope="module")
def wrk() -> str:
    try:
        return ensure_wrk()
    except SystemExit as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(error))


@pytest.fixture(scope="module")
def comparison(wrk: str, tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    """One quick comparison: its report (stdout) and its figures (--json)."""
    figures = tmp_path_factory.mktemp("compare") / "figures.json"
    finished = subprocess.run(
        [sys.executable, "-m", "benchmarks.compare", "--quick", "--json", str(figures)],
        cwd=ROOT, capture_output=True, text=True, timeout=_TIMEOUT, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished.stdout, json.loads(figures.read_text(encoding="utf-8"))


def test_every_server_runs_every_scenario_it_can_at_both_loads(
    comparison: Comparison,
) -> None:
    _, figures = comparison
    ran = {(run["server"], run["scenario"], run["connections"]) for run in figures["runs"]}

    expected = {
        (MOCK_ECS, scenario.key, load.connections) for scenario in workloads.SCENARIOS for load in (ONE, MANY)
    }
    expected |= {
        (MOTO, scenario.key, load.connections)
        for scenario in workloads.SCENARIOS
        if scenario.key not in workloads.MOTO_CANNOT
        for load in (ONE, MANY)
    }
    expected |= {(FLOOR, FLOOR_SCENARIO, load.connections) for load in (ONE, MANY)}
    assert ran == expected


def test_every_answer_is_a_2xx(comparison: Comparison) -> None:
    _, figures = comparison
    runs = figures["runs"] + list(figures["scaling"].values())

    assert [run["result"]["non2xx"] for run in runs] == [0] * len(runs)
    assert [run["result"]["socket_errors"] for run in runs] == [0] * len(runs)
    signed = [run for run in runs if not run["repeats_allowed"]]
    assert [run["result"]["wrapped"] for run in signed] == [0] * len(signed)


def test_every_mock_ecs_and_floor_run_is_answered(comparison: Comparison) -> None:
    _, figures = comparison
    runs = [run for run in figures["runs"] if run["server"] != MOTO] + list(figures["scaling"].values())

    assert [run for run in runs if not run["result"]["requests"]] == []


def test_the_report_has_a_row_per_scenario_and_load(comparison: Comparison) -> None:
    table, _ = comparison

    for scenario in workloads.SCENARIOS:
        for load in (ONE, MANY):
            assert f"| {scenario.title} | {load.connections} | " in table
    assert "| 700-byte JSON | 1 | " in table
    assert "| 700-byte JSON | 32 | " in table
    assert "INVALID" not in table


def test_the_report_gives_start_times_memory_and_scaling(comparison: Comparison) -> None:
    table, figures = comparison

    assert set(figures["start_seconds"]) == {MOCK_ECS, MOTO, FLOOR}
    assert set(figures["peak_rss_mb"]) >= {MOCK_ECS, MOTO, FLOOR}
    for server in (MOCK_ECS, MOTO, FLOOR):
        assert f"| {server} | " in table
    assert sorted(int(size) for size in figures["scaling"]) == [100, 2000]
    assert "| 2,000 stored instances | " in table


def test_the_report_judges_every_target(comparison: Comparison) -> None:
    table, _ = comparison
    targets = table.split("| Target | Measured | Result |", 1)[1].strip().splitlines()[1:]

    assert len(targets) == 9
    assert all(row.endswith(("| met |", "| NOT met |")) for row in targets)


def test_a_replayed_nonce_is_refused_and_counted_as_non_2xx(wrk: str, tmp_path: Path) -> None:
    signer = V1Signer("testAKID", "testSecret")
    port = free_port()
    command = mock_ecs_command(port, "--data-dir", str(tmp_path / "data"))
    with running(MOCK_ECS, command, port, mock_ecs_probe(signer, "cn-hangzhou"), tmp_path / "log") as server:
        signed = signer.sign_many([{"Action": "DescribeInstanceStatus", "RegionId": "cn-hangzhou"}] * 2)
        result = run_wrk(server.url, ["/?" + query for query in signed], ONE, 1, tmp_path)

    assert result.requests > 2
    assert result.non2xx == result.requests - 2
    assert result.wrapped > 0
    assert result.problems(repeats_allowed=False)[:2] == [
        f"{result.non2xx} non-2xx",
        f"ran out of pre-signed requests {result.wrapped}x",
    ]
    assert '"code":"SignatureNonceUsed"' in log_tail(tmp_path / "log", 1000)


def test_the_fast_signer_signs_as_the_protocol_does() -> None:
    signer = V1Signer("AKID", "secret")
    params = {"Action": "DescribeInstances", "RegionId": "cn-hangzhou", "Tag.1.Key": "a b/c*"}
    query = signer.sign_many([params])[0]
    pairs = parse_qsl(query)
    signature = dict(pairs)["Signature"]

    assert signature == v1_signature("secret", v1_string_to_sign("GET", pairs))


def test_each_signed_request_has_its_own_nonce() -> None:
    signer = V1Signer("AKID", "secret")
    queries = [*signer.sign_many([{"Action": "DescribeInstances"}] * 50), signer.sign({"Action": "X"})]
    nonces = {dict(parse_qsl(query))["SignatureNonce"] for query in queries}

    assert len(nonces) == 51


def test_each_thread_reboots_its_own_share_of_the_pool_in_turn() -> None:
    lines = list(workloads.pool_cycle(["a", "b", "c", "d", "e"], 12, threads=2))

    assert lines[0::2] == ["a", "c", "e", "a", "c", "e"]  # thread 0 takes lines 0, 2, 4, …
    assert lines[1::2] == ["b", "d", "b", "d", "b", "d"]


def test_a_moto_page_is_asked_for_with_the_last_reservation_of_the_page_before() -> None:
    world = MotoWorld([f"i-{n}" for n in range(30)], [f"r-{n}" for n in range(30)])
    paths = workloads.moto_paths(workloads.DESCRIBE10, world, 200, 1, random.Random(1))
    tokens = {dict(parse_qsl(path[2:])).get("NextToken") for path in paths}

    assert tokens == {None, "r-9", "r-19"}


def test_moto_is_not_asked_for_what_it_cannot_page() -> None:
    world = MotoWorld(["i-1", "i-2"], ["r-1", "r-2"])

    with pytest.raises(ValueError, match="ignores MaxResults"):
        workloads.moto_paths(workloads.STATUS10, world, 10, 1, random.Random(1))


def _run(server: str, scenario: str, connections: int, rps: float, p99_ms: float, non2xx: int = 0) -> Run:
    duration = 10_000_000
    result = WrkResult(
        requests=int(rps * 10), duration_us=duration, non2xx=non2xx, socket_errors=0, timeouts=0,
        p50_us=int(p99_ms * 500), p99_us=int(p99_ms * 1000), wrapped=0,
    )  # fmt: skip
    return Run(server, scenario, connections, result, repeats_allowed=server != MOCK_ECS)


def test_a_target_is_met_only_by_the_ratio_it_names() -> None:
    results = Results(machine={}, settings={})
    results.runs += [_run(MOCK_ECS, "reboot", 32, 1000, 5), _run(MOTO, "reboot", 32, 100, 40)]

    verdicts = {target.goal: target.met for target in report.targets(results)}

    assert verdicts["RebootInstances req/s ≥ 10x moto's (32 connections)"] is True
    assert verdicts["RebootInstances p99 ≤ 1/10 of moto's (32 connections)"] is False


def test_a_target_measured_by_an_invalid_run_is_not_judged() -> None:
    results = Results(machine={}, settings={})
    results.runs += [_run(MOCK_ECS, "reboot", 32, 1000, 1, non2xx=3), _run(MOTO, "reboot", 32, 10, 40)]

    verdicts = {target.goal: target for target in report.targets(results)}

    target = verdicts["RebootInstances req/s ≥ 10x moto's (32 connections)"]
    assert (target.met, target.verdict) == (None, "not measured")
    assert target.measured.endswith("invalid run")


def test_the_floor_runs_on_mock_ecs_s_event_loop() -> None:
    assert floor.EVENT_LOOP == EVENT_LOOP
