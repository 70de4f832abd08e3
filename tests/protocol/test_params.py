"""Typed API parameters and their errors (spec §1)."""

from __future__ import annotations

import pytest

from mock_ecs.protocol import params
from mock_ecs.protocol.errors import ApiError


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("True", True), ("FALSE", False), ("false", False)]
)
def test_booleans_are_case_insensitive(value: str, expected: bool) -> None:
    assert params.boolean({"DryRun": value}, "DryRun") is expected


def test_an_absent_boolean_takes_its_default() -> None:
    assert params.boolean({}, "DryRun", default=True) is True


@pytest.mark.parametrize("value", ["", "yes", "1", "tru"])
def test_anything_else_is_not_a_boolean(value: str) -> None:
    with pytest.raises(ApiError) as raised:
        params.boolean({"DryRun": value}, "DryRun")
    error = raised.value
    assert (error.http_status, error.code, error.message) == (
        400,
        "InvalidParameter",
        'The specified parameter "DryRun" is not valid.',
    )


def test_a_list_is_ordered_by_its_number() -> None:
    numbered = {f"InstanceId.{n}": f"i-{n}" for n in (10, 2, 1, 9)}
    assert params.repeated(numbered, "InstanceId") == ["i-1", "i-2", "i-9", "i-10"]


def test_a_list_ignores_names_that_only_look_alike() -> None:
    given = {
        "InstanceId.1": "a",
        "InstanceId.x": "b",
        "InstanceIds": "c",
        "XInstanceId.2": "d",
        "InstanceId.": "e",
    }
    assert params.repeated(given, "InstanceId") == ["a"]


def test_a_missing_required_parameter_is_named() -> None:
    with pytest.raises(ApiError) as raised:
        params.required({"RegionId": ""}, "RegionId")
    assert (raised.value.code, raised.value.message) == (
        "MissingRegionId",
        "RegionId is mandatory for this action.",
    )


def test_a_choice_outside_its_values_is_invalid() -> None:
    assert (
        params.choice({}, "BatchOptimization", ("AllTogether", "SuccessFirst"), "AllTogether")
        == "AllTogether"
    )
    with pytest.raises(ApiError) as raised:
        params.choice(
            {"BatchOptimization": "allTogether"}, "BatchOptimization", ("AllTogether",), "AllTogether"
        )
    assert raised.value.message == 'The specified parameter "BatchOptimization" is not valid.'


@pytest.mark.parametrize(
    "key", ["InstanceId." + "9" * 5000, "InstanceId.\u0661", "InstanceId.1x", "InstanceId."]
)
def test_keys_that_are_not_a_list_index_are_ignored(key: str) -> None:
    assert params.repeated({key: "i-ignored", "InstanceId.2": "i-kept"}, "InstanceId") == ["i-kept"]
