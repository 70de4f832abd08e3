"""The DescribeInstances benchmark runs end to end at a tiny size (no timing is asserted)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from benchmarks import describe_instances


def test_the_benchmark_measures_each_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = describe_instances.run([30, 120], requests=6, workdir=tmp_path)

    assert [(result.size, len(result.latencies)) for result in results] == [(30, 6), (120, 6)]
    output = capsys.readouterr().out
    assert "30 instances: p50" in output
    assert "ratio 120 / 30" in output


def test_the_built_database_holds_the_instances_it_was_asked_for(tmp_path: Path) -> None:
    describe_instances.build_database(tmp_path / "db.sqlite3", 7)

    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        assert connection.execute("SELECT count(*) FROM instances").fetchone() == (7,)
        assert connection.execute("SELECT count(*) FROM instance_security_groups").fetchone() == (7,)
