"""``GET /_mock/access-keys/default``: the key a client signs with unless told otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mock_ecs import Settings, create_app

PATH = "/_mock/access-keys/default"
TOKEN = "s3cret-admin-token"


def _client_of(tmp_path: Path, keys: str, **settings: object) -> Iterator[TestClient]:
    fixtures = tmp_path / "keys.yaml"
    fixtures.write_text(f'accounts:\n  - id: "1000000000000009"\n    access_keys:\n{keys}', encoding="utf-8")
    app = create_app(Settings(db=":memory:", fixtures=fixtures, **settings))
    with TestClient(app, base_url="http://mock-ecs.test:8080") as client:
        yield client


@pytest.fixture
def restricted_only(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client_of(
        tmp_path,
        "      - {id: offAKID, secret: offSecret, active: false}\n"
        "      - {id: ramAKID, secret: ramSecret, actions: [DescribeRegions]}\n",
    )


@pytest.fixture
def unusable_only(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client_of(
        tmp_path,
        "      - {id: offAKID, secret: offSecret, active: false}\n"
        "      - {id: STS.key, secret: stsSecret, security_token: CAIS-token}\n",
    )


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client_of(tmp_path, "      - {id: keyAKID, secret: keySecret}\n", admin_token=TOKEN)


def test_it_answers_the_key_the_banner_shows_with_its_account(client: TestClient) -> None:
    response = client.get(PATH)

    assert response.status_code == 200
    assert response.json() == {"id": "testAKID", "secret": "testSecret", "account": "1000000000000001"}


def test_a_key_limited_to_some_actions_is_answered_when_no_other_is_usable(
    restricted_only: TestClient,
) -> None:
    assert restricted_only.get(PATH).json() == {
        "id": "ramAKID",
        "secret": "ramSecret",
        "account": "1000000000000009",
    }


def test_without_an_active_key_free_of_security_tokens_it_answers_404(unusable_only: TestClient) -> None:
    response = unusable_only.get(PATH)

    assert response.status_code == 404
    assert response.json() == {
        "error": "NotFound",
        "message": "no active access key usable without a security token: add one with POST /_mock/fixtures",
    }


def test_it_answers_a_key_added_after_start_up(unusable_only: TestClient) -> None:
    document = {"accounts": [{"id": "1000000000000010", "access_keys": [{"id": "newAKID", "secret": "new"}]}]}
    assert unusable_only.post("/_mock/fixtures", json=document).status_code == 200

    assert unusable_only.get(PATH).json()["id"] == "newAKID"


def test_with_an_admin_token_it_needs_the_token(guarded: TestClient) -> None:
    assert guarded.get(PATH).status_code == 401
    answer = guarded.get(PATH, headers={"authorization": f"Bearer {TOKEN}"})
    assert answer.json() == {"id": "keyAKID", "secret": "keySecret", "account": "1000000000000009"}


def test_the_openapi_document_describes_it(client: TestClient) -> None:
    document = client.get("/_mock/openapi.json").json()
    operation = document["paths"][PATH]["get"]

    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AccessKeyView"
    }
    assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ControlError"
    }
    assert set(document["components"]["schemas"]["AccessKeyView"]["properties"]) == {
        "id",
        "secret",
        "account",
    }
