"""The control plane under /_mock (design notes §3, a contract), through the in-process app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_ecs import MockEcsApp, Settings, create_app
from mock_ecs.clock import isoformat
from tests.conftest import WORLD, FakeWallClock
from tests.support.api import Api

ACCOUNT = "1000000000000001"
NEW_YEAR = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@pytest.fixture
def timed(settings: Settings, wall_clock: FakeWallClock) -> Iterator[TestClient]:
    """A control client on a wall clock that moves only when the test moves it."""
    app = create_app(settings, wall_clock=wall_clock)
    with TestClient(app, base_url="http://mock-ecs.test:8080", raise_server_exceptions=False) as client:
        yield client


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _clock(client: TestClient, **command: Any) -> Any:
    return _ok(client.post("/_mock/clock", json=command) if command else client.get("/_mock/clock"))


def _instance(client: TestClient, instance_id: str) -> Any:
    return _ok(client.get(f"/_mock/instances/{instance_id}"))


def _ids(client: TestClient, **filters: str) -> list[str]:
    return [view["id"] for view in _ok(client.get("/_mock/instances", params=filters))["instances"]]


def _reboot_with_nonce(api: Api, nonce: str) -> Any:
    return api.v1("RebootInstances", {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1"}, nonce=nonce)


# -- health ---------------------------------------------------------------------------------


def test_health_answers_ok_with_what_is_serving(client: TestClient) -> None:
    health = _ok(client.get("/_mock/health"))

    assert health["status"] == "ok"
    assert health["database"] == "sqlite://"
    assert health["api_version"] == "2014-05-26"
    assert "RebootInstances" in health["actions"]
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", health["version"])


# -- reset ----------------------------------------------------------------------------------


def test_reset_answers_the_number_of_instances_loaded(client: TestClient) -> None:
    assert _ok(client.post("/_mock/reset")) == {"status": "ok", "instances": 11}


def test_reset_restores_a_changed_instance(client: TestClient) -> None:
    _ok(client.patch("/_mock/instances/i-running-1", json={"status": "Stopped", "locks": ["security"]}))

    _ok(client.post("/_mock/reset"))

    view = _instance(client, "i-running-1")
    assert (view["status"], view["locks"]) == ("Running", [])


def test_reset_removes_instances_added_since_start(client: TestClient) -> None:
    created = _ok(client.post("/_mock/instances", json={"account": ACCOUNT, "region": "cn-hangzhou"}), 201)

    _ok(client.post("/_mock/reset"))

    assert client.get(f"/_mock/instances/{created['id']}").status_code == 404


def test_reset_makes_a_used_nonce_usable_again(client: TestClient, api: Api) -> None:
    assert _reboot_with_nonce(api, "fixed-nonce").status_code == 200
    assert _reboot_with_nonce(api, "fixed-nonce").json()["Code"] == "SignatureNonceUsed"

    _ok(client.post("/_mock/reset"))

    assert _reboot_with_nonce(api, "fixed-nonce").status_code == 200


def test_reset_puts_the_clock_back_to_system_time(timed: TestClient, wall_clock: FakeWallClock) -> None:
    _clock(timed, freeze=True, advance_seconds=3600)

    _ok(timed.post("/_mock/reset"))

    assert _clock(timed) == {"now": isoformat(wall_clock.now), "epoch": wall_clock.now, "frozen": False}


def test_reset_goes_back_to_the_fixtures_loaded_at_start_up_even_if_the_file_changed(
    tmp_path: Path, wall_clock: FakeWallClock
) -> None:
    fixtures = tmp_path / "world.yaml"
    fixtures.write_text(WORLD.read_text(encoding="utf-8"), encoding="utf-8")
    app = create_app(Settings(db=":memory:", fixtures=fixtures), wall_clock=wall_clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        _ok(client.patch("/_mock/instances/i-running-1", json={"status": "Stopped"}))
        fixtures.write_text('instances: [{account: "1", region: x, status: Broken}]', encoding="utf-8")

        _ok(client.post("/_mock/reset"))

        assert _instance(client, "i-running-1")["status"] == "Running"


# -- fixtures -------------------------------------------------------------------------------


def test_posting_fixtures_adds_what_they_name(client: TestClient) -> None:
    document = {
        "regions": [{"id": "cn-beijing", "zones": ["cn-beijing-a"]}],
        "instances": [{"id": "i-beijing-1", "account": ACCOUNT, "region": "cn-beijing"}],
    }

    assert _ok(client.post("/_mock/fixtures", json=document)) == {"instances": ["i-beijing-1"]}
    assert _instance(client, "i-beijing-1")["zone"] == "cn-beijing-a"


def test_posting_fixtures_keeps_what_they_do_not_name(client: TestClient) -> None:
    before = _ids(client)

    _ok(
        client.post(
            "/_mock/fixtures",
            json={"instances": [{"id": "i-new", "account": ACCOUNT, "region": "cn-hangzhou"}]},
        )
    )

    assert _ids(client) == [*before, "i-new"]


def test_posting_an_invalid_document_answers_422_naming_the_field(client: TestClient) -> None:
    document = {"instances": [{"account": ACCOUNT, "region": "cn-hangzhou", "status": "Rebooting"}]}

    response = client.post("/_mock/fixtures", json=document)

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "UnprocessableEntity"
    assert body["message"].startswith("body.instances.0.status: Input should be")
    assert [problem["field"] for problem in body["detail"]] == ["body.instances.0.status"]


def test_posting_a_document_with_a_broken_reference_answers_422_and_loads_nothing(client: TestClient) -> None:
    document = {
        "instances": [
            {"id": "i-good", "account": ACCOUNT, "region": "cn-hangzhou"},
            {"id": "i-orphan", "account": "404", "region": "cn-hangzhou"},
        ]
    }

    response = client.post("/_mock/fixtures", json=document)

    assert response.status_code == 422
    assert response.json() == {
        "error": "UnprocessableEntity",
        "message": "request body: instances[1].account: no account '404'",
    }
    assert client.get("/_mock/instances/i-good").status_code == 404


# -- instances ------------------------------------------------------------------------------


def test_instances_are_listed_in_creation_order(client: TestClient) -> None:
    ids = _ids(client)

    assert ids[:3] == ["i-running-1", "i-running-2", "i-running-3"]
    assert len(ids) == 11


def test_instances_are_filtered_by_account(client: TestClient) -> None:
    assert _ids(client, account="1000000000000002") == ["i-other-1"]


def test_instances_are_filtered_by_region(client: TestClient) -> None:
    assert _ids(client, region="cn-shanghai") == ["i-shanghai-1"]


def test_instances_are_filtered_by_status(client: TestClient) -> None:
    assert _ids(client, status="Stopped") == ["i-stopped-1"]


def test_instances_are_filtered_by_the_status_the_clock_sees_now(client: TestClient, api: Api) -> None:
    _clock(client, freeze=True)
    assert api.reboot("i-running-2").status_code == 200

    assert _ids(client, status="Stopping") == ["i-running-2"]


def test_an_unknown_status_filter_answers_422(client: TestClient) -> None:
    response = client.get("/_mock/instances", params={"status": "Rebooting"})

    assert response.status_code == 422
    assert response.json()["message"].startswith("query.status: ")


def test_an_instance_view_shows_what_the_fixtures_gave(client: TestClient) -> None:
    view = _instance(client, "i-financial-1")

    assert {key: view[key] for key in ("id", "account", "region", "zone", "status", "phase", "locks")} == {
        "id": "i-financial-1",
        "account": ACCOUNT,
        "region": "cn-hangzhou",
        "zone": "cn-hangzhou-h",
        "status": "Running",
        "phase": None,
        "locks": [{"reason": "financial", "message": "overdue"}],
    }


def test_an_unknown_instance_answers_404_json(client: TestClient) -> None:
    response = client.get("/_mock/instances/i-nope")

    assert response.status_code == 404
    assert response.json() == {"error": "NotFound", "message": "no instance 'i-nope'"}


def test_creating_an_instance_answers_201_with_it(client: TestClient) -> None:
    response = client.post(
        "/_mock/instances",
        json={
            "id": "i-made-1",
            "account": ACCOUNT,
            "region": "cn-hangzhou",
            "name": "made",
            "status": "Stopped",
        },
    )

    view = _ok(response, 201)
    assert (view["id"], view["name"], view["status"]) == ("i-made-1", "made", "Stopped")
    assert _instance(client, "i-made-1") == view


def test_creating_an_instance_fills_in_the_defaults(timed: TestClient, wall_clock: FakeWallClock) -> None:
    view = _ok(timed.post("/_mock/instances", json={"account": ACCOUNT, "region": "cn-hangzhou"}), 201)

    assert re.fullmatch(r"i-bp[a-z0-9]{18}", view["id"])
    assert view["name"] == view["id"]
    assert view["hostname"] == f"iZ{view['id'][2:]}Z"
    assert (view["zone"], view["status"], view["locks"]) == ("cn-hangzhou-h", "Running", [])
    assert view["created_at"] == isoformat(wall_clock.now)


def test_creating_an_instance_in_an_unknown_region_answers_422_naming_the_field(client: TestClient) -> None:
    response = client.post("/_mock/instances", json={"account": ACCOUNT, "region": "cn-nowhere"})

    assert response.status_code == 422
    assert response.json()["message"] == "request body.region: no region 'cn-nowhere'"


def test_creating_an_instance_with_an_unknown_field_answers_422(client: TestClient) -> None:
    response = client.post(
        "/_mock/instances", json={"account": ACCOUNT, "region": "cn-hangzhou", "colour": "red"}
    )

    assert response.status_code == 422
    assert response.json()["message"].startswith("body.colour: Extra inputs are not permitted")


# -- patching an instance -------------------------------------------------------------------


def test_patching_the_status_sets_it(client: TestClient) -> None:
    view = _ok(client.patch("/_mock/instances/i-running-1", json={"status": "Stopped"}))

    assert view["status"] == "Stopped"
    assert _instance(client, "i-running-1")["status"] == "Stopped"


def test_patching_the_status_ends_an_operation_under_way(client: TestClient, api: Api) -> None:
    _clock(client, freeze=True)
    assert api.reboot("i-running-1").status_code == 200

    view = _ok(client.patch("/_mock/instances/i-running-1", json={"status": "Stopped"}))

    assert (view["status"], view["phase"]) == ("Stopped", None)


def test_patching_locks_takes_their_reasons_alone(client: TestClient) -> None:
    view = _ok(client.patch("/_mock/instances/i-running-1", json={"locks": ["security"]}))

    assert view["locks"] == [{"reason": "security", "message": ""}]


def test_patching_locks_takes_reasons_with_messages(client: TestClient) -> None:
    locks = [{"reason": "financial", "message": "overdue since May"}]

    view = _ok(client.patch("/_mock/instances/i-running-1", json={"locks": locks}))

    assert view["locks"] == locks


def test_patching_locks_replaces_them_all(client: TestClient) -> None:
    view = _ok(client.patch("/_mock/instances/i-financial-1", json={"locks": ["security"]}))

    assert [lock["reason"] for lock in view["locks"]] == ["security"]


def test_patching_locks_to_none_unlocks(client: TestClient) -> None:
    view = _ok(client.patch("/_mock/instances/i-security-1", json={"locks": []}))

    assert view["locks"] == []


def test_patching_a_reason_twice_keeps_one_lock(client: TestClient) -> None:
    locks = ["security", {"reason": "security", "message": "second"}]

    view = _ok(client.patch("/_mock/instances/i-running-1", json={"locks": locks}))

    assert view["locks"] == [{"reason": "security", "message": "second"}]


def test_patching_an_unknown_lock_reason_answers_422(client: TestClient) -> None:
    response = client.patch("/_mock/instances/i-running-1", json={"locks": ["bogus"]})

    assert response.status_code == 422
    assert response.json()["message"].startswith("body.locks.0.reason: ")


def test_patching_locks_takes_effect_on_the_api(client: TestClient, api: Api) -> None:
    _ok(client.patch("/_mock/instances/i-running-1", json={"locks": ["security"]}))

    assert api.reboot("i-running-1").json()["Code"] == "InstanceLockedForSecurity"


def test_patching_phase_durations_sets_them(client: TestClient) -> None:
    view = _ok(
        client.patch("/_mock/instances/i-running-1", json={"stopping_seconds": 2.5, "starting_seconds": 0})
    )

    assert (view["stopping_seconds"], view["starting_seconds"]) == (2.5, 0.0)


def test_patching_a_phase_duration_to_null_clears_it(client: TestClient) -> None:
    _ok(client.patch("/_mock/instances/i-running-1", json={"stopping_seconds": 2.5, "starting_seconds": 3}))

    view = _ok(client.patch("/_mock/instances/i-running-1", json={"stopping_seconds": None}))

    assert (view["stopping_seconds"], view["starting_seconds"]) == (None, 3.0)


def test_a_patched_phase_duration_times_the_next_operation(client: TestClient, api: Api) -> None:
    _ok(client.patch("/_mock/instances/i-running-1", json={"stopping_seconds": 1.5}))
    now = _clock(client, freeze=True)["epoch"]

    assert api.reboot("i-running-1").status_code == 200

    assert _instance(client, "i-running-1")["phase"]["ends_at"] == isoformat(now + 1.5)


@pytest.mark.parametrize("body", [{"stopping_seconds": -1}, {"colour": "red"}, {"status": "Rebooting"}])
def test_patching_an_invalid_value_answers_422(client: TestClient, body: dict[str, Any]) -> None:
    response = client.patch("/_mock/instances/i-running-1", json=body)

    assert response.status_code == 422
    assert set(response.json()) == {"error", "message", "detail"}


def test_patching_an_unknown_instance_answers_404(client: TestClient) -> None:
    response = client.patch("/_mock/instances/i-nope", json={"status": "Stopped"})

    assert response.status_code == 404
    assert response.json()["error"] == "NotFound"


# -- accounts -------------------------------------------------------------------------------


def test_patching_an_accounts_balance_sets_it(client: TestClient) -> None:
    assert _ok(client.patch(f"/_mock/accounts/{ACCOUNT}", json={"balance": -1.5})) == {
        "id": ACCOUNT,
        "balance": -1.5,
    }


def test_a_patched_balance_takes_effect_on_the_api(client: TestClient, api: Api) -> None:
    _ok(client.patch(f"/_mock/accounts/{ACCOUNT}", json={"balance": -1}))

    assert api.reboot("i-running-1").json()["Code"] == "InsufficientBalance"


def test_patching_an_unknown_account_answers_404(client: TestClient) -> None:
    response = client.patch("/_mock/accounts/404", json={"balance": 1})

    assert response.status_code == 404
    assert response.json() == {"error": "NotFound", "message": "no account '404'"}


# -- the clock ------------------------------------------------------------------------------


def test_the_clock_starts_on_system_time(timed: TestClient, wall_clock: FakeWallClock) -> None:
    assert _clock(timed) == {"now": isoformat(wall_clock.now), "epoch": wall_clock.now, "frozen": False}


def test_a_running_clock_follows_wall_time(timed: TestClient, wall_clock: FakeWallClock) -> None:
    wall_clock.now += 10

    assert _clock(timed)["epoch"] == wall_clock.now


def test_freeze_stops_the_clock(timed: TestClient, wall_clock: FakeWallClock) -> None:
    frozen = _clock(timed, freeze=True)
    wall_clock.now += 10

    assert frozen["frozen"]
    assert _clock(timed) == frozen


def test_advance_moves_a_frozen_clock_by_fractional_seconds(
    timed: TestClient, wall_clock: FakeWallClock
) -> None:
    _clock(timed, freeze=True)

    assert _clock(timed, advance_seconds=1.5)["epoch"] == wall_clock.now + 1.5


def test_advance_moves_a_running_clock_that_keeps_running(
    timed: TestClient, wall_clock: FakeWallClock
) -> None:
    _clock(timed, advance_seconds=30)
    wall_clock.now += 5

    view = _clock(timed)
    assert (view["epoch"], view["frozen"]) == (wall_clock.now + 30, False)


def test_set_moves_a_frozen_clock_to_the_moment(timed: TestClient, wall_clock: FakeWallClock) -> None:
    _clock(timed, freeze=True)

    assert _clock(timed, set="2026-01-01T00:00:00Z") == {
        "now": "2026-01-01T00:00:00Z",
        "epoch": NEW_YEAR,
        "frozen": True,
    }


def test_set_on_a_running_clock_runs_on_from_the_moment(timed: TestClient, wall_clock: FakeWallClock) -> None:
    _clock(timed, set="2026-01-01T00:00:00Z")
    wall_clock.now += 5

    assert _clock(timed) == {"now": "2026-01-01T00:00:05Z", "epoch": NEW_YEAR + 5, "frozen": False}


def test_unfreeze_runs_on_from_the_frozen_moment(timed: TestClient, wall_clock: FakeWallClock) -> None:
    _clock(timed, freeze=True, set="2026-01-01T00:00:00Z")
    wall_clock.now += 100

    _clock(timed, freeze=False)
    wall_clock.now += 2

    assert _clock(timed) == {"now": "2026-01-01T00:00:02Z", "epoch": NEW_YEAR + 2, "frozen": False}


def test_one_command_freezes_then_sets_then_advances(timed: TestClient) -> None:
    view = _clock(timed, advance_seconds=30, set="2026-01-01T00:00:00Z", freeze=True)

    assert view == {"now": "2026-01-01T00:00:30Z", "epoch": NEW_YEAR + 30, "frozen": True}


def test_setting_a_time_that_is_not_iso_8601_answers_422(timed: TestClient) -> None:
    response = timed.post("/_mock/clock", json={"set": "next tuesday"})

    assert response.status_code == 422
    assert response.json() == {
        "error": "UnprocessableEntity",
        "message": "set: not an ISO 8601 time: 'next tuesday'",
    }


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_advancing_by_a_number_that_is_not_finite_answers_422(timed: TestClient, value: str) -> None:
    response = timed.post(
        "/_mock/clock",
        content=f'{{"advance_seconds": {value}}}',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["message"].startswith("body.advance_seconds: ")


def test_an_unknown_clock_command_answers_422(timed: TestClient) -> None:
    response = timed.post("/_mock/clock", json={"rewind": 5})

    assert response.status_code == 422
    assert response.json()["message"].startswith("body.rewind: ")


def test_a_refused_clock_command_leaves_the_clock_as_it_was(timed: TestClient) -> None:
    before = _clock(timed, freeze=True)

    assert timed.post("/_mock/clock", json={"advance_seconds": 30, "set": "never"}).status_code == 422

    assert _clock(timed) == before


# -- an operation as the clock moves --------------------------------------------------------


def test_a_reboot_is_stopping_first_under_a_frozen_clock(
    client: TestClient, api: Api, settings: Settings
) -> None:
    now = _clock(client, freeze=True)["epoch"]

    assert api.reboot("i-running-1").status_code == 200

    view = _instance(client, "i-running-1")
    assert view["status"] == "Stopping"
    assert view["phase"] == {
        "operation": "reboot",
        "status": "Stopping",
        "started_at": isoformat(now),
        "ends_at": isoformat(now + settings.stopping_seconds),
        "settles_to": "Running",
        "settles_at": isoformat(now + settings.stopping_seconds + settings.starting_seconds),
    }


def test_a_reboot_is_starting_once_the_stopping_phase_has_passed(
    client: TestClient, api: Api, settings: Settings
) -> None:
    now = _clock(client, freeze=True)["epoch"]
    assert api.reboot("i-running-1").status_code == 200

    _clock(client, advance_seconds=settings.stopping_seconds)

    view = _instance(client, "i-running-1")
    assert (view["status"], view["phase"]["status"]) == ("Starting", "Starting")
    assert view["phase"]["ends_at"] == isoformat(now + settings.stopping_seconds + settings.starting_seconds)


def test_a_reboot_is_running_again_once_both_phases_have_passed(
    client: TestClient, api: Api, settings: Settings
) -> None:
    _clock(client, freeze=True)
    assert api.reboot("i-running-1").status_code == 200

    _clock(client, advance_seconds=settings.stopping_seconds)
    _clock(client, advance_seconds=settings.starting_seconds)

    view = _instance(client, "i-running-1")
    assert (view["status"], view["phase"]) == ("Running", None)


def test_a_reboot_stays_stopping_just_before_its_phase_ends(
    client: TestClient, api: Api, settings: Settings
) -> None:
    _clock(client, freeze=True)
    assert api.reboot("i-running-1").status_code == 200

    _clock(client, advance_seconds=settings.stopping_seconds - 0.25)

    assert _instance(client, "i-running-1")["status"] == "Stopping"


# -- the document and the error shape -------------------------------------------------------


def test_the_openapi_document_lists_the_control_routes(client: TestClient) -> None:
    paths = _ok(client.get("/_mock/openapi.json"))["paths"]

    assert {
        "/_mock/health": {"get"},
        "/_mock/reset": {"post"},
        "/_mock/fixtures": {"post"},
        "/_mock/instances": {"get", "post"},
        "/_mock/instances/{instance_id}": {"get", "patch"},
        "/_mock/accounts/{account_id}": {"patch"},
        "/_mock/clock": {"get", "post"},
    }.items() <= {path: set(methods) for path, methods in paths.items()}.items()


def test_a_body_that_is_not_json_answers_422_json(client: TestClient) -> None:
    response = client.post("/_mock/clock", content=b"{not json", headers={"content-type": "application/json"})

    assert response.status_code == 422
    assert response.json()["error"] == "UnprocessableEntity"
    assert "JSON decode error" in response.json()["message"]


def test_an_unknown_control_path_answers_404_json(client: TestClient) -> None:
    response = client.get("/_mock/nothing-here")

    assert response.status_code == 404
    assert response.json() == {"error": "NotFound", "message": "Not Found"}


def test_a_method_a_route_does_not_take_answers_405_json(client: TestClient) -> None:
    response = client.delete("/_mock/clock")

    assert response.status_code == 405
    assert response.json() == {"error": "MethodNotAllowed", "message": "Method Not Allowed"}


def test_an_unexpected_error_answers_500_json_naming_it(
    client: TestClient, app: MockEcsApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> int:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(app.runtime, "reset", broken)

    response = client.post("/_mock/reset")

    assert response.status_code == 500
    assert response.json() == {
        "error": "InternalServerError",
        "message": "RuntimeError: the disk caught fire",
    }


def test_a_clock_moved_past_year_9999_is_refused_and_unchanged(client: TestClient) -> None:
    client.post("/_mock/clock", json={"freeze": True})
    before = client.get("/_mock/clock").json()

    response = client.post("/_mock/clock", json={"advance_seconds": 1e12})

    assert response.status_code == 422
    assert response.json()["error"] == "UnprocessableEntity"
    assert client.get("/_mock/clock").json() == before


@pytest.mark.parametrize("balance", ["NaN", "Infinity", "-Infinity"])
def test_a_balance_must_be_a_finite_number(client: TestClient, balance: str) -> None:
    response = client.patch(
        "/_mock/accounts/1000000000000001",
        content=f'{{"balance": {balance}}}',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 422


# -- a status patch and what DescribeInstances derives from the schedule it ends ----------------


def _described(api: Api, instance_id: str) -> dict[str, Any]:
    response = api.v1(
        "DescribeInstances",
        {"RegionId": "cn-hangzhou", "InstanceIds": f'["{instance_id}"]', "Format": "JSON"},
    )
    assert response.status_code == 200, response.text
    instance: dict[str, Any] = response.json()["Instances"]["Instance"][0]
    return instance


def test_patching_a_started_instance_running_keeps_its_start_time(client: TestClient, api: Api) -> None:
    _ok(client.post("/_mock/clock", json={"freeze": True}))
    assert (
        api.v1("StartInstances", {"RegionId": "cn-hangzhou", "InstanceId.1": "i-stopped-1"}).status_code
        == 200
    )
    _ok(client.post("/_mock/clock", json={"advance_seconds": 600}))
    started = _described(api, "i-stopped-1")["StartTime"]

    _ok(client.patch("/_mock/instances/i-stopped-1", json={"status": "Running"}))

    assert started != ""
    assert _described(api, "i-stopped-1")["StartTime"] == started


def test_patching_a_stopped_instance_running_starts_it_now(client: TestClient, api: Api) -> None:
    _ok(client.post("/_mock/clock", json={"set": "2027-03-01T08:30:00Z"}))

    _ok(client.patch("/_mock/instances/i-stopped-1", json={"status": "Running"}))

    assert _described(api, "i-stopped-1")["StartTime"] == "2027-03-01T08:30Z"


def test_a_stop_mode_does_not_outlive_the_stop_a_patch_ends(client: TestClient, api: Api) -> None:
    _ok(client.post("/_mock/clock", json={"freeze": True}))
    stop = {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1", "StoppedMode": "StopCharging"}
    assert api.v1("StopInstances", stop).status_code == 200
    _ok(client.post("/_mock/clock", json={"advance_seconds": 600}))
    assert _described(api, "i-running-1")["StoppedMode"] == "StopCharging"

    _ok(client.patch("/_mock/instances/i-running-1", json={"status": "Running"}))
    _ok(client.patch("/_mock/instances/i-running-1", json={"status": "Stopped"}))

    assert _described(api, "i-running-1")["StoppedMode"] == "KeepCharging"


def test_patching_a_stopping_instance_stopped_keeps_its_stop_mode(client: TestClient, api: Api) -> None:
    _ok(client.post("/_mock/clock", json={"freeze": True}))
    stop = {"RegionId": "cn-hangzhou", "InstanceId.1": "i-running-1", "StoppedMode": "StopCharging"}
    assert api.v1("StopInstances", stop).status_code == 200

    _ok(client.patch("/_mock/instances/i-running-1", json={"status": "Stopped"}))

    assert _described(api, "i-running-1")["StoppedMode"] == "StopCharging"
