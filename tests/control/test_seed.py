"""``--seed``: generated instance ids and RequestIds repeat, from start-up and after each reset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mock_ecs import Settings, create_app
from tests.protocol.wire import UPPER_CASE_UUID
from tests.support.api import Api

NEW_INSTANCE = {"account": "1000000000000001", "region": "cn-hangzhou"}


def _client(settings: Settings, seed: int | None) -> TestClient:
    return TestClient(
        create_app(settings.model_copy(update={"seed": seed})), base_url="http://mock-ecs.test:8080"
    )


@pytest.fixture
def seeded(settings: Settings) -> Iterator[TestClient]:
    with _client(settings, 42) as client:
        yield client


def run(client: TestClient) -> tuple[list[str], list[str]]:
    """Two new instances and three API calls: the ids they were given."""
    instances = [client.post("/_mock/instances", json=NEW_INSTANCE).json()["id"] for _ in range(2)]
    api = Api(client)
    request_ids = [api.reboot(instance).headers["x-acs-request-id"] for instance in [*instances, "i-x"]]
    return instances, request_ids


def test_seeded_ids_repeat_after_a_reset(seeded: TestClient) -> None:
    first = run(seeded)
    seeded.post("/_mock/reset").raise_for_status()

    assert run(seeded) == first


def test_seeded_ids_are_the_same_in_another_server_with_the_seed(
    seeded: TestClient, settings: Settings
) -> None:
    with _client(settings, 42) as other:
        assert run(other) == run(seeded)


def test_another_seed_gives_other_ids(seeded: TestClient, settings: Settings) -> None:
    with _client(settings, 43) as other:
        mine, theirs = run(seeded), run(other)

    assert set(mine[0]).isdisjoint(theirs[0])
    assert set(mine[1]).isdisjoint(theirs[1])


def test_seeded_ids_look_real(seeded: TestClient) -> None:
    instances, request_ids = run(seeded)

    assert all(instance.startswith("i-bp") and len(instance) == 22 for instance in instances)
    assert all(UPPER_CASE_UUID.fullmatch(request_id) for request_id in request_ids)


def test_the_request_ids_of_the_log_are_the_seeded_ones(seeded: TestClient) -> None:
    _, request_ids = run(seeded)

    assert [entry["request_id"] for entry in seeded.get("/_mock/requests").json()["requests"]] == request_ids


def test_without_a_seed_ids_differ_after_a_reset(client: TestClient) -> None:
    first = run(client)
    client.post("/_mock/reset").raise_for_status()

    second = run(client)
    assert set(first[0]).isdisjoint(second[0])
    assert set(first[1]).isdisjoint(second[1])


def test_a_seeded_restart_never_gives_a_new_instance_an_id_in_use(settings: Settings, tmp_path: Path) -> None:
    """The same seed draws the same ids after a restart on the same database: a drawn id that
    is taken is drawn again rather than replacing the instance that has it."""
    on_disk = settings.model_copy(update={"db": str(tmp_path / "mock-ecs.sqlite3")})
    created = []
    for _ in range(3):  # the first start loads the fixtures; the next two draw alike
        with _client(on_disk, 7) as client:
            created.append(client.post("/_mock/instances", json=NEW_INSTANCE).json()["id"])
    with _client(on_disk, 7) as client:
        listed = {entry["id"] for entry in client.get("/_mock/instances").json()["instances"]}

    assert len(set(created)) == 3
    assert set(created) <= listed


def test_a_seeded_start_draws_the_same_ids_whether_or_not_it_writes_the_fixtures(
    settings: Settings, tmp_path: Path
) -> None:
    on_disk = settings.model_copy(update={"db": str(tmp_path / "mock-ecs.sqlite3")})
    with _client(on_disk, 42) as client:  # a new database: the fixtures are written
        first = client.post("/_mock/instances", json=NEW_INSTANCE).json()["id"]
        client.post("/_mock/reset").raise_for_status()
    with _client(on_disk, 42) as client:  # the same database: nothing is written
        again = client.post("/_mock/instances", json=NEW_INSTANCE).json()["id"]

    assert again == first
