"""The rate limit per access key (``--rate-limit``), judged by the wall clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mock_ecs import Settings, create_app
from mock_ecs.protocol.throttle import RateLimit
from tests.conftest import FakeWallClock
from tests.protocol.wire import assert_error
from tests.support.api import Api
from tests.support.signer import sign_v1

DRY_REBOOT = {
    "Action": "RebootInstances",
    "RegionId": "cn-hangzhou",
    "InstanceId.1": "i-running-1",
    "DryRun": "true",
}
THROTTLED = "Request was denied due to user flow control."


@pytest.fixture
def limited(settings: Settings, wall_clock: FakeWallClock) -> Iterator[Api]:
    """Two requests a second per access key; the wall clock stands still unless moved."""
    wall_clock.now = 1_790_000_000.25
    app = create_app(settings.model_copy(update={"rate_limit": 2.0}), wall_clock=wall_clock)
    with TestClient(app, base_url="http://mock-ecs.test:8080") as client:
        yield Api(client)


def call(api: Api, clock: FakeWallClock, key: str = "testAKID", secret: str = "testSecret") -> str:
    response = api.send(sign_v1(DRY_REBOOT, key=key, secret=secret, timestamp=clock.now))
    code: str = response.json()["Code"]
    return code


def test_calls_within_the_rate_go_through(limited: Api, wall_clock: FakeWallClock) -> None:
    assert [call(limited, wall_clock) for _ in range(2)] == ["DRYRUN.SUCCESS"] * 2


def test_a_call_beyond_the_rate_is_throttled(limited: Api, wall_clock: FakeWallClock) -> None:
    call(limited, wall_clock), call(limited, wall_clock)

    response = limited.send(sign_v1(DRY_REBOOT, timestamp=wall_clock.now))

    assert_error(response, 400, "Throttling.User", THROTTLED)
    assert response.headers["x-acs-retry-after"] == "750"  # the window reopens at the next second


def test_calls_go_through_again_once_the_window_has_passed(limited: Api, wall_clock: FakeWallClock) -> None:
    assert [call(limited, wall_clock) for _ in range(3)][-1] == "Throttling.User"
    wall_clock.now += 0.75

    assert [call(limited, wall_clock) for _ in range(3)] == [
        "DRYRUN.SUCCESS",
        "DRYRUN.SUCCESS",
        "Throttling.User",
    ]


def test_each_access_key_has_a_rate_of_its_own(limited: Api, wall_clock: FakeWallClock) -> None:
    assert [call(limited, wall_clock) for _ in range(3)][-1] == "Throttling.User"

    assert call(limited, wall_clock, "otherAKID", "otherSecret") == "InvalidInstanceId.NotFound"


def test_a_call_that_fails_authentication_is_not_counted(limited: Api, wall_clock: FakeWallClock) -> None:
    for _ in range(3):
        assert call(limited, wall_clock, secret="wrong") == "SignatureDoesNotMatch"

    assert call(limited, wall_clock) == "DRYRUN.SUCCESS"


def test_a_reset_clears_the_counts(limited: Api, wall_clock: FakeWallClock) -> None:
    assert [call(limited, wall_clock) for _ in range(3)][-1] == "Throttling.User"
    limited.client.post("/_mock/reset").raise_for_status()

    assert call(limited, wall_clock) == "DRYRUN.SUCCESS"


def test_without_a_rate_nothing_is_throttled(api: Api) -> None:
    assert {api.send(sign_v1(DRY_REBOOT)).json()["Code"] for _ in range(20)} == {"DRYRUN.SUCCESS"}


@pytest.mark.parametrize(
    ("rate", "window", "allowance"), [(5, 1.0, 5), (2.5, 1.0, 2), (0.5, 2.0, 1), (0.1, 10.0, 1)]
)
def test_a_rate_is_kept_in_fixed_windows(rate: float, window: float, allowance: int) -> None:
    limit = RateLimit(rate)

    assert (limit.window_seconds, limit.allowance) == (window, allowance)
