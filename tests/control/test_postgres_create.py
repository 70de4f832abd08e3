"""Instances created at once through two servers sharing one PostgreSQL database."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.conftest import WORLD
from tests.support.server import ServerProcess

pytestmark = pytest.mark.postgres

NEW_INSTANCE = {"account": "1000000000000001", "region": "cn-hangzhou"}
ROUNDS = 20


def test_two_workers_creating_instances_at_once_each_get_their_own(pg_url: str, tmp_path: Path) -> None:
    """Each new instance takes the next creation number; without a lock two transactions
    would read the same last number and one would fail on the unique key."""
    with (
        ServerProcess("--db", pg_url, "--fixtures", str(WORLD)) as first,
        ServerProcess("--db", pg_url, "--fixtures", str(WORLD)) as second,
    ):
        urls = [first.url, second.url] * ROUNDS
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(
                pool.map(
                    lambda url: httpx.post(f"{url}/_mock/instances", json=NEW_INSTANCE, timeout=30),
                    urls,
                )
            )
        listed = httpx.get(f"{first.url}/_mock/instances", timeout=30).json()["instances"]

    assert [answer.status_code for answer in answers] == [201] * len(urls)
    created = {answer.json()["id"] for answer in answers}
    assert len(created) == len(urls)
    assert created <= {entry["id"] for entry in listed}
