"""The Dockerfile, proved without a Docker engine (CI has none) by running its own steps here.

Everything is read from the Dockerfile and .dockerignore themselves: the build context is
copied as .dockerignore filters it, the package is built from that copy as the image's
``pip install`` builds it, and the image's CMD and HEALTHCHECK run with the image's ENV.
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mock_ecs.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 20
BUILD_SECONDS = 300  # with build isolation, pip fetches hatchling first


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


class Dockerfile:
    def __init__(self, path: Path) -> None:
        self.instructions = [
            Instruction(keyword.upper(), arguments.strip())
            for keyword, _, arguments in (line.strip().partition(" ") for line in _logical_lines(path))
        ]

    def all(self, keyword: str) -> list[str]:
        return [i.arguments for i in self.instructions if i.keyword == keyword]

    def one(self, keyword: str) -> str:
        found = self.all(keyword)
        assert len(found) == 1, f"expected one {keyword}, found {found}"
        return found[0]

    def env(self) -> dict[str, str]:
        pairs = [token.partition("=") for line in self.all("ENV") for token in shlex.split(line)]
        assert all(sep for _, sep, _ in pairs), "ENV in the KEY=value form only"
        return {key: value for key, _, value in pairs}

    def cmd(self) -> list[str]:
        command = json.loads(self.one("CMD"))  # the exec form: the server is PID 1 and gets SIGTERM
        assert isinstance(command, list)
        return [str(part) for part in command]

    def healthcheck(self) -> str:
        """The health check's command, as Docker hands it to ``/bin/sh -c``."""
        found = re.fullmatch(r"(?:--\S+\s+)*CMD\s+(.+)", self.one("HEALTHCHECK"), re.S)
        assert found is not None, "HEALTHCHECK [OPTIONS] CMD command"
        command = found.group(1)
        assert not command.startswith("["), "shell form, so that ${MOCK_ECS_PORT:-8080} expands"
        return command

    def pip_install(self) -> tuple[str, list[str]]:
        """The path the image's ``pip install`` builds, and the extras it asks for."""
        (run,) = [line for line in self.all("RUN") if "pip install" in line]
        tokens = shlex.split(run.split("&&")[0])
        targets = [token for token in tokens[tokens.index("install") + 1 :] if not token.startswith("-")]
        assert len(targets) == 1, targets
        found = re.fullmatch(r"(.+?)(?:\[(.*)\])?", targets[0])
        assert found is not None
        path, extras = found.groups()
        return path, [] if extras is None else extras.split(",")


def _logical_lines(path: Path) -> Iterator[str]:
    """Instructions with their continuation lines joined; comments and blank lines dropped."""
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1]
            continue
        yield pending + line
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"


class DockerIgnore:
    """.dockerignore as Docker reads it: each pattern matches a path or one of its parents,
    ``**`` spans directories, ``!`` re-includes, and the last matching pattern decides."""

    def __init__(self, path: Path) -> None:
        self.rules: list[tuple[bool, re.Pattern[str], str]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            pattern = line.strip()
            if not pattern or pattern.startswith("#"):
                continue
            include = pattern.startswith("!")
            pattern = pattern.removeprefix("!").strip().strip("/")
            self.rules.append((include, _pattern_regex(pattern), pattern))

    def excludes(self, relative: str) -> bool:
        parts = relative.split("/")
        candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        excluded = False
        for include, regex, _ in self.rules:
            if any(regex.fullmatch(candidate) for candidate in candidates):
                excluded = not include
        return excluded

    def may_include_below(self, directory: str) -> bool:
        """Whether some ``!`` pattern could bring back a path inside an excluded directory."""
        return any(
            include and (pattern.startswith(directory + "/") or pattern[:1] in "*?[")
            for include, _, pattern in self.rules
        )

    def copy_context(self, source: Path, destination: Path) -> None:
        for directory, subdirectories, files in os.walk(source):
            base = Path(directory).relative_to(source)
            kept = [(base / name).as_posix() for name in subdirectories]
            subdirectories[:] = [
                Path(path).name for path in kept if not self.excludes(path) or self.may_include_below(path)
            ]
            for name in files:
                relative = (base / name).as_posix()
                if not self.excludes(relative):
                    (destination / relative).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source / relative, destination / relative)


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    regex, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        else:
            regex += {"*": "[^/]*", "?": "[^/]"}.get(pattern[i], re.escape(pattern[i]))
            i += 1
    return re.compile(regex)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return Dockerfile(ROOT / "Dockerfile")


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build context the Docker client would send."""
    destination = tmp_path_factory.mktemp("context")
    DockerIgnore(ROOT / ".dockerignore").copy_context(ROOT, destination)
    return destination


@pytest.fixture(scope="module")
def wheel(dockerfile: Dockerfile, context: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel the image's ``pip install`` builds from the context as COPY placed it."""
    source, destination = dockerfile.one("COPY").split()
    target, _ = dockerfile.pip_install()
    assert (source, target) == (".", destination), "pip install builds the whole copied context"
    wheelhouse = tmp_path_factory.mktemp("wheelhouse")
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", *isolation,
         "--wheel-dir", str(wheelhouse), str(context)],
        check=True, timeout=BUILD_SECONDS,
    )  # fmt: skip
    (built,) = wheelhouse.glob("mock_ecs-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed on its own; its dependencies come from the test environment."""
    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        timeout=BUILD_SECONDS,
    )
    return site


