"""The comparison as Markdown tables, ready for the README, and the targets of issue 5."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.comparison.results import FLOOR, FLOOR_SCENARIO, MOCK_ECS, MOTO, Results, Run
from benchmarks.comparison.workloads import DESCRIBE10, MOTO_CANNOT, REBOOT, SCENARIOS, STATUS10
from benchmarks.comparison.wrk import MANY, ONE

CONNECTIONS = (ONE.connections, MANY.connections)
_NONE = "—"


@dataclass(frozen=True)
class Target:
    goal: str
    measured: str
    met: bool | None  # None: not measured, or measured by an invalid run

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT met", None: "not measured"}[self.met]


def render(results: Results) -> str:
    sections = [
        _machine(results),
        _throughput(results),
        _floor(results),
        _start_and_memory(results),
        _scaling(results),
        _targets(results),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def targets(results: Results) -> list[Target]:
    many = MANY.connections
    moto_describe = results.run(MOTO, DESCRIBE10.key, many)
    found = [
        _ratio_target(
            "RebootInstances req/s ≥ 10x moto's (32 connections)",
            results.run(MOCK_ECS, REBOOT.key, many), results.run(MOTO, REBOOT.key, many),
            lambda run: run.result.rps, at_least=10,
        ),
        _ratio_target(
            "RebootInstances p99 ≤ 1/10 of moto's (32 connections)",
            results.run(MOCK_ECS, REBOOT.key, many), results.run(MOTO, REBOOT.key, many),
            lambda run: run.result.p99_ms, at_most=0.1,
        ),
        _ratio_target(
            "DescribeInstanceStatus (page of 10) req/s ≥ 20x moto's DescribeInstances (page of 10), "
            "32 connections",
            results.run(MOCK_ECS, STATUS10.key, many), moto_describe,
            lambda run: run.result.rps, at_least=20,
        ),
        _ratio_target(
            "DescribeInstances (page of 10) req/s ≥ 20x moto's (32 connections)",
            results.run(MOCK_ECS, DESCRIBE10.key, many), moto_describe,
            lambda run: run.result.rps, at_least=20,
        ),
        _ratio_target(
            "signed DescribeInstanceStatus req/s ≥ 25% of the floor's (32 connections)",
            results.run(MOCK_ECS, STATUS10.key, many), results.run(FLOOR, FLOOR_SCENARIO, many),
            lambda run: run.result.rps, at_least=0.25, shown=_percent,
        ),
    ]  # fmt: skip
    return [*found, *_start_targets(results), _memory_target(results), _scaling_target(results)]


def _ratio_target(
    goal: str,
    mine: Run | None,
    theirs: Run | None,
    figure: Callable[[Run], float],
    *,
    at_least: float | None = None,
    at_most: float | None = None,
    shown: Callable[[float | None], str] | None = None,  # default: as "x1.23"
) -> Target:
    if mine is None or theirs is None:
        return Target(goal, "not run", None)
    if not (mine.result.requests and theirs.result.requests):
        silent = mine if not mine.result.requests else theirs
        return Target(goal, f"{silent.server} gave no answer within the run", None)
    ratio = _ratio(figure(mine), figure(theirs))
    measured = f"{(shown or _times)(ratio)} ({figure(mine):,.2f} vs {figure(theirs):,.2f})"
    if mine.problems or theirs.problems or ratio is None:
        return Target(goal, measured + ", invalid run", None)
    met = ratio >= at_least if at_least is not None else ratio <= (at_most or 0)
    return Target(goal, measured, met)


def _start_targets(results: Results) -> list[Target]:
    mine, theirs = results.start_median(MOCK_ECS), results.start_median(MOTO)
    if mine is None:
        return [Target("start to first good answer < 1.0 s and < half of moto's", "not run", None)]
    targets = [Target("start to first good answer < 1.0 s", f"{mine:.2f} s", mine < 1.0)]
    if theirs is None:
        return [*targets, Target("start to first good answer < half of moto's", "moto not run", None)]
    ratio = mine / theirs
    measured = f"{_times(ratio)} ({mine:.2f} s vs {theirs:.2f} s)"
    return [*targets, Target("start to first good answer < half of moto's", measured, ratio < 0.5)]


def _memory_target(results: Results) -> Target:
    peak = results.peak_rss_mb.get(MOCK_ECS)
    goal = "mock-ecs peak RSS < 120 MB"
    return Target(goal, "not run", None) if peak is None else Target(goal, f"{peak:.0f} MB", peak < 120)


def _scaling_target(results: Results) -> Target:
    goal = "DescribeInstances page of 100, p50 at 1 connection: largest size ≤ 1.5x smallest"
    if len(results.scaling) < 2:
        return Target(goal, "not run (--large 0)", None)
    small, large = min(results.scaling), max(results.scaling)
    first, last = results.scaling[small], results.scaling[large]
    ratio = _ratio(last.result.p50_ms, first.result.p50_ms)
    figures = f"{last.result.p50_ms:.2f} ms at {large:,}, {first.result.p50_ms:.2f} ms at {small:,}"
    measured = f"{_times(ratio)} ({figures})"
    if first.problems or last.problems or ratio is None:
        return Target(goal, measured + ", invalid run", None)
    return Target(goal, measured, ratio <= 1.5)


def _machine(results: Results) -> str:
    lines = [f"- {name}: {value}" for name, value in results.machine.items()]
    settings = ", ".join(f"{name} {value}" for name, value in results.settings.items())
    return "\n".join(["Machine:", *lines, f"- settings: {settings}"])


def _throughput(results: Results) -> str:
    header = (
        "| Scenario | Conns | mock-ecs req/s | p50 ms | p99 ms | moto req/s | p50 ms | p99 ms "
        "| req/s vs moto | p99 vs moto | % of floor | non-2xx mock-ecs/moto | Valid |"
    )
    rows = [header, _separator(header)]
    for scenario in SCENARIOS:
        for connections in CONNECTIONS:
            mine = results.run(MOCK_ECS, scenario.key, connections)
            theirs = results.run(MOTO, scenario.key, connections)
            floor = results.run(FLOOR, FLOOR_SCENARIO, connections)
            rows.append(_row([
                scenario.title, str(connections), *_figures(mine), *_figures(theirs),
                _times(_compare(mine, theirs, lambda run: run.result.rps)),
                _times(_compare(mine, theirs, lambda run: run.result.p99_ms)),
                _percent(_compare(mine, floor, lambda run: run.result.rps)),
                f"{_non2xx(mine)}/{_non2xx(theirs)}", _validity([mine, theirs]),
            ]))  # fmt: skip
    notes = [f"moto, {scenario.title}: {MOTO_CANNOT[scenario.key]}." for scenario in SCENARIOS
             if scenario.key in MOTO_CANNOT]  # fmt: skip
    return "\n".join([*rows, "", *notes]).rstrip()


def _floor(results: Results) -> str:
    header = "| Floor: bare ASGI app, GET / | Conns | req/s | p50 ms | p99 ms | non-2xx | Valid |"
    rows = [header, _separator(header)]
    for connections in CONNECTIONS:
        run = results.run(FLOOR, FLOOR_SCENARIO, connections)
        rows.append(_row(["700-byte JSON", str(connections), *_figures(run), _non2xx(run), _validity([run])]))
    return "\n".join(rows)


def _start_and_memory(results: Results) -> str:
    header = "| Server | start to first good answer (median) | peak RSS |"
    rows = [header, _separator(header)]
    for server in (MOCK_ECS, MOTO, FLOOR):
        median = results.start_median(server)
        samples = len(results.start_seconds.get(server, []))
        start = f"{median:.2f} s (of {samples})" if median is not None else _NONE
        rss = results.peak_rss_mb.get(server)
        rows.append(_row([server, start, f"{rss:.0f} MB" if rss is not None else _NONE]))
    for name, rss in results.peak_rss_mb.items():
        if name not in (MOCK_ECS, MOTO, FLOOR):
            rows.append(_row([name, _NONE, f"{rss:.0f} MB"]))
    return "\n".join(rows)


def _scaling(results: Results) -> str:
    if not results.scaling:
        return ""
    header = "| DescribeInstances, page of 100, 1 connection | req/s | p50 ms | p99 ms | non-2xx | Valid |"
    rows = [header, _separator(header)]
    for size, run in sorted(results.scaling.items()):
        rows.append(_row([f"{size:,} stored instances", *_figures(run), _non2xx(run), _validity([run])]))
    return "\n".join(rows)


def _targets(results: Results) -> str:
    header = "| Target | Measured | Result |"
    rows = [header, _separator(header)]
    rows += [_row([target.goal, target.measured, target.verdict]) for target in targets(results)]
    return "\n".join(rows)


def _figures(run: Run | None) -> list[str]:
    if run is None:
        return [_NONE, _NONE, _NONE]
    result = run.result
    if not result.requests:  # every answer took longer than the run
        longer = f"> {result.duration_us / 1000:,.0f}"
        return ["0", longer, longer]
    rps = f"{result.rps:,.0f}" if result.rps >= 10 else f"{result.rps:.1f}"
    return [rps, _ms(result.p50_ms), _ms(result.p99_ms)]


def _validity(runs: Sequence[Run | None]) -> str:
    problems = [f"{run.server}: {', '.join(run.problems)}" for run in runs if run and run.problems]
    caveats = [f"{run.server}: {', '.join(run.caveats)}" for run in runs if run and run.caveats]
    if problems:
        return "INVALID: " + "; ".join(problems + caveats)
    return "yes" + "".join(f"; {caveat}" for caveat in caveats)


def _non2xx(run: Run | None) -> str:
    return _NONE if run is None else str(run.result.non2xx)


def _compare(mine: Run | None, theirs: Run | None, figure: Callable[[Run], float]) -> float | None:
    """mine / theirs, when both were run and answered."""
    if not (mine and theirs and mine.result.requests and theirs.result.requests):
        return None
    return _ratio(figure(mine), figure(theirs))


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _times(ratio: float | None) -> str:
    if ratio is None:
        return _NONE
    return f"x{ratio:.2f}" if ratio < 10 else f"x{ratio:.1f}"


def _percent(ratio: float | None) -> str:
    return _NONE if ratio is None else f"{ratio:.1%}"


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _separator(header: str) -> str:
    columns = header.count("|") - 1
    return "|" + "---|" * columns
