"""The lifecycle table (spec §3) and status as a function of the clock."""

from __future__ import annotations

import pytest

from mock_ecs.ecs.lifecycle import OPERATIONS, REBOOT, START, STOP, PhaseDurations, Status, plan

DURATIONS = PhaseDurations(stopping=5.0, starting=7.0, force_stopping=1.0)


def test_the_table_names_what_each_operation_allows_and_goes_through() -> None:
    assert {name: (op.allowed_from, op.phases, op.settles_to) for name, op in OPERATIONS.items()} == {
        "reboot": (Status.RUNNING, (Status.STOPPING, Status.STARTING), Status.RUNNING),
        "start": (Status.STOPPED, (Status.STARTING,), Status.RUNNING),
        "stop": (Status.RUNNING, (Status.STOPPING,), Status.STOPPED),
    }


def test_a_security_lock_blocks_everything_but_stop() -> None:
    assert (REBOOT.security_lock_blocks, START.security_lock_blocks, STOP.security_lock_blocks) == (
        True,
        True,
        False,
    )


def test_start_and_reboot_need_a_balance_stop_does_not() -> None:
    assert (REBOOT.needs_balance, START.needs_balance, STOP.needs_balance) == (True, True, False)


@pytest.mark.parametrize(
    ("elapsed", "status"),
    [
        (0.0, "Stopping"),
        (4.999, "Stopping"),
        (5.0, "Starting"),
        (11.999, "Starting"),
        (12.0, "Running"),
        (1e6, "Running"),
    ],
)
def test_a_reboot_is_stopping_then_starting_then_running(elapsed: float, status: str) -> None:
    schedule = plan(REBOOT, 100.0, DURATIONS, force=False)

    assert schedule.status_at(100.0 + elapsed) == status


def test_a_forced_reboot_stops_faster() -> None:
    schedule = plan(REBOOT, 100.0, DURATIONS, force=True)

    assert [(phase.status, phase.ends_at) for phase in schedule.phases] == [
        (Status.STOPPING, 101.0),
        (Status.STARTING, 108.0),
    ]


def test_forcing_never_makes_the_stopping_phase_longer() -> None:
    quick = PhaseDurations(stopping=0.5, starting=1.0, force_stopping=3.0)

    assert plan(STOP, 0.0, quick, force=True).phases[0].ends_at == 0.5


def test_stop_settles_to_stopped_and_start_to_running() -> None:
    assert plan(STOP, 0.0, DURATIONS, force=False).status_at(5.0) == Status.STOPPED
    assert plan(START, 0.0, DURATIONS, force=False).status_at(6.9) == Status.STARTING
    assert plan(START, 0.0, DURATIONS, force=False).status_at(7.0) == Status.RUNNING


def test_phase_end_is_when_the_phase_under_way_ends_and_none_once_over() -> None:
    schedule = plan(REBOOT, 0.0, DURATIONS, force=False)

    assert [schedule.phase_end_at(t) for t in (0.0, 5.0, 12.0)] == [5.0, 12.0, None]


def test_zero_length_phases_settle_at_once() -> None:
    instant = PhaseDurations(stopping=0.0, starting=0.0, force_stopping=0.0)

    assert plan(REBOOT, 10.0, instant, force=False).status_at(10.0) == Status.RUNNING