def image_environment(dockerfile: Dockerfile, **overrides: str) -> dict[str, str]:
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("MOCK_ECS_")}
    return {**inherited, **dockerfile.env(), **overrides}


def test_the_image_is_a_slim_python_of_a_supported_version(dockerfile: Dockerfile) -> None:
    assert re.fullmatch(r"python:3\.(1[1-9])-slim", dockerfile.one("FROM"))


def test_the_server_runs_as_a_user_other_than_root(dockerfile: Dockerfile) -> None:
    assert dockerfile.one("USER") not in {"root", "0", ""}


def test_the_server_listens_everywhere_on_the_exposed_port_and_keeps_data_in_the_volume(
    dockerfile: Dockerfile,
) -> None:
    env = dockerfile.env()
    assert env["MOCK_ECS_HOST"] == "0.0.0.0"
    assert dockerfile.one("EXPOSE") == str(Settings.model_fields["port"].default) == "8080"
    assert dockerfile.one("VOLUME") == env["MOCK_ECS_DATA_DIR"] == "/data"
    assert dockerfile.cmd() == ["mock-ecs", "serve"]


def test_the_build_context_holds_the_package_sources_and_nothing_else(context: Path) -> None:
    files = {path.relative_to(context).as_posix() for path in context.rglob("*") if path.is_file()}

    assert {"pyproject.toml", "README.md", "mock_ecs/__init__.py", "fixtures/default.yaml"} <= files
    assert not {name for name in files if name.split("/")[0] in {".venv", ".git", "tests", ".ci"}}
    assert not {name for name in files if "__pycache__" in name}


def test_the_wheel_carries_the_default_fixtures_the_console_script_and_the_extras(
    wheel: Path, dockerfile: Dockerfile
) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (info,) = {name.split("/")[0] for name in names if ".dist-info/" in name}
        entry_points = configparser.ConfigParser()
        entry_points.read_string(archive.read(f"{info}/entry_points.txt").decode())
        metadata = archive.read(f"{info}/METADATA").decode()

    assert "mock_ecs/fixtures/default.yaml" in names
    assert "mock_ecs/cli.py" in names
    assert entry_points["console_scripts"]["mock-ecs"] == "mock_ecs.cli:main"
    _, extras = dockerfile.pip_install()
    for extra in extras:
        assert f"Provides-Extra: {extra}" in metadata


def test_the_health_check_fails_while_nothing_answers(dockerfile: Dockerfile) -> None:
    env = image_environment(dockerfile, MOCK_ECS_PORT=str(free_port()))
    checked = subprocess.run(["sh", "-c", dockerfile.healthcheck()], env=env, capture_output=True, timeout=30)
    assert checked.returncode != 0


def test_the_command_serves_until_stopped_and_the_health_check_passes(
    dockerfile: Dockerfile, installed: Path, tmp_path: Path
) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    data.mkdir()
    port = free_port()
    # As in the image, but on loopback, a free port and a temporary volume; the installed wheel
    # first on the paths, so the command and the code are the wheel's.
    env = image_environment(
        dockerfile,
        MOCK_ECS_HOST="127.0.0.1",
        MOCK_ECS_PORT=str(port),
        MOCK_ECS_DATA_DIR=str(data),
        PATH=os.pathsep.join([str(installed / "bin"), str(Path(sys.executable).parent), os.environ["PATH"]]),
        PYTHONPATH=str(installed),
    )
    command = dockerfile.cmd()
    assert shutil.which(command[0], path=env["PATH"]) == str(installed / "bin" / command[0])
    with log.open("w") as output:
        server = subprocess.Popen(command, env=env, cwd=data, stdout=output, stderr=subprocess.STDOUT)
    try:
        assert _healthy(dockerfile.healthcheck(), env, server), log.read_text()
        instance = f"http://127.0.0.1:{port}/_mock/instances/i-bp67acfmxazb4p0001"
        with urllib.request.urlopen(instance, timeout=10) as answer:
            assert json.load(answer)["status"] == "Running"  # the default fixtures, from the wheel
        assert (data / "mock-ecs.sqlite3").is_file()
    finally:
        server.send_signal(signal.SIGTERM)  # what `docker stop` sends
        try:
            code = server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            code = server.wait(timeout=5)
    # uvicorn shuts down cleanly, then re-raises the signal so the exit status tells it.
    assert code in {0, -signal.SIGTERM}, log.read_text()
    assert str(installed / "mock_ecs" / "fixtures" / "default.yaml") in log.read_text()


def _healthy(check: str, env: dict[str, str], server: subprocess.Popen[bytes]) -> bool:
    """Run the health check as Docker does, until it passes; False if the server dies or is slow."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        if subprocess.run(["sh", "-c", check], env=env, capture_output=True, timeout=30).returncode == 0:
            return True
        time.sleep(0.2)
    return False
