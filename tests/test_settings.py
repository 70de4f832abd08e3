"""Settings: every key from a ``MOCK_ECS_*`` variable, read when the object is made."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mock_ecs.settings import Settings, database_url, default_data_dir, default_fixtures_path


@pytest.fixture(autouse=True)
def _no_mock_ecs_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start each test from an environment without any MOCK_ECS_* variable."""
    for name in list(Settings.model_fields):
        monkeypatch.delenv(f"MOCK_ECS_{name.upper()}", raising=False)


def test_defaults_are_strict_and_local() -> None:
    settings = Settings()

    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.check_timestamp
    assert settings.check_nonce
    assert not settings.reset


def test_the_default_fixtures_are_the_shipped_file() -> None:
    assert Settings().fixtures == default_fixtures_path()
    assert default_fixtures_path().is_file()


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCK_ECS_PORT", "9001")
    monkeypatch.setenv("MOCK_ECS_HOST", "0.0.0.0")
    monkeypatch.setenv("MOCK_ECS_DB", ":memory:")
    monkeypatch.setenv("MOCK_ECS_STOPPING_SECONDS", "0.5")

    settings = Settings()

    assert (settings.port, settings.host, settings.db, settings.stopping_seconds) == (
        9001,
        "0.0.0.0",
        ":memory:",
        0.5,
    )


@pytest.mark.parametrize(("value", "expected"), [("false", False), ("0", False), ("true", True)])
def test_boolean_environment_variables_are_read(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("MOCK_ECS_CHECK_NONCE", value)

    assert Settings().check_nonce is expected


def test_keyword_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCK_ECS_PORT", "9001")

    assert Settings(port=9002).port == 9002


def test_a_port_out_of_range_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCK_ECS_PORT", "70000")

    with pytest.raises(ValidationError, match="port"):
        Settings()


@pytest.mark.parametrize("field", ["stopping_seconds", "starting_seconds", "force_stopping_seconds"])
@pytest.mark.parametrize("value", ["-1", "inf", "nan"])
def test_phase_durations_must_be_finite_and_not_negative(field: str, value: str) -> None:
    with pytest.raises(ValidationError, match=field):
        Settings.model_validate({field: value})


def test_the_data_directory_follows_xdg_data_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))

    assert default_data_dir() == tmp_path / "mock-ecs"


def test_the_data_directory_defaults_to_local_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)

    assert default_data_dir() == Path.home() / ".local" / "share" / "mock-ecs"


def test_without_db_the_database_is_a_file_in_the_data_directory(tmp_path: Path) -> None:
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path.resolve()}/mock-ecs.sqlite3"


def test_the_settings_database_url_uses_the_data_directory(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).database_url == f"sqlite:///{tmp_path.resolve()}/mock-ecs.sqlite3"


def test_memory_is_an_in_memory_sqlite_database(tmp_path: Path) -> None:
    assert database_url(":memory:", tmp_path) == "sqlite://"


def test_a_relative_path_becomes_an_absolute_sqlite_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)

    assert (
        database_url("state/mock.db", Path("/elsewhere")) == f"sqlite:///{tmp_path.resolve()}/state/mock.db"
    )


def test_a_home_relative_path_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))

    assert database_url("~/mock.db", Path("/elsewhere")) == f"sqlite:///{tmp_path.resolve()}/mock.db"


def test_a_url_is_used_as_it_is(tmp_path: Path) -> None:
    url = "postgresql+psycopg://mock:secret@db:5432/mock_ecs"

    assert database_url(url, tmp_path) == url
