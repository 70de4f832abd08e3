"""The README is a user's page: its examples run, its settings table is the real one."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_ecs.settings import Settings
from tests.support.server import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Test files for the pytest plugin follow this marker; tests/test_testing*.py run them with pytester.
PYTEST_MARKER = "<!-- pytest-example -->\n"
PYTHON_EXAMPLES = re.findall(r"(?<!" + PYTEST_MARKER + r")```python\n(.*?)```", README, flags=re.DOTALL)
PYTEST_EXAMPLES = re.findall(PYTEST_MARKER + r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_the_settings_table_names_every_setting_and_nothing_else() -> None:
    table = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`MOCK_ECS_([A-Z_]+)", table))

    assert documented == {name.upper() for name in Settings.model_fields}
    for name in Settings.model_fields:
        assert f"--{name.replace('_', '-')}`" in table or f"--no-{name.replace('_', '-')}`" in table


def test_the_test_command_follows_its_marker() -> None:
    block = README.split("<!-- test-command -->\n", 1)[1]

    assert block.startswith("```sh\n")
    assert "pytest" in block.split("```", 2)[1]


@pytest.fixture(scope="module")
def default_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The server as the README starts it: shipped fixtures, a fresh database."""
    db = tmp_path_factory.mktemp("readme") / "mock-ecs.sqlite3"
    with ServerProcess("--db", str(db)) as process:
        yield process


@pytest.mark.parametrize(
    "example", PYTHON_EXAMPLES, ids=[f"example-{n}" for n in range(len(PYTHON_EXAMPLES))]
)
def test_each_python_example_runs_against_the_default_server(
    example: str, default_server: ServerProcess
) -> None:
    code = example.replace("127.0.0.1:8080", default_server.endpoint).replace(
        "port=8080", f"port={default_server.port}"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=90, check=False
    )

    assert result.returncode == 0, result.stderr
    assert "200" in result.stdout or "'Code': '200'" in result.stdout
    if "describe_instance_status" in example:  # reboot and wait: it sees every phase, in order
        statuses = [line.split()[-1] for line in result.stdout.splitlines()[1:]]
        assert statuses == ["Stopping", "Starting", "Running"]
