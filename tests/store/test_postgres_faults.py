"""Fault rules, rate-limit windows and the request log on both backends (design notes §3).

The store's statements (``UPDATE … RETURNING``, the upsert of ``rate_windows``, the log's
insert, prune and read) first, then the same features through a whole app, each on SQLite
and on PostgreSQL with the same expectations.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from starlette.testclient import TestClient

from mock_ecs import Settings, create_app
from mock_ecs.protocol.request_log import LoggedRequest
from mock_ecs.store import tables
from mock_ecs.store.database import Database
from mock_ecs.store.session import StoreSession
from tests.conftest import WORLD
from tests.store.conftest import BACKENDS, OpenDatabase, load_world
from tests.support.api import Api


class Rollback(Exception):
    """Raised to roll a transaction back."""


def _roll_back(database: Database, work: Callable[[StoreSession], object]) -> None:
    """Do ``work`` in a transaction that then rolls back, as a failing request's does."""
    with contextlib.suppress(Rollback), database.transaction() as store:
        work(store)
        raise Rollback


def _add_rule(database: Database, **rule: Any) -> int:
    with database.transaction() as store:
        insert = tables.FAULTS.insert().values(action="DescribeRegions", seed=1, **rule)
        fault_id: int = store.connection.execute(insert.returning(tables.FAULTS.c.id)).scalar_one()
    return fault_id


def _entry(n: int, action: str = "DescribeRegions") -> LoggedRequest:
    return LoggedRequest(
        request_id=f"R-{n}",
        time=1_790_000_000.0 + n,
        action=action,
        access_key_id="testAKID",
        params={"Action": action, "Name": "名前"},
        headers={"x-acs-action": action},
        code="200",
        http_status=200,
        duration_ms=0.25,
    )


def _log(database: Database, *numbers: int, keep: int, action: str = "DescribeRegions") -> None:
    for n in numbers:
        with database.transaction() as store:
            store.log_request(_entry(n, action), keep)


def _logged(database: Database, *, keep: int, limit: int = 100_000, action: str | None = None) -> list[str]:
    with database.transaction() as store:
        return [e.request_id for e in store.logged_requests(keep=keep, limit=limit, action=action)]


# -- the store's statements ---------------------------------------------------------------


def test_counting_a_match_answers_the_counts_after_it(backend: Database) -> None:
    fault_id = _add_rule(backend, code="InternalError")
    with backend.transaction() as store:
        first = store.count_fault_match(fault_id)
        store.count_fault_fired(fault_id)
        second = store.count_fault_match(fault_id)

    assert (first, second) == ((1, 0), (2, 1))


def test_a_count_rolled_back_with_its_request_is_not_counted(backend: Database) -> None:
    fault_id = _add_rule(backend, code="InternalError")
    _roll_back(backend, lambda store: (store.count_fault_match(fault_id), store.count_fault_fired(fault_id)))

    with backend.transaction() as store:
        assert store.count_fault_match(fault_id) == (1, 0)


def test_a_rule_removed_before_its_count_is_not_counted(backend: Database) -> None:
    fault_id = _add_rule(backend, code="InternalError")
    with backend.transaction() as store:
        store.connection.execute(delete(tables.FAULTS))
        assert store.count_fault_match(fault_id) is None


@pytest.mark.postgres
def test_a_rule_removed_by_another_worker_after_the_request_read_it_is_skipped(
    open_database: OpenDatabase, pg_url: str
) -> None:
    """READ COMMITTED: a request reads the rules, another worker removes one and commits,
    and the request's count then finds no row. It must go on without the rule, not fail."""
    from mock_ecs.protocol import faults

    database = open_database(pg_url)
    database.prepare()
    load_world(database)
    gone = _add_rule(database, code="InternalError")
    kept = _add_rule(database, code="Throttling.User")
    with database.transaction() as store:
        rules = store.faults_for("DescribeRegions")
        with database.transaction() as other:
            other.connection.execute(delete(tables.FAULTS).where(tables.FAULTS.c.id == gone))

        class Stale:
            """The store as it answered before the removal committed."""

            def faults_for(self, action: str) -> list[faults.Fault]:
                return rules

            def count_fault_match(self, fault_id: int) -> tuple[int, int] | None:
                return store.count_fault_match(fault_id)

            def count_fault_fired(self, fault_id: int) -> None:
                store.count_fault_fired(fault_id)

        injection = faults.inject(Stale(), "DescribeRegions", "testAKID", ())

    assert [rule.id for rule in rules] == [gone, kept]
    assert injection is not None
    assert injection.error is not None
    assert injection.error.code == "Throttling.User"


def test_requests_of_one_window_are_counted_together(backend: Database) -> None:
    with backend.transaction() as store:
        counts = [store.count_request("testAKID", 1_790_000_000) for _ in range(3)]
        other_key = store.count_request("otherAKID", 1_790_000_000)

    assert (counts, other_key) == ([1, 2, 3], 1)


