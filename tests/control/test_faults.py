"""``/_mock/faults``: the stored rule, its defaults, and every refusal."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support.api import Api

REBOOT = {"action": "RebootInstances"}


def test_adding_a_rule_answers_201_with_it_stored(client: TestClient) -> None:
    response = client.post(
        "/_mock/faults",
        json={**REBOOT, "code": "Throttling.User", "times": 2, "seed": 9, "instance_id": "i-1"},
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": response.json()["id"],
        "action": "RebootInstances",
        "instance_id": "i-1",
        "access_key_id": None,
        "code": "Throttling.User",
        "http_status": 400,
        "message": "Request was denied due to user flow control.",
        "retry_after_ms": 1000,  # the default of a Throttling code, shown
        "times": 2,
        "probability": None,
        "seed": 9,
        "delay_ms": 0,
        "matched": 0,
        "fired": 0,
    }
    assert isinstance(response.json()["id"], str)


def test_a_known_code_takes_its_status_and_message_from_the_catalogue(client: TestClient) -> None:
    rule = client.post("/_mock/faults", json={**REBOOT, "code": "InvalidInstanceId.NotFound"}).json()

    assert (rule["http_status"], rule["message"]) == (404, "The specified InstanceId does not exist.")


def test_a_given_status_and_message_win_over_the_catalogue(client: TestClient) -> None:
    rule = client.post(
        "/_mock/faults", json={**REBOOT, "code": "InternalError", "http_status": 503, "message": "m"}
    ).json()

    assert (rule["http_status"], rule["message"]) == (503, "m")


def test_an_unknown_code_with_a_message_answers_400_by_default(client: TestClient) -> None:
    rule = client.post("/_mock/faults", json={**REBOOT, "code": "My.Code", "message": "mine"}).json()

    assert rule["http_status"] == 400


def test_a_rule_without_a_seed_gets_one_drawn_and_shown(client: TestClient) -> None:
    rule = client.post("/_mock/faults", json={**REBOOT, "code": "InternalError", "probability": 0.5}).json()

    assert isinstance(rule["seed"], int)


def test_an_action_the_server_does_not_implement_is_refused_naming_the_implemented_ones(
    client: TestClient,
) -> None:
    response = client.post("/_mock/faults", json={"action": "LaunchRocket", "code": "InternalError"})

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "UnknownAction"
    assert "'LaunchRocket'" in body["message"]
    for action in client.get("/_mock/health").json()["actions"]:
        assert action in body["message"]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"code": "My.Code"}, "message"),
        ({"code": "InternalError", "http_status": 399}, "http_status"),
        ({"code": "InternalError", "http_status": 600}, "http_status"),
        ({"code": "InternalError", "probability": 1.5}, "probability"),
        ({"code": "InternalError", "probability": -0.1}, "probability"),
        ({"code": "InternalError", "times": 0}, "times"),
        ({"code": "InternalError", "delay_ms": -1}, "delay_ms"),
        ({"code": "InternalError", "delay_ms": 60_001}, "delay_ms"),
        ({"code": "InternalError", "retry_after_ms": -1}, "retry_after_ms"),
        ({"code": "InternalError", "seed": -1}, "seed"),
        ({"code": ""}, "code"),
        ({}, "code"),
        ({"code": None, "delay_ms": 10, "message": "m"}, "message"),
        ({"code": "InternalError", "colour": "red"}, "colour"),
    ],
)
def test_an_invalid_rule_answers_422_naming_the_field(
    client: TestClient, rule: dict[str, Any], field: str
) -> None:
    response = client.post("/_mock/faults", json={**REBOOT, **rule})

    assert response.status_code == 422
    assert field in response.json()["message"]
    assert client.get("/_mock/faults").json() == {"faults": []}


def test_a_rule_without_an_action_answers_422(client: TestClient) -> None:
    response = client.post("/_mock/faults", json={"code": "InternalError"})

    assert (response.status_code, response.json()["error"]) == (422, "UnprocessableEntity")


def test_a_delay_rule_has_no_code(client: TestClient) -> None:
    rule = client.post("/_mock/faults", json={**REBOOT, "code": None, "delay_ms": 5}).json()

    assert (rule["code"], rule["http_status"], rule["message"], rule["delay_ms"]) == (None, None, None, 5)


def test_rules_are_listed_in_the_order_they_were_added(client: TestClient) -> None:
    ids = [
        client.post("/_mock/faults", json={**REBOOT, "code": c}).json()["id"]
        for c in ("InternalError", "Throttling.User")
    ]

    assert [rule["id"] for rule in client.get("/_mock/faults").json()["faults"]] == ids


def test_deleting_all_rules_says_how_many(client: TestClient, api: Api) -> None:
    for _ in range(2):
        client.post("/_mock/faults", json={**REBOOT, "code": "InternalError"})

    assert client.delete("/_mock/faults").json() == {"deleted": 2}
    assert api.reboot("i-running-1").status_code == 200


def test_deleting_one_rule_answers_it_and_leaves_the_others(client: TestClient) -> None:
    first = client.post("/_mock/faults", json={**REBOOT, "code": "InternalError"}).json()
    second = client.post("/_mock/faults", json={**REBOOT, "code": "Throttling.User"}).json()

    assert client.delete(f"/_mock/faults/{first['id']}").json() == first
    assert client.get("/_mock/faults").json()["faults"] == [second]


@pytest.mark.parametrize("fault_id", ["12345", "abc", "99999999999999999999"])
def test_deleting_an_unknown_rule_answers_404_json(client: TestClient, fault_id: str) -> None:
    response = client.delete(f"/_mock/faults/{fault_id}")

    assert (response.status_code, response.json()["error"]) == (404, "NotFound")


def test_a_reset_clears_the_rules(client: TestClient, api: Api) -> None:
    client.post("/_mock/faults", json={**REBOOT, "code": "InternalError"})
    client.post("/_mock/reset").raise_for_status()

    assert client.get("/_mock/faults").json() == {"faults": []}
    assert api.reboot("i-running-1").status_code == 200


def test_a_removed_rules_id_is_not_given_again(client: TestClient) -> None:
    first = client.post("/_mock/faults", json={**REBOOT, "code": "Throttling"}).json()["id"]
    client.delete("/_mock/faults").raise_for_status()

    second = client.post("/_mock/faults", json={**REBOOT, "code": "Throttling"}).json()["id"]

    assert second != first
    assert client.delete(f"/_mock/faults/{first}").status_code == 404
