"""RebootInstances through each official Python SDK, against the pytest plugin's server on 127.0.0.1.

Every test runs three times: classic SDK (V1), Tea SDK (V3), Tea SDK with signature v2 (V1).
"""

from __future__ import annotations

import time
import uuid

import pytest

from mock_ecs.testing import MockEcs
from tests.e2e.flavours import FlavourFactory, SdkError, refusal

SECURITY_MESSAGE = "The specified operation is denied as your instance is locked for security reasons."
NOT_FOUND_MESSAGE = "The specified InstanceId does not exist."
STATUS_MESSAGE = "The current status of the resource does not support this operation."
DRYRUN_MESSAGE = "This request is a dryrun request with successful result."


def responses(result: dict[str, object]) -> list[dict[str, str]]:
    wrapper = result["InstanceResponses"]
    assert isinstance(wrapper, dict)
    entries: list[dict[str, str]] = wrapper["InstanceResponse"]
    return entries


def test_all_together_reboots_every_instance(sdk_flavour: FlavourFactory, mock_ecs: MockEcs) -> None:
    result = sdk_flavour().reboot(["i-running-1", "i-running-2"])

    assert [
        (r["InstanceId"], r["Code"], r["Message"], r["PreviousStatus"], r["CurrentStatus"])
        for r in responses(result)
    ] == [
        ("i-running-1", "200", "success", "Running", "Stopping"),
        ("i-running-2", "200", "success", "Running", "Stopping"),
    ]
    assert len(str(result["RequestId"])) == 36
    assert mock_ecs.status("i-running-1") == mock_ecs.status("i-running-2") == "Stopping"


def test_success_first_reports_each_instance_on_its_own(
    sdk_flavour: FlavourFactory, mock_ecs: MockEcs
) -> None:
    result = sdk_flavour().reboot(
        ["i-running-1", "i-missing-1", "i-security-1", "i-stopped-1"], mode="SuccessFirst"
    )

    assert [
        (r["InstanceId"], r["Code"], r["Message"], r["PreviousStatus"], r["CurrentStatus"])
        for r in responses(result)
    ] == [
        ("i-running-1", "200", "success", "Running", "Stopping"),
        ("i-missing-1", "InvalidInstanceId.NotFound", NOT_FOUND_MESSAGE, "", ""),
        ("i-security-1", "InstanceLockedForSecurity", SECURITY_MESSAGE, "Running", "Running"),
        ("i-stopped-1", "IncorrectInstanceStatus", STATUS_MESSAGE, "Stopped", "Stopped"),
    ]
    assert mock_ecs.status("i-running-1") == "Stopping"
    assert mock_ecs.status("i-stopped-1") == "Stopped"


def test_all_together_fails_whole_on_first_failing_instance(
    sdk_flavour: FlavourFactory, mock_ecs: MockEcs
) -> None:
    assert refusal(lambda: sdk_flavour().reboot(["i-running-1", "i-stopped-1", "i-security-1"])) == (
        "IncorrectInstanceStatus",
        403,
        STATUS_MESSAGE,
    )
    assert mock_ecs.status("i-running-1") == "Running"


def test_dry_run_all_together_passing_answers_dryrun_success(
    sdk_flavour: FlavourFactory, mock_ecs: MockEcs
) -> None:
    with pytest.raises(SdkError) as raised:
        sdk_flavour().reboot(["i-running-1", "i-running-2"], dry_run=True)

    assert (raised.value.code, raised.value.http_status, raised.value.message) == (
        "DRYRUN.SUCCESS",
        400,
        DRYRUN_MESSAGE,
    )
    # A 4xx answer: each SDK raises its client-side error class (the Tea SDK's ClientException).
    assert raised.value.exception in {"ServerException", "ClientException"}
    assert mock_ecs.status("i-running-1") == "Running"


def test_dry_run_all_together_failing_answers_the_check_error(
    sdk_flavour: FlavourFactory, mock_ecs: MockEcs
) -> None:
    assert refusal(lambda: sdk_flavour().reboot(["i-running-1", "i-security-1"], dry_run=True)) == (
        "InstanceLockedForSecurity",
        403,
        SECURITY_MESSAGE,
    )


def test_dry_run_success_first_passes_whatever_the_instances(
    sdk_flavour: FlavourFactory, mock_ecs: MockEcs
) -> None:
    assert refusal(
        lambda: sdk_flavour().reboot(
            ["i-running-1", "i-missing-1", "i-stopped-1"], dry_run=True, mode="SuccessFirst"
        )
    ) == (
        "DRYRUN.SUCCESS",
        400,
        DRYRUN_MESSAGE,
    )
    assert mock_ecs.status("i-running-1") == "Running"


def test_dry_run_success_first_still_applies_request_checks(
    sdk_flavour: FlavourFactory, mock_ecs: MockEcs
) -> None:
    ids = [f"i-many-{n}" for n in range(101)]
    assert refusal(lambda: sdk_flavour().reboot(ids, dry_run=True, mode="SuccessFirst")) == (
        "InvalidParameter.TooManyInstanceIds",
        403,
        "Instance ids cannot be more than 100.",
    )


