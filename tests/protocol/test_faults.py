"""Fault rules on the API (design notes §3): what matches, when a rule fires, what it answers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ecs import Settings, create_app
from mock_ecs.ecs import errors as ecs_errors
from mock_ecs.protocol import errors
from mock_ecs.protocol.errors import ApiError
from mock_ecs.protocol.faults import Fault, catalogue, inject
from mock_ecs.protocol.render import CONTENT_TYPES, error_body, render
from mock_ecs.protocol.request import Format
from tests.protocol.wire import JSON, XML, assert_error
from tests.support.api import Api

THROTTLED = "Request was denied due to user flow control."
SERVED = "DRYRUN.SUCCESS"  # what the action answers a dry run: the call got through


def add_fault(client: TestClient, **rule: Any) -> dict[str, Any]:
    response = client.post("/_mock/faults", json={"action": "RebootInstances", **rule})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def codes(api: Api, count: int, *ids: str, **signing: Any) -> list[str]:
    """The codes of ``count`` dry-run reboots: a dry run changes nothing, so each call meets
    the same instance, and one that gets through answers ``DRYRUN.SUCCESS``."""
    return [
        api.reboot(*(ids or ("i-running-1",)), DryRun="true", **signing).json()["Code"] for _ in range(count)
    ]


# -- firing ------------------------------------------------------------------------------


def test_a_rule_answers_its_error_instead_of_the_action(client: TestClient, api: Api) -> None:
    add_fault(client, code="Throttling.User")

    assert_error(api.reboot("i-running-1"), 400, "Throttling.User", THROTTLED)
    assert client.get("/_mock/instances/i-running-1").json()["status"] == "Running"


def test_a_rule_with_times_fires_on_the_first_n_matches_only(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError", times=2)

    assert codes(api, 4) == ["InternalError", "InternalError", SERVED, SERVED]


def test_matched_and_fired_count_the_requests(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError", times=1)
    codes(api, 3)

    (rule,) = client.get("/_mock/faults").json()["faults"]
    assert (rule["matched"], rule["fired"]) == (3, 1)


def _sequence(seed: int, probability: float, count: int) -> list[bool]:
    fault = Fault(1, "RebootInstances", "InternalError", 500, "x", seed, probability=probability)
    return [fault.fires_on(match, 0) for match in range(1, count + 1)]


def test_a_probability_fires_by_the_documented_draw_of_its_seed(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError", probability=0.5, seed=11)

    expected = [random.Random(f"11:{k}").random() < 0.5 for k in range(1, 21)]
    assert [code == "InternalError" for code in codes(api, 20)] == expected


def test_the_same_seed_gives_the_same_sequence() -> None:
    assert _sequence(7, 0.3, 50) == _sequence(7, 0.3, 50)


def test_different_seeds_give_different_sequences() -> None:
    assert _sequence(7, 0.5, 50) != _sequence(8, 0.5, 50)


def test_a_seeded_sequence_repeats_after_a_reset(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError", probability=0.5, seed=3)
    first = codes(api, 12)
    client.post("/_mock/reset").raise_for_status()
    add_fault(client, code="InternalError", probability=0.5, seed=3)

    assert codes(api, 12) == first
    assert set(first) == {"InternalError", SERVED}


def test_probability_zero_never_fires_and_one_always_does(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError", probability=0.0, seed=1)
    add_fault(client, code="Throttling.User", probability=1.0, seed=1)

    assert codes(api, 5) == ["Throttling.User"] * 5


def test_times_bounds_the_firings_of_a_probability(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError", probability=1.0, seed=1, times=2)

    assert codes(api, 3) == ["InternalError", "InternalError", SERVED]


def test_the_first_rule_that_fires_decides_and_later_rules_do_not_see_the_request(
    client: TestClient, api: Api
) -> None:
    add_fault(client, code="InternalError", times=1)
    add_fault(client, code="Throttling.User", times=1)

    assert codes(api, 3) == ["InternalError", "Throttling.User", SERVED]
    first, second = client.get("/_mock/faults").json()["faults"]
    assert (first["matched"], second["matched"]) == (3, 2)


# -- matching ----------------------------------------------------------------------------


class RulesRemovedSinceRead:
    """A store whose first rule was removed by another worker after the rules were read."""

    def __init__(self) -> None:
        self.rules = [
            Fault(id=1, action="RebootInstances", code="InternalError", http_status=500, message="", seed=0),
            Fault(
                id=2, action="RebootInstances", code="Throttling.User", http_status=400, message="", seed=0
            ),
        ]
        self.fired: list[int] = []

    def faults_for(self, action: str) -> list[Fault]:
        return self.rules

    def count_fault_match(self, fault_id: int) -> tuple[int, int] | None:
        return None if fault_id == 1 else (1, 0)

    def count_fault_fired(self, fault_id: int) -> None:
        self.fired.append(fault_id)


def test_a_rule_removed_since_it_was_read_is_passed_over() -> None:
    store = RulesRemovedSinceRead()

    injection = inject(store, "RebootInstances", "testAKID", ["i-running-1"])

    assert injection is not None
    assert injection.error is not None
    assert (injection.error.code, store.fired) == ("Throttling.User", [2])


def test_a_rule_for_an_instance_matches_requests_naming_it(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError", instance_id="i-running-2")

    assert codes(api, 1, "i-running-1") == [SERVED]
    assert codes(api, 1, "i-running-3", "i-running-2") == ["InternalError"]


@pytest.mark.parametrize(
    "params",
    [
        {"InstanceId": "i-running-2"},
        {"InstanceId.7": "i-running-2"},
        {"InstanceIds": '["i-x","i-running-2"]'},
    ],
    ids=["InstanceId", "InstanceId.N", "InstanceIds"],
)
def test_an_instance_is_named_in_any_of_the_id_parameters(
    client: TestClient, api: Api, params: dict[str, str]
) -> None:
    add_fault(client, code="InternalError", instance_id="i-running-2")

    response = api.v1("RebootInstances", {"RegionId": "cn-hangzhou", **params})
    assert response.json()["Code"] == "InternalError"


def test_a_rule_for_an_access_key_matches_only_its_requests(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError", access_key_id="otherAKID")

    assert codes(api, 1, "i-running-1") == [SERVED]
    assert codes(api, 1, "i-other-1", key="otherAKID", secret="otherSecret") == ["InternalError"]


def test_a_request_with_a_bad_signature_is_refused_before_any_rule(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError")

    assert codes(api, 1, secret="wrong") == ["SignatureDoesNotMatch"]
    assert client.get("/_mock/faults").json()["faults"][0]["matched"] == 0


def test_a_faulted_request_uses_its_nonce(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError", times=1)

    assert codes(api, 2, nonce="nonce-of-a-faulted-call") == ["InternalError", "SignatureNonceUsed"]


def test_a_rule_fires_after_ram_refuses(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError")

    assert codes(api, 1, key="ramAKID", secret="ramSecret") == ["Forbidden.RAM"]


# -- the answer --------------------------------------------------------------------------


def _serve_seeded(settings: Settings) -> TestClient:
    app = create_app(settings.model_copy(update={"seed": 5}))
    return TestClient(app, base_url="http://mock-ecs.test:8080")


@pytest.mark.parametrize("fmt", ["JSON", "XML"])
def test_a_faulted_answer_is_byte_for_byte_the_services_error(settings: Settings, fmt: str) -> None:
    """The same error, once from the action and once from a rule, under the same RequestId."""
    with _serve_seeded(settings) as real, _serve_seeded(settings) as faulted:
        request = {"RegionId": "cn-hangzhou", "InstanceId.1": "i-missing-1", "Format": fmt}
        natural = Api(real).v1("RebootInstances", request)
        add_fault(faulted, code="InvalidInstanceId.NotFound")
        injected = Api(faulted).v1("RebootInstances", {**request, "InstanceId.1": "i-running-1"})

    assert natural.status_code == injected.status_code == 404
    assert (
        natural.headers["content-type"]
        == injected.headers["content-type"]
        == (JSON if fmt == "JSON" else XML)
    )
    assert natural.content == injected.content


def test_a_faulted_answer_renders_the_envelope_of_its_code(client: TestClient, api: Api) -> None:
    add_fault(client, code="Custom.Failure", http_status=503, message="Gone fishing.")

    response = api.reboot("i-running-1", Format="XML")
    request_id = response.headers["x-acs-request-id"]
    expected = render(
        "Error",
        error_body(ApiError(503, "Custom.Failure", "Gone fishing."), request_id, "mock-ecs.test", "Ecs"),
        Format.XML,
    )
    assert (response.status_code, response.headers["content-type"]) == (503, CONTENT_TYPES[Format.XML])
    assert response.content == expected


def test_a_throttling_fault_says_when_to_retry(client: TestClient, api: Api) -> None:
    add_fault(client, code="Throttling.User")

    assert api.reboot("i-running-1").headers["x-acs-retry-after"] == "1000"


def test_a_fault_may_name_its_own_retry_after(client: TestClient, api: Api) -> None:
    add_fault(client, code="ServiceUnavailable", message="busy", http_status=503, retry_after_ms=250)

    assert api.reboot("i-running-1").headers["x-acs-retry-after"] == "250"


def test_another_fault_says_nothing_of_retrying(client: TestClient, api: Api) -> None:
    add_fault(client, code="InternalError")

    assert "x-acs-retry-after" not in api.reboot("i-running-1").headers


def test_retry_after_zero_leaves_the_header_out(client: TestClient, api: Api) -> None:
    add_fault(client, code="Throttling.User", retry_after_ms=0)

    assert "x-acs-retry-after" not in api.reboot("i-running-1").headers


# -- delays --------------------------------------------------------------------------------


class RecordingSleep:
    """Stands in for ``asyncio.sleep``: records the waits, waits for nothing."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def slow_client(settings: Settings, sleep: RecordingSleep) -> Iterator[TestClient]:
    with TestClient(create_app(settings, sleep=sleep), base_url="http://mock-ecs.test:8080") as client:
        yield client


