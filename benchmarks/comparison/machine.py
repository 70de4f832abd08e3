"""What the figures were measured on: they mean little without it."""

from __future__ import annotations

import importlib.util
import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from benchmarks.comparison.servers import REPOSITORY
from mock_ecs.cli import EVENT_LOOP


def describe(wrk_version: str) -> dict[str, str]:
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count() or "?"),
        "RAM": _memory(),
        "kernel": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "mock-ecs": f"{_version('mock-ecs')} ({_commit()})",
        "uvicorn": f"{_version('uvicorn')} (loop {_loop()}, http {_parser()})",
        "moto": _version("moto"),
        "wrk": wrk_version,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _loop() -> str:
    """The event loop mock-ecs and the floor both run on."""
    return EVENT_LOOP


def _parser() -> str:
    return "httptools" if importlib.util.find_spec("httptools") else "h11"


def _commit() -> str:
    try:
        finished = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=REPOSITORY, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "no git"
    return finished.stdout.strip() or "not a checkout"