def test_a_new_window_starts_from_one_and_forgets_the_older(backend: Database) -> None:
    with backend.transaction() as store:
        store.count_request("testAKID", 1_790_000_000)
        store.count_request("testAKID", 1_790_000_000)
    with backend.transaction() as store:
        assert store.count_request("testAKID", 1_790_000_001) == 1
        slots = store.connection.execute(select(tables.RATE_WINDOWS.c.slot)).scalars().all()

    assert slots == [1_790_000_001]


def test_the_log_answers_the_newest_calls_oldest_first(backend: Database) -> None:
    _log(backend, *range(1, 11), keep=4)

    assert _logged(backend, keep=4) == ["R-7", "R-8", "R-9", "R-10"]
    assert _logged(backend, keep=4, limit=2) == ["R-9", "R-10"]


def test_the_log_keeps_its_text_and_numbers_as_written(backend: Database) -> None:
    _log(backend, 1, keep=4)
    with backend.transaction() as store:
        (entry,) = store.logged_requests(keep=4, limit=1)

    assert entry == _entry(1)


def test_the_log_filtered_by_action_looks_only_among_the_kept_calls(backend: Database) -> None:
    _log(backend, 1, 2, keep=3, action="RebootInstances")
    _log(backend, 3, 4, 5, keep=3)
    _log(backend, 6, keep=3, action="RebootInstances")

    assert _logged(backend, keep=3, action="RebootInstances") == ["R-6"]


def test_a_call_rolled_back_leaves_the_log_showing_as_many_calls(backend: Database) -> None:
    """PostgreSQL's sequences do not roll back: the rolled-back call leaves a gap in seq."""
    _log(backend, 1, 2, 3, 4, keep=3)
    _roll_back(backend, lambda store: store.log_request(_entry(99), 3))
    _log(backend, 5, 6, keep=3)

    assert _logged(backend, keep=3) == ["R-4", "R-5", "R-6"]


def test_pruning_after_rolled_back_calls_still_keeps_as_many_calls(backend: Database) -> None:
    """Every other seq rolled back: a prune must count the rows it keeps, not the numbers."""
    for n in range(1, 71):  # past a prune, whatever its period up to 64 inserts
        _roll_back(backend, lambda store, n=n: store.log_request(_entry(-n), 3))
        _log(backend, n, keep=3)
        assert _logged(backend, keep=3) == [f"R-{k}" for k in range(max(1, n - 2), n + 1)], n


def test_the_log_is_pruned_to_about_its_size(backend: Database) -> None:
    _log(backend, *range(1, 201), keep=5)
    with backend.transaction() as store:
        rows = store.connection.execute(select(func.count()).select_from(tables.REQUEST_LOG)).scalar_one()

    assert 5 <= rows < 5 + 64
    assert _logged(backend, keep=5) == [f"R-{n}" for n in range(196, 201)]


# -- through the app ------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def app_client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    db = ":memory:" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    app = create_app(Settings(db=db, fixtures=WORLD, request_log_size=5))
    with TestClient(app, base_url="http://mock-ecs.test:8080", raise_server_exceptions=False) as client:
        yield client


def _codes(api: Api, count: int) -> list[str]:
    answers = [api.v1("DescribeRegions").json() for _ in range(count)]
    return [answer.get("Code", "200") for answer in answers]


def _add_fault(client: TestClient, **rule: Any) -> dict[str, Any]:
    response = client.post("/_mock/faults", json={"action": "DescribeRegions", **rule})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_a_rule_with_times_fires_on_the_first_matches(app_client: TestClient) -> None:
    fault = _add_fault(app_client, code="InternalError", times=3)

    assert _codes(Api(app_client), 6) == ["InternalError"] * 3 + ["200"] * 3
    (counted,) = app_client.get("/_mock/faults").json()["faults"]
    assert (counted["id"], counted["matched"], counted["fired"]) == (fault["id"], 6, 3)


def test_a_probability_fires_on_the_seeds_sequence(app_client: TestClient) -> None:
    _add_fault(app_client, code="InternalError", probability=0.4, seed=11)
    expected = ["InternalError" if random.Random(f"11:{k}").random() < 0.4 else "200" for k in range(1, 41)]

    assert _codes(Api(app_client), 40) == expected
    assert 0 < expected.count("InternalError") < 40


def test_the_request_log_shows_the_newest_calls_in_order(app_client: TestClient) -> None:
    api = Api(app_client)
    ids = [api.v1("DescribeRegions").json()["RequestId"] for _ in range(140)]

    logged = app_client.get("/_mock/requests").json()["requests"]
    assert [entry["request_id"] for entry in logged] == ids[-5:]
