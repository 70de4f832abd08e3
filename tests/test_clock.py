"""The mock clock's setting: how it turns wall time into mock time, and every transition."""

from __future__ import annotations

import pytest

from mock_ecs.clock import ClockSetting, isoformat, parse_iso

WALL = 1_800_000_000.0


def test_a_new_setting_runs_on_wall_time() -> None:
    setting = ClockSetting()

    assert not setting.frozen
    assert setting.now(WALL) == WALL


def test_a_running_setting_adds_its_offset_to_wall_time() -> None:
    assert ClockSetting(offset=30.0).now(WALL) == WALL + 30.0


def test_a_frozen_setting_ignores_wall_time() -> None:
    setting = ClockSetting(frozen_at=WALL)

    assert setting.frozen
    assert setting.now(WALL + 3600) == WALL


def test_freeze_stops_time_where_it_stands() -> None:
    frozen = ClockSetting(offset=30.0).freeze(WALL)

    assert frozen.frozen
    assert frozen.now(WALL + 100) == WALL + 30.0


def test_freezing_a_frozen_clock_keeps_its_moment() -> None:
    frozen = ClockSetting(frozen_at=WALL).freeze(WALL + 100)

    assert frozen.now(WALL + 200) == WALL


def test_unfreeze_continues_from_the_frozen_moment() -> None:
    running = ClockSetting(frozen_at=WALL).unfreeze(WALL + 100)

    assert not running.frozen
    assert running.now(WALL + 100) == WALL
    assert running.now(WALL + 105) == WALL + 5


def test_unfreezing_a_running_clock_changes_nothing() -> None:
    setting = ClockSetting(offset=-12.5)

    assert setting.unfreeze(WALL).now(WALL + 7) == setting.now(WALL + 7)


def test_advance_moves_a_frozen_clock_and_keeps_it_frozen() -> None:
    advanced = ClockSetting(frozen_at=WALL).advance(30)

    assert advanced.frozen
    assert advanced.now(WALL + 999) == WALL + 30


def test_advance_moves_a_running_clock_and_keeps_it_running() -> None:
    advanced = ClockSetting().advance(30)

    assert not advanced.frozen
    assert advanced.now(WALL) == WALL + 30
    assert advanced.now(WALL + 1) == WALL + 31


def test_advance_takes_fractional_seconds() -> None:
    advanced = ClockSetting(frozen_at=WALL).advance(0.25).advance(0.5)

    assert advanced.now(WALL) == WALL + 0.75


def test_advance_takes_negative_seconds() -> None:
    assert ClockSetting(frozen_at=WALL).advance(-60).now(WALL) == WALL - 60


def test_set_on_a_running_clock_keeps_it_running_from_that_moment() -> None:
    moment = 1_767_225_600.0  # 2026-01-01T00:00:00Z
    setting = ClockSetting().set_to(moment, WALL)

    assert not setting.frozen
    assert setting.now(WALL) == moment
    assert setting.now(WALL + 10) == moment + 10


def test_set_on_a_frozen_clock_keeps_it_frozen_at_that_moment() -> None:
    moment = 1_767_225_600.0
    setting = ClockSetting(frozen_at=WALL).set_to(moment, WALL)

    assert setting.frozen
    assert setting.now(WALL + 10) == moment


def test_isoformat_writes_whole_seconds_without_a_fraction() -> None:
    assert isoformat(1_767_225_600.0) == "2026-01-01T00:00:00Z"


def test_isoformat_writes_microseconds_when_present() -> None:
    assert isoformat(1_767_225_600.25) == "2026-01-01T00:00:00.250000Z"


@pytest.mark.parametrize(
    "text",
    ["2026-01-01T00:00:00Z", "2026-01-01T00:00:00z", "2026-01-01T08:00:00+08:00", "2026-01-01T00:00:00"],
    ids=["Z", "lower-case z", "offset", "no zone is UTC"],
)
def test_parse_iso_reads_utc_offsets_and_naive_times(text: str) -> None:
    assert parse_iso(text) == 1_767_225_600.0


def test_parse_iso_reads_what_isoformat_writes() -> None:
    assert parse_iso(isoformat(1_767_225_600.125)) == 1_767_225_600.125


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-13-01T00:00:00Z"])
def test_parse_iso_refuses_text_that_is_not_a_time(text: str) -> None:
    with pytest.raises(ValueError, match=r"Invalid isoformat|month must be"):
        parse_iso(text)
