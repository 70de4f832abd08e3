"""The load generator: wrk, replaying pre-generated requests (benchmarks/wrk_replay.lua).

Every server gets the same wrk, the same thread and connection counts and the same duration.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "wrk_replay.lua"
REQUEST_TIMEOUT = "10s"  # wrk's per-request timeout: a slow answer is measured, not dropped
FEW_ANSWERS = 20  # fewer in a run, and its p99 is one or two answers
_INSTALL_TIMEOUT = 600
_EXIT_GRACE = 60  # seconds a wrk run may take beyond its duration before it is killed


@dataclass(frozen=True)
class Load:
    threads: int
    connections: int


ONE = Load(threads=1, connections=1)
MANY = Load(threads=2, connections=32)


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_us: int
    non2xx: int
    socket_errors: int
    timeouts: int  # answers slower than REQUEST_TIMEOUT: counted, but not in the latencies
    p50_us: int
    p99_us: int
    wrapped: int  # times a thread ran out of requests and started its share again

    @property
    def rps(self) -> float:
        return self.requests / (self.duration_us / 1e6) if self.duration_us else 0.0

    @property
    def p50_ms(self) -> float:
        return self.p50_us / 1000

    @property
    def p99_ms(self) -> float:
        return self.p99_us / 1000

    def problems(self, *, repeats_allowed: bool) -> list[str]:
        """Why these figures cannot be trusted; empty when they can. (A run with no answer
        is not one: its server took longer than the run to answer anything.)"""
        found = []
        if self.non2xx:
            found.append(f"{self.non2xx} non-2xx")
        if self.socket_errors:
            found.append(f"{self.socket_errors} socket errors")
        if self.wrapped and not repeats_allowed:
            found.append(f"ran out of pre-signed requests {self.wrapped}x")
        return found

    def caveats(self) -> list[str]:
        """What a reader must know to read these figures, though they stand."""
        found = []
        if not self.requests:
            found.append(f"no answer within the {self.duration_us / 1e6:.0f} s run")
        elif self.requests < FEW_ANSWERS:
            found.append(f"only {self.requests} answers")
        if self.timeouts:
            found.append(f"{self.timeouts} answers slower than {REQUEST_TIMEOUT}, not in p50/p99")
        return found


def ensure_wrk() -> str:
    """wrk's path; installed from the system packages (apt-get, as root) when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise SystemExit(
            "wrk is not installed: install it (Debian, Ubuntu: apt-get install -y wrk) and rerun"
        )
    print("installing wrk: apt-get install -y wrk", flush=True)
    if not _apt_get("install", "-y", "wrk"):
        # A fresh container has no package lists yet.
        _apt_get("update")
        _apt_get("install", "-y", "wrk")
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed with apt-get: install it, then rerun")
    return found


def run_wrk(
    url: str,
    paths: Sequence[str],
    load: Load,
    duration: int,
    workdir: Path,
    headers: Sequence[str] = (),
) -> WrkResult:
    """One wrk run of ``duration`` seconds replaying ``paths`` (each "/?…") against ``url``."""
    requests = workdir / "requests.txt"
    requests.write_text("\n".join(paths) + "\n", encoding="utf-8")
    command = [
        ensure_wrk(), f"-t{load.threads}", f"-c{load.connections}", f"-d{duration}s",
        f"--timeout={REQUEST_TIMEOUT}", "-s", str(SCRIPT),
        *(argument for header in headers for argument in ("-H", header)),
        url, "--", str(requests), str(load.threads),
    ]  # fmt: skip
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + _EXIT_GRACE, check=False
        )
    finally:
        requests.unlink(missing_ok=True)
    summary = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if finished.returncode != 0 or not summary:
        raise RuntimeError(f"wrk failed ({finished.returncode}):\n{finished.stdout}\n{finished.stderr}")
    return WrkResult(**json.loads(summary[-1]))


def wrk_version(wrk: str) -> str:
    finished = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10, check=False)
    first = (finished.stdout or finished.stderr).splitlines()
    return first[0].split(" Copyright")[0] if first else "unknown"


def _apt_get(*arguments: str) -> bool:
    try:
        finished = subprocess.run(
            ["apt-get", *arguments],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            capture_output=True, text=True, timeout=_INSTALL_TIMEOUT, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return False
    return finished.returncode == 0
