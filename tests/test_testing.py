"""The pytest plugin (mock_ecs/testing) as an outside project uses it: sample test files run
in a pytest subprocess that finds the plugin through its entry point."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import ServerProcess, serve
from tests.test_readme import PYTEST_EXAMPLES

# The project's own warning policy: the plugin must not break `filterwarnings = error`.
INI = """
[pytest]
addopts = --strict-markers
filterwarnings =
    error
    ignore::DeprecationWarning:aliyunsdkcore.*
    ignore::DeprecationWarning:alibabacloud_.*
    ignore::DeprecationWarning:darabonba.*
    ignore::DeprecationWarning:Tea.*
"""

REBOOT_TEST = """
from alibabacloud_ecs20140526 import models


def test_reboot(mock_ecs):
    client = mock_ecs.tea_client()
    mock_ecs.freeze_clock()
    client.reboot_instances(
        models.RebootInstancesRequest(region_id=mock_ecs.region_id, instance_id=["i-bp67acfmxazb4p0001"])
    )
    seen = [mock_ecs.status("i-bp67acfmxazb4p0001")]
    for _ in range(4):
        mock_ecs.advance_clock(2.5)
        seen.append(mock_ecs.status("i-bp67acfmxazb4p0001"))
    assert seen == ["Stopping", "Stopping", "Starting", "Starting", "Running"]
"""

# Whichever runs first, the other must not see what it did.
ISOLATION_TESTS = """
def check_clean_then_change(mock_ecs):
    assert mock_ecs.status("i-bp67acfmxazb4p0004") == "Stopped"
    assert not mock_ecs.clock()["frozen"]
    assert mock_ecs.instances(region="cn-beijing") == []
    mock_ecs.set_instance("i-bp67acfmxazb4p0004", status="Running")
    mock_ecs.freeze_clock("2030-01-01T00:00:00Z")
    mock_ecs.create_instance(id="i-extra", account="1234567890123456", region="cn-beijing")


def test_one(mock_ecs):
    check_clean_then_change(mock_ecs)


