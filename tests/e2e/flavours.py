"""The three ways an official Python SDK signs a call, behind one small interface.

Each flavour returns the SDK's parsed result, or raises :class:`SdkError` carrying what the
SDK's own exception said (its class, code, HTTP status, message and request id), so a test
asserts the SDK's view and not a hand-built request's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from alibabacloud_tea_openapi import exceptions as tea_exceptions
from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from aliyunsdkcore.acs_exception.exceptions import ClientException, ServerException
from aliyunsdkcore.utils import parameter_helper

from tests.support import sdk


@dataclass(frozen=True)
class SdkError(Exception):
    exception: str  # the SDK's exception class
    code: str
    http_status: int | None
    message: str
    request_id: str | None

    @classmethod
    def of_classic(cls, error: ServerException) -> SdkError:
        return cls(
            "ServerException",
            error.get_error_code(),
            error.get_http_status(),
            error.get_error_msg(),
            error.get_request_id(),
        )

    @classmethod
    def of_tea(cls, error: tea_exceptions.AlibabaCloudException) -> SdkError:
        data = error.data or {}
        return cls(
            type(error).__name__, error.code, error.status_code, data.get("Message", ""), error.request_id
        )


class Flavour:
    name: str
    signature: str  # "V1" or "V3"

    def reboot(self, ids: list[str], **options: Any) -> dict[str, Any]:
        raise NotImplementedError

    @contextmanager
    def signing_with(self, *, timestamp: str | None = None, nonce: str | None = None) -> Iterator[None]:
        """Make the SDK itself sign with this timestamp and/or nonce."""
        raise NotImplementedError
        yield

    def close(self) -> None:
        """Release the SDK's connections."""


class ClassicV1(Flavour):
    """aliyun-python-sdk-core + aliyun-python-sdk-ecs: V1, parameters in the query."""

    name, signature = "classic", "V1"

    def __init__(self, port: int, key: str, secret: str) -> None:
        self.sdk = sdk.Classic(port, key, secret)

    def reboot(self, ids: list[str], **options: Any) -> dict[str, Any]:
        names = {"dry_run": "DryRun", "force": "ForceReboot", "mode": "BatchOptimization"}
        request_options = {names[name]: value for name, value in options.items()}
        try:
            result: dict[str, Any] = json.loads(self.sdk.reboot(ids, **request_options))
        except ServerException as error:
            raise SdkError.of_classic(error) from error
        except ClientException as error:  # raised without an answer: a test failure, not an API error
            raise AssertionError(f"client-side failure: {error}") from error
        return result

    def close(self) -> None:
        # The classic client keeps a keep-alive pool that only its finaliser closes.
        self.sdk.client.session.close()

    @contextmanager
    def signing_with(self, *, timestamp: str | None = None, nonce: str | None = None) -> Iterator[None]:
        with pytest.MonkeyPatch.context() as patch:
            if timestamp is not None:
                patch.setattr(parameter_helper, "get_iso_8061_date", lambda: timestamp)
            if nonce is not None:
                patch.setattr(parameter_helper, "get_uuid", lambda: nonce)
            yield


class Tea(Flavour):
    """alibabacloud-ecs20140526: V3 by default, V1 with ``signature_algorithm='v2'``."""

    def __init__(self, port: int, key: str, secret: str, *, v2: bool) -> None:
        self.name, self.signature = ("tea-v2", "V1") if v2 else ("tea", "V3")
        self.client = sdk.tea(port, v2=v2, key=key, secret=secret)

    def reboot(self, ids: list[str], **options: Any) -> dict[str, Any]:
        names = {"dry_run": "dry_run", "force": "force_reboot", "mode": "batch_optimization"}
        try:
            response = sdk.tea_reboot(self.client, ids, **{names[n]: v for n, v in options.items()})
        except tea_exceptions.AlibabaCloudException as error:
            raise SdkError.of_tea(error) from error
        assert response.status_code == 200
        result: dict[str, Any] = response.body.to_map()
        return result

    @contextmanager
    def signing_with(self, *, timestamp: str | None = None, nonce: str | None = None) -> Iterator[None]:
        with pytest.MonkeyPatch.context() as patch:
            if timestamp is not None:
                patch.setattr(TeaUtils, "get_timestamp", staticmethod(lambda: timestamp))
            if nonce is not None:
                patch.setattr(TeaUtils, "get_nonce", staticmethod(lambda: nonce))
            yield


FlavourFactory = Callable[..., Flavour]


def refusal(call: Callable[[], object]) -> tuple[str, int | None, str]:
    """The (code, HTTP status, message) of the error the SDK raised for ``call``."""
    with pytest.raises(SdkError) as raised:
        call()
    return raised.value.code, raised.value.http_status, raised.value.message


FLAVOURS: dict[str, FlavourFactory] = {
    "classic": lambda port, key="testAKID", secret="testSecret": ClassicV1(port, key, secret),
    "tea": lambda port, key="testAKID", secret="testSecret": Tea(port, key, secret, v2=False),
    "tea-v2": lambda port, key="testAKID", secret="testSecret": Tea(port, key, secret, v2=True),
}