def test_a_delay_rule_waits_then_answers_normally(slow_client: TestClient, sleep: RecordingSleep) -> None:
    add_fault(slow_client, code=None, delay_ms=1500)

    response = Api(slow_client).reboot("i-running-1")

    assert response.status_code == 200
    assert sleep.waits == [1.5]
    assert slow_client.get("/_mock/instances/i-running-1").json()["status"] == "Stopping"


def test_an_error_rule_with_a_delay_waits_then_answers_the_error(
    slow_client: TestClient, sleep: RecordingSleep
) -> None:
    add_fault(slow_client, code="InternalError", delay_ms=250, times=1)
    api = Api(slow_client)

    assert api.reboot("i-running-1").json()["Code"] == "InternalError"
    assert api.reboot("i-running-1").status_code == 200
    assert sleep.waits == [0.25]


def test_a_request_no_rule_fires_on_is_not_delayed(slow_client: TestClient, sleep: RecordingSleep) -> None:
    add_fault(slow_client, code=None, delay_ms=100, instance_id="i-running-2")

    Api(slow_client).reboot("i-running-1")

    assert sleep.waits == []


def test_a_delay_counts_in_the_logged_duration(slow_client: TestClient) -> None:
    add_fault(slow_client, code=None, delay_ms=2000)
    Api(slow_client).reboot("i-running-1")

    (entry,) = slow_client.get("/_mock/requests").json()["requests"]
    assert entry["duration_ms"] >= 2000


# -- the catalogue -----------------------------------------------------------------------


def test_the_catalogue_prefers_the_entry_named_after_the_code() -> None:
    found = catalogue([ecs_errors])
    assert found["InvalidInstanceId.NotFound"] == ecs_errors.INVALID_INSTANCE_ID_NOT_FOUND


def test_the_catalogue_leaves_out_codes_with_placeholders() -> None:
    assert not any("{" in code for code in catalogue([errors]))


def test_a_v3_request_is_faulted_in_json(client: TestClient, api: Api) -> None:
    add_fault(client, code="Throttling.User")

    response = api.v3("RebootInstances", {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"})
    assert_error(response, 400, "Throttling.User", THROTTLED)
    assert response.headers["content-type"] == JSON
