"""The admin token (``--admin-token``) and the OpenAPI document that describes it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pytest
from starlette.routing import BaseRoute, Route
from starlette.testclient import TestClient

from mock_ecs import MockEcsApp, Settings, create_app
from tests.support.api import Api

TOKEN = "s3cret-admin-token"
HEALTH = ("GET", "/_mock/health")


@pytest.fixture
def guarded_app(settings: Settings) -> MockEcsApp:
    return create_app(settings.model_copy(update={"admin_token": TOKEN}))


@pytest.fixture
def guarded(guarded_app: MockEcsApp) -> Iterator[TestClient]:
    with TestClient(guarded_app, base_url="http://mock-ecs.test:8080") as client:
        yield client


def _flat(routes: Sequence[BaseRoute]) -> Iterator[Route]:
    for route in routes:
        included = getattr(route, "original_router", None)  # a router included in the app
        if included is not None:
            yield from _flat(included.routes)
        else:
            assert isinstance(route, Route)
            yield route


def control_routes(app: MockEcsApp) -> list[tuple[str, str]]:
    """Every (method, path) the control app serves under /_mock, path parameters filled in.
    (Others, such as FastAPI's /docs/oauth2-redirect, are never reached: the API answers there.)"""
    found: list[tuple[str, str]] = []
    for route in _flat(app.control.routes):
        path = re.sub(r"\{[^}]+\}", "x", route.path)
        if path.startswith("/_mock/"):
            found.extend((method, path) for method in sorted(route.methods or ()) if method != "HEAD")
    return found


def test_every_control_route_but_health_needs_the_token(guarded_app: MockEcsApp, guarded: TestClient) -> None:
    routes = control_routes(guarded_app)
    assert ("POST", "/_mock/faults") in routes
    assert ("GET", "/_mock/openapi.json") in routes
    assert ("GET", "/_mock/access-keys/default") in routes

    for method, path in routes:
        if (method, path) == HEALTH:
            continue
        response = guarded.request(method, path)
        assert response.status_code == 401, (method, path)
        assert response.json()["error"] == "Unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"


def test_every_control_route_answers_with_the_token(guarded_app: MockEcsApp, guarded: TestClient) -> None:
    for method, path in control_routes(guarded_app):
        response = guarded.request(method, path, headers={"authorization": f"Bearer {TOKEN}"})
        assert response.status_code != 401, (method, path)


def test_health_needs_no_token(guarded: TestClient) -> None:
    assert guarded.get("/_mock/health").status_code == 200


@pytest.mark.parametrize(
    "authorization", [f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer", f"bearer  {TOKEN[:-1]}"]
)
def test_a_wrong_token_answers_401(guarded: TestClient, authorization: str) -> None:
    response = guarded.get("/_mock/faults", headers={"authorization": authorization})

    assert response.status_code == 401


def test_an_unknown_control_path_needs_the_token_too(guarded: TestClient) -> None:
    assert guarded.get("/_mock/nothing-here").status_code == 401


def test_the_api_itself_never_asks_for_the_token(guarded: TestClient) -> None:
    assert Api(guarded).reboot("i-running-1").status_code == 200


def test_without_a_token_the_control_plane_is_open(client: TestClient) -> None:
    assert client.get("/_mock/faults").status_code == 200


# -- the OpenAPI document --------------------------------------------------------------------


def test_the_openapi_document_lists_the_new_routes(client: TestClient) -> None:
    paths = client.get("/_mock/openapi.json").json()["paths"]

    assert set(paths["/_mock/faults"]) == {"get", "post", "delete"}
    assert set(paths["/_mock/faults/{fault_id}"]) == {"delete"}
    assert set(paths["/_mock/requests"]) == {"get", "delete"}


def test_the_openapi_document_describes_the_fault_and_request_shapes(client: TestClient) -> None:
    schemas = client.get("/_mock/openapi.json").json()["components"]["schemas"]

    assert {"action", "code", "times", "probability", "seed", "delay_ms"} <= set(
        schemas["FaultSpec"]["properties"]
    )
    assert {"matched", "fired"} <= set(schemas["FaultView"]["properties"])
    assert {"request_id", "params", "code", "duration_ms"} <= set(schemas["LoggedRequestView"]["properties"])


def test_the_openapi_document_describes_the_bearer_scheme(client: TestClient) -> None:
    document = client.get("/_mock/openapi.json").json()

    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "security" not in document  # no token set: nothing required


def test_with_a_token_the_openapi_document_requires_it_everywhere_but_health(guarded: TestClient) -> None:
    document = guarded.get("/_mock/openapi.json", headers={"authorization": f"Bearer {TOKEN}"}).json()

    assert document["security"] == [{"bearerAuth": []}]
    assert document["paths"]["/_mock/health"]["get"]["security"] == []
    assert "security" not in document["paths"]["/_mock/faults"]["post"]  # the global requirement applies


def test_health_answers_head_without_the_token(guarded: TestClient) -> None:
    assert guarded.head("/_mock/health").status_code == 200


def test_the_bearer_scheme_name_ignores_case(guarded: TestClient) -> None:
    headers = {"Authorization": f"bEARER {TOKEN}"}

    assert guarded.get("/_mock/clock", headers=headers).status_code == 200
