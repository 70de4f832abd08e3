"""Two ``mock-ecs serve`` processes on one PostgreSQL database, racing: a rule's "first N"
and the rate limit hold for the pair as for one process (design notes §3).

Requests reach both processes at once from several threads; within one process requests
never overlap, so the race these tests run is the one between processes.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, select

from mock_ecs.store import tables
from tests.conftest import WORLD
from tests.support.control import Control
from tests.support.server import ServerProcess
from tests.support.signer import sign_v1

pytestmark = pytest.mark.postgres

THREADS = 8
CALLS_PER_THREAD = 5
RATE = 5  # requests per second per access key
MAX_ROUNDS = 5


def _pair(url: str, **env: str) -> Iterator[list[ServerProcess]]:
    servers = [ServerProcess("--db", url, "--fixtures", str(WORLD), env=env) for _ in range(2)]
    try:
        for server in servers:  # one after the other: the first creates the schema
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def workers(pg_url: str) -> Iterator[list[ServerProcess]]:
    yield from _pair(pg_url)


@pytest.fixture
def rate_limited_workers(pg_url: str) -> Iterator[list[ServerProcess]]:
    yield from _pair(pg_url, MOCK_ECS_RATE_LIMIT=str(RATE))


def _describe_regions(client: httpx.Client) -> str:
    request = sign_v1({"Action": "DescribeRegions"})
    answer = client.request(request.method, request.url, headers=request.headers, content=request.body)
    code: str = answer.json().get("Code", "200")
    return code


def _race(servers: list[ServerProcess]) -> list[str]:
    """THREADS threads, alternately on each server, each making CALLS_PER_THREAD calls."""
    barrier = threading.Barrier(THREADS, timeout=30)

    def calls(n: int) -> list[str]:
        with httpx.Client(base_url=servers[n % len(servers)].url, timeout=30) as client:
            barrier.wait()
            return [_describe_regions(client) for _ in range(CALLS_PER_THREAD)]

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return [code for codes in pool.map(calls, range(THREADS)) for code in codes]


def test_a_rule_fires_on_exactly_its_first_n_matches_across_workers(workers: list[ServerProcess]) -> None:
    control = Control(workers[0].url)
    rule = {"action": "DescribeRegions", "code": "InternalError", "times": 5}
    control.http.post("/_mock/faults", json=rule).raise_for_status()

    codes = _race(workers)

    other = Control(workers[1].url)
    (counted,) = other.http.get("/_mock/faults").json()["faults"]
    other.close()
    control.close()
    assert Counter(codes) == {"InternalError": 5, "200": THREADS * CALLS_PER_THREAD - 5}
    assert (counted["matched"], counted["fired"]) == (THREADS * CALLS_PER_THREAD, 5)


def test_the_rate_limit_counts_the_requests_of_both_workers_together(
    rate_limited_workers: list[ServerProcess], pg_url: str
) -> None:
    """Each one-second window admits RATE calls of the key, whichever worker served them.
    The windows are read from the logged wall times, so no assertion depends on timing."""
    engine = create_engine(pg_url)
    log = tables.REQUEST_LOG
    try:
        for _ in range(MAX_ROUNDS):  # until some window saw more calls than it admits
            _race(rate_limited_workers)
            with engine.connect() as connection:
                logged = connection.execute(select(log.c.time, log.c.code).order_by(log.c.seq)).all()
            per_window: dict[int, list[str]] = defaultdict(list)
            for time, code in logged:
                per_window[math.floor(time)].append(code)
            if any(len(codes) > RATE for codes in per_window.values()):
                break
    finally:
        engine.dispose()

    assert any(len(codes) > RATE for codes in per_window.values())
    for codes in per_window.values():
        assert codes.count("200") == min(RATE, len(codes))
        assert codes.count("Throttling.User") == len(codes) - codes.count("200")