def test_force_reboot_shortens_the_stopping_phase(sdk_flavour: FlavourFactory, mock_ecs: MockEcs) -> None:
    mock_ecs.freeze_clock()
    sdk_flavour().reboot(["i-running-1"], force=True)
    sdk_flavour().reboot(["i-running-2"], force=False)

    forced, normal = mock_ecs.instance("i-running-1")["phase"], mock_ecs.instance("i-running-2")["phase"]
    assert forced["status"] == normal["status"] == "Stopping"
    assert forced["ends_at"] < normal["ends_at"]
    mock_ecs.advance_clock(1.5)  # past the forced stopping phase (1 s), inside the normal one (5 s)
    assert (mock_ecs.status("i-running-1"), mock_ecs.status("i-running-2")) == ("Starting", "Stopping")


def test_insufficient_balance_refuses_the_reboot(sdk_flavour: FlavourFactory, mock_ecs: MockEcs) -> None:
    assert refusal(lambda: sdk_flavour(key="debtAKID", secret="debtSecret").reboot(["i-debt-1"])) == (
        "InsufficientBalance",
        403,
        "Your account does not have enough balance.",
    )
    assert mock_ecs.status("i-debt-1") == "Running"


def test_security_lock_refuses_the_reboot(sdk_flavour: FlavourFactory, mock_ecs: MockEcs) -> None:
    assert refusal(lambda: sdk_flavour().reboot(["i-security-1"])) == (
        "InstanceLockedForSecurity",
        403,
        SECURITY_MESSAGE,
    )


def test_more_than_100_ids_are_refused(sdk_flavour: FlavourFactory, mock_ecs: MockEcs) -> None:
    assert refusal(lambda: sdk_flavour().reboot([f"i-many-{n}" for n in range(101)])) == (
        "InvalidParameter.TooManyInstanceIds",
        403,
        "Instance ids cannot be more than 100.",
    )


def test_wrong_secret_is_refused_with_the_string_to_sign(
    sdk_flavour: FlavourFactory, mock_ecs: MockEcs
) -> None:
    flavour = sdk_flavour(secret="not-the-secret")
    with pytest.raises(SdkError) as raised:
        flavour.reboot(["i-running-1"])

    error = raised.value
    assert error.http_status == 400
    if flavour.name == "classic":
        # The classic SDK recognises its own string to sign after the ':' and says so.
        assert error.code == "InvalidAccessKeySecret"
        assert (
            error.message
            == "The AccessKeySecret is incorrect. Please check your AccessKeyId and AccessKeySecret."
        )
    else:
        assert error.code == "SignatureDoesNotMatch"
        expected_start = "ACS3-HMAC-SHA256\n" if flavour.signature == "V3" else "POST&%2F&"
        prefix = "Specified signature is not matched with our calculation. server string to sign is:"
        assert error.message.startswith(prefix + expected_start)
    assert mock_ecs.status("i-running-1") == "Running"


def test_unknown_access_key_is_refused(sdk_flavour: FlavourFactory, mock_ecs: MockEcs) -> None:
    assert refusal(lambda: sdk_flavour(key="noSuchAKID").reboot(["i-running-1"])) == (
        "InvalidAccessKeyId.NotFound",
        404,
        "Specified access key is not found.",
    )


def test_expired_timestamp_is_refused(sdk_flavour: FlavourFactory, mock_ecs: MockEcs) -> None:
    flavour = sdk_flavour()
    twenty_minutes_ago = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 20 * 60))
    with flavour.signing_with(timestamp=twenty_minutes_ago):
        refused = refusal(lambda: flavour.reboot(["i-running-1"]))

    assert refused == (
        "InvalidTimeStamp.Expired",
        400,
        "Specified time stamp or date value is expired.",
    )


def test_replayed_nonce_is_refused(sdk_flavour: FlavourFactory, mock_ecs: MockEcs) -> None:
    flavour = sdk_flavour()
    with flavour.signing_with(nonce=uuid.uuid4().hex):
        flavour.reboot(["i-running-1"])
        assert refusal(lambda: flavour.reboot(["i-running-2"])) == (
            "SignatureNonceUsed",
            400,
            "Specified signature nonce was used already.",
        )
    assert mock_ecs.status("i-running-2") == "Running"


def test_errors_carry_the_request_id_of_the_answer(sdk_flavour: FlavourFactory, mock_ecs: MockEcs) -> None:
    with pytest.raises(SdkError) as raised:
        sdk_flavour().reboot(["i-missing-1"])

    assert (raised.value.code, raised.value.http_status) == ("InvalidInstanceId.NotFound", 404)
    assert raised.value.request_id is not None
    assert raised.value.request_id == raised.value.request_id.upper()
    assert len(raised.value.request_id) == 36
