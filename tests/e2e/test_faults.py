"""Fault rules through each official Python SDK, against a real server on 127.0.0.1.

Every test runs three times: classic SDK (V1), Tea SDK (V3), Tea SDK with signature v2 (V1).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.flavours import FlavourFactory, SdkError
from tests.support.control import Control

# The classic SDK has no throttling exception of its own: it raises ServerException with the
# code. The Tea SDKs raise ThrottlingException when the answer carries x-acs-retry-after.
THROTTLING_EXCEPTION = {
    "classic": "ServerException",
    "tea": "ThrottlingException",
    "tea-v2": "ThrottlingException",
}


def add_fault(control: Control, **rule: Any) -> None:
    response = control.http.post("/_mock/faults", json={"action": "RebootInstances", **rule})
    assert response.status_code == 201, response.text


def test_an_injected_error_surfaces_as_the_sdks_own_exception(
    sdk_flavour: FlavourFactory, control: Control
) -> None:
    add_fault(control, code="InternalError", times=1)
    flavour = sdk_flavour()

    with pytest.raises(SdkError) as raised:
        flavour.reboot(["i-running-1"])

    error = raised.value
    assert (error.exception, error.code, error.http_status) == ("ServerException", "InternalError", 500)
    assert error.message == "The request processing has failed due to some unknown error."
    assert error.request_id is not None
    assert len(error.request_id) == 36
    assert control.status("i-running-1") == "Running"
    assert flavour.reboot(["i-running-1"])["InstanceResponses"]["InstanceResponse"][0]["Code"] == "200"


def test_an_injected_client_error_keeps_its_status(sdk_flavour: FlavourFactory, control: Control) -> None:
    add_fault(control, code="InvalidInstanceId.NotFound", instance_id="i-running-2")

    with pytest.raises(SdkError) as raised:
        sdk_flavour().reboot(["i-running-1", "i-running-2"])

    assert (raised.value.code, raised.value.http_status) == ("InvalidInstanceId.NotFound", 404)
    assert raised.value.exception in {"ServerException", "ClientException"}


def test_throttling_user_raises_the_sdks_throttling_exception(
    sdk_flavour: FlavourFactory, control: Control
) -> None:
    add_fault(control, code="Throttling.User")
    flavour = sdk_flavour()

    with pytest.raises(SdkError) as raised:
        flavour.reboot(["i-running-1"])

    error = raised.value
    assert (error.code, error.http_status, error.message) == (
        "Throttling.User", 400, "Request was denied due to user flow control.",
    )  # fmt: skip
    assert error.exception == THROTTLING_EXCEPTION[flavour.name]
    if error.exception == "ThrottlingException":
        assert error.__cause__ is not None
        assert getattr(error.__cause__, "retry_after", None) == 1000


def test_each_sdk_sends_one_request_per_call_under_a_fault(
    sdk_flavour: FlavourFactory, control: Control
) -> None:
    add_fault(control, code="Throttling.User")
    control.http.delete("/_mock/requests").raise_for_status()

    with pytest.raises(SdkError):
        sdk_flavour().reboot(["i-running-1"])

    (entry,) = control.http.get("/_mock/requests").json()["requests"]
    assert (entry["action"], entry["code"], entry["http_status"]) == (
        "RebootInstances",
        "Throttling.User",
        400,
    )