def test_two(mock_ecs):
    check_clean_then_change(mock_ecs)
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """An outside project's directory; the plugin comes from the installed mock-ecs."""
    for name in (
        "MOCK_ECS_ENDPOINT",
        "MOCK_ECS_ADMIN_TOKEN",
        "MOCK_ECS_ACCESS_KEY_ID",
        "MOCK_ECS_ACCESS_KEY_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)
    pytester.makeini(INI)
    return pytester


def test_a_users_reboot_test_runs_against_the_plugins_server(project: pytest.Pytester) -> None:
    project.makepyfile(test_reboot=REBOOT_TEST)

    project.runpytest_subprocess().assert_outcomes(passed=1)


def test_each_test_starts_from_the_fixtures(project: pytest.Pytester) -> None:
    project.makepyfile(test_isolation=ISOLATION_TESTS)

    project.runpytest_subprocess().assert_outcomes(passed=2)


def test_a_marker_gives_the_test_a_server_with_its_settings(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
import pytest

SERVERS = {}


@pytest.mark.mock_ecs(stopping_seconds=0, starting_seconds=0)
def test_instant(mock_ecs):
    SERVERS["instant"] = mock_ecs.endpoint
    mock_ecs.classic_client(auto_retry=False).do_action_with_exception(reboot("i-bp67acfmxazb4p0001"))
    assert mock_ecs.status("i-bp67acfmxazb4p0001") == "Running"


@pytest.mark.mock_ecs(starting_seconds=0, stopping_seconds=0)
def test_same_settings_same_server(mock_ecs):
    SERVERS["again"] = mock_ecs.endpoint


def test_default(mock_ecs):
    SERVERS["default"] = mock_ecs.endpoint
    mock_ecs.classic_client(auto_retry=False).do_action_with_exception(reboot("i-bp67acfmxazb4p0001"))
    assert mock_ecs.status("i-bp67acfmxazb4p0001") == "Stopping"


def test_servers_are_shared_by_settings():
    assert SERVERS["instant"] == SERVERS["again"] != SERVERS["default"]


def reboot(instance_id):
    from aliyunsdkecs.request.v20140526.RebootInstancesRequest import RebootInstancesRequest

    request = RebootInstancesRequest()
    request.set_InstanceIds([instance_id])
    return request
"""
    )

    project.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=4)


def test_a_fixtures_file_comes_from_the_marker_or_an_indirect_parameter(project: pytest.Pytester) -> None:
    project.makefile(
        ".yaml",
        tiny="""
regions: [{id: cn-qingdao, zones: [cn-qingdao-b]}]
accounts: [{id: "42", access_keys: [{id: tinyAKID, secret: tinySecret}]}]
instances: [{id: i-tiny, account: "42", region: cn-qingdao}]
""",
    )
    project.makepyfile(
        """
import pytest


@pytest.mark.mock_ecs(fixtures="tiny.yaml")
def test_marker(mock_ecs):
    assert [i["id"] for i in mock_ecs.instances()] == ["i-tiny"]
    assert (mock_ecs.access_key_id, mock_ecs.access_key_secret) == ("tinyAKID", "tinySecret")


@pytest.mark.parametrize("mock_ecs", [{"fixtures": "tiny.yaml"}], indirect=True)
def test_indirect(mock_ecs):
    assert mock_ecs.status("i-tiny") == "Running"
"""
    )

    project.runpytest_subprocess().assert_outcomes(passed=2)


def test_an_unknown_setting_is_named(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
import pytest


@pytest.mark.mock_ecs(stoping_seconds=0)
def test_typo(mock_ecs):
    pass
"""
    )

    result = project.runpytest_subprocess()

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown mock-ecs setting(s) stoping_seconds; the settings are: *"])


@pytest.fixture
def running_server(tmp_path: Path) -> Iterator[ServerProcess]:
    with ServerProcess("--db", str(tmp_path / "shared.sqlite3")) as server:
        yield server


def test_mock_ecs_endpoint_points_the_tests_at_a_running_server(
    project: pytest.Pytester, running_server: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCK_ECS_ENDPOINT", running_server.url)
    project.makepyfile(
        test_reboot=REBOOT_TEST,
        test_isolation=ISOLATION_TESTS,
        test_remote=f"""
import pytest


def test_it_is_the_running_server(mock_ecs):
    assert mock_ecs.endpoint == "{running_server.url}"
    assert (mock_ecs.access_key_id, mock_ecs.access_key_secret) == ("testAKID", "testSecret")


@pytest.mark.mock_ecs(stopping_seconds=0)
def test_own_settings(mock_ecs):
    raise AssertionError("a test needing its own server runs against a running one")
""",
    )

    result = project.runpytest_subprocess("-rs")

    result.assert_outcomes(passed=4, skipped=1)
    result.stdout.fnmatch_lines(["*needs a mock-ecs server with stopping_seconds=0*MOCK_ECS_ENDPOINT*"])


REMOTE_FIXTURES = """
regions:
  - {id: cn-hangzhou, zones: [cn-hangzhou-h]}
accounts:
  - id: "1000000000000099"
    access_keys:
      - {id: remoteAKID, secret: remoteSecret}
instances:
  - {id: i-remote-1, account: "1000000000000099", region: cn-hangzhou}
"""


@pytest.fixture
def remote_key_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A running server whose only key is not the packaged default."""
    fixtures = tmp_path / "remote.yaml"
    fixtures.write_text(REMOTE_FIXTURES, encoding="utf-8")
    with serve(tmp_path / "remote.sqlite3", fixtures) as server:
        yield server


def test_a_running_servers_default_key_is_asked_of_it(
    project: pytest.Pytester, remote_key_server: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCK_ECS_ENDPOINT", remote_key_server.url)
    project.makepyfile(
        test_key="""
from alibabacloud_ecs20140526 import models


def test_the_servers_key_signs_the_calls(mock_ecs):
    assert (mock_ecs.access_key_id, mock_ecs.access_key_secret) == ("remoteAKID", "remoteSecret")
    mock_ecs.tea_client().reboot_instances(
        models.RebootInstancesRequest(region_id="cn-hangzhou", instance_id=["i-remote-1"])
    )
    assert [call["access_key_id"] for call in mock_ecs.requests()] == ["remoteAKID"]
"""
    )

    project.runpytest_subprocess().assert_outcomes(passed=1)


def test_the_key_variables_win_over_the_running_servers_key(
    project: pytest.Pytester, remote_key_server: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCK_ECS_ENDPOINT", remote_key_server.url)
    monkeypatch.setenv("MOCK_ECS_ACCESS_KEY_ID", "envAKID")
    monkeypatch.setenv("MOCK_ECS_ACCESS_KEY_SECRET", "envSecret")
    project.makepyfile(
        test_key="""
def test_the_variables_key(mock_ecs):
    assert (mock_ecs.access_key_id, mock_ecs.access_key_secret) == ("envAKID", "envSecret")
"""
    )

    project.runpytest_subprocess().assert_outcomes(passed=1)


def test_loading_the_plugin_imports_no_server_code() -> None:
    code = (
        "import sys, mock_ecs.testing; print(sorted({'fastapi', 'sqlalchemy', 'uvicorn'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"


def test_the_reset_benchmark_runs() -> None:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.plugin_reset", "--iterations", "2"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()[-3:]] == ["reset", "client", "total"]


def test_the_readmes_pytest_example_passes(project: pytest.Pytester) -> None:
    project.makepyfile(test_reboot=PYTEST_EXAMPLES[0])

    project.runpytest_subprocess().assert_outcomes(passed=3)
