"""The servers compared, each one process on 127.0.0.1, started and always stopped here.

A server counts as started at its first good answer (HTTP 200 to a real request), not when
its port opens: that is the moment a test suite could use it. Its output goes to a log file,
whose tail is shown if it dies or never answers.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.comparison.signer import V1Signer

HOST = "127.0.0.1"
REPOSITORY = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120.0  # seconds; moto needs a few, a 100,000-instance mock-ecs more
STOP_GRACE = 5.0
IDLE_TIMEOUT = 60.0
_IDLE_WINDOW = 0.05
_POLL_INTERVAL = 0.005
_PROBE_TIMEOUT = 5.0

# moto picks the service from the credential scope of the Authorization header (it does not
# verify signatures); without it a query to 127.0.0.1 reaches no service.
MOTO_AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/ec2/aws4_request, "
    "SignedHeaders=host, Signature=0"
)
MOTO_VERSION = "2016-11-15"

Probe = Callable[[int], bool]


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    start_seconds: float  # from just before the process was started to its first good answer

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def peak_rss_mb(self) -> float:
        """The process's peak resident set (VmHWM): the server itself, started without a wrapper."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"{self.name}: no VmHWM in /proc/{self.process.pid}/status")

    def wait_idle(self, timeout: float = IDLE_TIMEOUT) -> None:
        """Wait until the process uses next to no CPU. wrk leaves at the end of its run, but a
        threaded server (moto) goes on working through the requests it had accepted, and
        that backlog would slow the next run."""
        deadline = time.perf_counter() + timeout
        last = self._cpu_ticks()
        while time.perf_counter() < deadline:
            time.sleep(_IDLE_WINDOW)
            ticks = self._cpu_ticks()
            if ticks - last <= 1:  # at most one clock tick (10 ms) in 50 ms
                return
            last = ticks

    def _cpu_ticks(self) -> int:
        # /proc/PID/stat: after the command name in parentheses, utime and stime are the
        # 12th and 13th fields.
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return int(fields[11]) + int(fields[12])

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{log_tail(self.log)}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def mock_ecs_command(port: int, *options: str) -> list[str]:
    return [sys.executable, "-m", "mock_ecs", "serve", "--port", str(port), *options]


def moto_command(port: int) -> list[str]:
    # ``python -m moto.server`` is what the moto_server script runs, without the script's process.
    return [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)]


def floor_command(port: int) -> list[str]:
    return [sys.executable, "-m", "benchmarks.floor", "--host", HOST, "--port", str(port)]


@contextmanager
def running(name: str, command: list[str], port: int, probe: Probe, log: Path) -> Iterator[Server]:
    """Start ``command``, wait for ``probe`` to get a good answer, yield; always stop it."""
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, cwd=REPOSITORY, env=_clean_environment()
        )
    try:
        ready = _wait_until_answering(name, process, port, probe, log)
        yield Server(name, process, port, log, ready - started)
    finally:
        _stop(process)


def mock_ecs_probe(signer: V1Signer, region: str) -> Probe:
    def probe(port: int) -> bool:
        query = signer.sign({"Action": "DescribeInstanceStatus", "RegionId": region})
        return _get(port, "/?" + query) == 200

    return probe


def moto_probe(port: int) -> bool:
    query = f"/?Action=DescribeInstances&Version={MOTO_VERSION}"
    return _get(port, query, {"Authorization": MOTO_AUTHORIZATION}) == 200


def floor_probe(port: int) -> bool:
    return _get(port, "/") == 200


def log_tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _clean_environment() -> dict[str, str]:
    """This environment without MOCK_ECS_* variables: mock-ecs is measured with its defaults."""
    return {name: value for name, value in os.environ.items() if not name.startswith("MOCK_ECS_")}


def _wait_until_answering(
    name: str, process: subprocess.Popen[bytes], port: int, probe: Probe, log: Path
) -> float:
    deadline = time.perf_counter() + START_TIMEOUT
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode} before answering:\n{log_tail(log)}")
        try:
            if probe(port):
                return time.perf_counter()
        except (OSError, http.client.HTTPException):
            pass  # not listening yet, or closing the connection while starting
        time.sleep(_POLL_INTERVAL)
    raise RuntimeError(f"{name} gave no good answer within {START_TIMEOUT:.0f} s:\n{log_tail(log)}")


def _get(port: int, path: str, headers: Mapping[str, str] | None = None) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=_PROBE_TIMEOUT)
    try:
        connection.request("GET", path, headers=dict(headers or {}))
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_GRACE)
