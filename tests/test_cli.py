"""``mock-ecs serve`` and ``mock-ecs check-fixtures``, as a user runs them."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import httpx2 as httpx
import pytest

from mock_ecs import cli
from mock_ecs.app import create_app
from mock_ecs.settings import Settings
from mock_ecs.store.tables import SCHEMA_VERSION
from tests.conftest import ROOT, WORLD
from tests.support.server import ServerProcess

DEFAULT_FIXTURES = ROOT / "fixtures" / "default.yaml"
BROKEN = 'regions: [{id: cn-x, zones: [cn-x-a]}]\ninstances: [{account: "1", region: cn-x, status: Broken}]\n'


@pytest.fixture(autouse=True)
def _no_mock_ecs_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(f"MOCK_ECS_{name.upper()}", raising=False)


@pytest.fixture
def served_settings(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """Run ``main`` up to the point of serving, and keep the settings it would serve with."""
    seen: list[Settings] = []

    def serve(settings: Settings) -> int:
        seen.append(settings)
        return 0

    monkeypatch.setattr(cli, "serve", serve)
    return seen


def _write(tmp_path: Path, text: str, name: str = "fixtures.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- serve: settings from flags and the environment -----------------------------------------


def test_a_port_out_of_range_exits_2_naming_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--port", "70000"]) == 2

    assert capsys.readouterr().err == (
        "mock-ecs: --port (MOCK_ECS_PORT): Input should be less than or equal to 65535\n"
    )


def test_a_bad_environment_variable_exits_2_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOCK_ECS_STOPPING_SECONDS", "soon")

    assert cli.main(["serve"]) == 2
    assert capsys.readouterr().err.startswith("mock-ecs: --stopping-seconds (MOCK_ECS_STOPPING_SECONDS): ")


def test_every_setting_is_a_serve_flag(served_settings: list[Settings]) -> None:
    assert (
        cli.main(["serve", "--port", "9001", "--stopping-seconds", "0.5", "--db", ":memory:", "--reset"]) == 0
    )

    (settings,) = served_settings
    assert (settings.port, settings.stopping_seconds, settings.db, settings.reset) == (
        9001,
        0.5,
        ":memory:",
        True,
    )


def test_no_check_flags_relax_the_checks(served_settings: list[Settings]) -> None:
    cli.main(["serve", "--no-check-timestamp", "--no-check-nonce"])

    (settings,) = served_settings
    assert (settings.check_timestamp, settings.check_nonce) == (False, False)


def test_a_flag_wins_over_its_environment_variable(
    monkeypatch: pytest.MonkeyPatch, served_settings: list[Settings]
) -> None:
    monkeypatch.setenv("MOCK_ECS_PORT", "9001")
    monkeypatch.setenv("MOCK_ECS_CHECK_NONCE", "false")

    cli.main(["serve", "--port", "9002", "--check-nonce"])

    (settings,) = served_settings
    assert (settings.port, settings.check_nonce) == (9002, True)


def test_an_environment_variable_applies_without_its_flag(
    monkeypatch: pytest.MonkeyPatch, served_settings: list[Settings]
) -> None:
    monkeypatch.setenv("MOCK_ECS_PORT", "9001")

    cli.main(["serve"])

    assert served_settings[0].port == 9001


def test_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out == f"mock-ecs {version('mock-ecs')}\n"


# -- serve: refusing to start ---------------------------------------------------------------


def test_serve_with_broken_fixtures_exits_2_naming_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = _write(tmp_path, BROKEN)

    assert cli.main(["serve", "--db", ":memory:", "--fixtures", str(fixtures)]) == 2
    assert capsys.readouterr().err.startswith(f"mock-ecs: {fixtures}: instances[0].status: ")


def test_serve_with_fixtures_that_fail_to_load_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = _write(
        tmp_path, 'regions: [{id: cn-x, zones: [cn-x-a]}]\ninstances: [{account: "1", region: cn-x}]'
    )

    assert cli.main(["serve", "--db", ":memory:", "--fixtures", str(fixtures)]) == 2
    assert capsys.readouterr().err == f"mock-ecs: {fixtures}: instances[0].account: no account '1'\n"


def test_serve_on_a_database_of_another_schema_version_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "old.sqlite3"
    create_app(Settings(db=str(db), fixtures=WORLD)).runtime.close()
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    connection.close()

    assert cli.main(["serve", "--db", str(db), "--fixtures", str(WORLD)]) == 2
    assert f"has schema version 0; this mock-ecs needs {SCHEMA_VERSION}" in capsys.readouterr().err


# -- check-fixtures -------------------------------------------------------------------------


def test_check_fixtures_passes_the_shipped_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check-fixtures", str(DEFAULT_FIXTURES)]) == 0
    assert capsys.readouterr().out == f"{DEFAULT_FIXTURES}: ok (28 regions, 1 accounts, 10 instances)\n"


def test_check_fixtures_fails_a_broken_file_naming_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = _write(tmp_path, BROKEN)

    assert cli.main(["check-fixtures", str(fixtures)]) == 1
    assert capsys.readouterr().err.startswith(f"{fixtures}: instances[0].status: ")


def test_check_fixtures_fails_a_file_that_serve_could_not_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = _write(
        tmp_path, 'regions: [{id: cn-x, zones: [cn-x-a]}]\ninstances: [{account: "1", region: cn-x}]'
    )

    assert cli.main(["check-fixtures", str(fixtures)]) == 1
    assert capsys.readouterr().err == f"{fixtures}: instances[0].account: no account '1'\n"


def test_check_fixtures_fails_a_file_naming_an_id_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = _write(tmp_path, 'accounts: [{id: "1"}, {id: "1"}]')

    assert cli.main(["check-fixtures", str(fixtures)]) == 1
    assert capsys.readouterr().err == f"{fixtures}: accounts: '1' appears twice\n"


def test_check_fixtures_fails_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check-fixtures", str(tmp_path / "absent.yaml")]) == 1
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'absent.yaml'}: cannot read: ")


def test_check_fixtures_reports_every_file_and_fails_if_any_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _write(tmp_path, BROKEN)

    assert cli.main(["check-fixtures", str(broken), str(WORLD)]) == 1

    output = capsys.readouterr()
    assert output.err.startswith(f"{broken}: ")
    assert output.out.startswith(f"{WORLD}: ok (2 regions, 3 accounts, 11 instances)")


def test_check_fixtures_needs_a_file() -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["check-fixtures"])

    assert exited.value.code == 2


# -- the banner -----------------------------------------------------------------------------


def test_the_banner_names_a_key_that_signs_as_it_is(tmp_path: Path) -> None:
    """Not an STS key (it needs its token too), and an unrestricted key before a RAM one."""
    fixtures = _write(
        tmp_path,
        'accounts: [{id: "1", access_keys: [{id: A.sts, secret: s, security_token: t}, '
        "{id: B.ram, secret: s, actions: [DescribeRegions]}, {id: C.plain, secret: plain}]}]",
    )
    app = create_app(Settings(db=":memory:", fixtures=fixtures))
    try:
        banner = cli._banner(app, 8080)
    finally:
        app.runtime.close()

    assert "  access key:    C.plain  secret: plain  (account 1)" in banner.splitlines()


def test_the_banner_says_how_to_add_a_key_when_there_is_none(tmp_path: Path) -> None:
    app = create_app(Settings(db=":memory:", fixtures=_write(tmp_path, "")))
    try:
        banner = cli._banner(app, 8080)
    finally:
        app.runtime.close()

    assert "  access key:    none active: add one with POST /_mock/fixtures" in banner.splitlines()


def test_the_banner_says_when_nonces_may_be_reused() -> None:
    app = create_app(Settings(db=":memory:", fixtures=WORLD, check_nonce=False))
    try:
        banner = cli._banner(app, 8080)
    finally:
        app.runtime.close()

    assert "  relaxed:       signature nonces may be reused" in banner.splitlines()


# -- a real `python -m mock_ecs serve` ------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Path, list[str]]]:
    """One real server on a free port, with its banner once it is complete."""
    db = tmp_path_factory.mktemp("cli") / "mock-ecs.sqlite3"
    with ServerProcess("--db", str(db), "--fixtures", str(WORLD), "--no-check-timestamp") as process:
        # The banner is printed before the server answers anything: once the request log
        # shows this call, the whole banner has been read.
        httpx.get(f"{process.url}/?Action=DescribeRegions&Signature=s3cret-signature", timeout=10)
        deadline = time.monotonic() + 10
        while not any("DescribeRegions" in line for line in process.output) and time.monotonic() < deadline:
            time.sleep(0.05)
        yield process, db, [line.rstrip("\n") for line in process.output]


def test_the_server_log_shows_each_call_once_without_its_signature(
    served: tuple[ServerProcess, Path, list[str]],
) -> None:
    _, _, lines = served

    assert len([line for line in lines if "DescribeRegions" in line]) == 1
    assert not any("s3cret-signature" in line for line in lines)


def test_the_banner_names_the_listening_url(served: tuple[ServerProcess, Path, list[str]]) -> None:
    process, _, lines = served

    assert process.port != 0
    assert f"mock-ecs {version('mock-ecs')} is serving the ECS API (2014-05-26) at {process.url}" in lines
    assert httpx.get(f"{process.url}/_mock/health", timeout=10).json()["status"] == "ok"


def test_the_banner_names_the_database(served: tuple[ServerProcess, Path, list[str]]) -> None:
    _, db, lines = served

    assert f"  database:      sqlite:///{db}" in lines


def test_the_banner_names_an_access_key_to_use(served: tuple[ServerProcess, Path, list[str]]) -> None:
    _, _, lines = served

    assert "  access key:    testAKID  secret: testSecret  (account 1000000000000001)" in lines


def test_the_banner_says_when_timestamps_are_not_checked(
    served: tuple[ServerProcess, Path, list[str]],
) -> None:
    _, _, lines = served

    assert "  relaxed:       request timestamps are not checked" in lines
    assert "  relaxed:       signature nonces may be reused" not in lines


@pytest.mark.parametrize(
    ("db", "expected"),
    [
        ("nosuch://x", "mock-ecs: --db (MOCK_ECS_DB): nosuch://x: "),
        (
            "postgresql+psycopg://user:hunter2@127.0.0.1:1/x",
            "mock-ecs: --db (MOCK_ECS_DB): postgresql+psycopg://user:***@",
        ),
    ],
)
def test_a_database_that_cannot_be_used_is_a_clean_error_without_its_password(
    db: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve", "--db", db]) == 2

    error = capsys.readouterr().err
    assert error.startswith(expected)
    assert "hunter2" not in error
    assert "Traceback" not in error


def test_an_unknown_log_level_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--log-level", "loud"]) == 2
    assert capsys.readouterr().err.startswith("mock-ecs: --log-level (MOCK_ECS_LOG_LEVEL): Input should be")
