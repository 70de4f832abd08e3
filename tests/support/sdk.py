"""The official Python SDKs, configured for a mock-ecs endpoint.

``classic``: aliyun-python-sdk-core + aliyun-python-sdk-ecs (V1, HMAC-SHA1).
``tea``: alibabacloud-ecs20140526 (V3 by default; V1 with ``signature_algorithm='v2'``).
"""

from __future__ import annotations

from typing import Any

from alibabacloud_ecs20140526 import models as tea_models
from alibabacloud_ecs20140526.client import Client as TeaClient
from alibabacloud_tea_openapi.utils_models import Config
from aliyunsdkcore.client import AcsClient
from aliyunsdkecs.request.v20140526.RebootInstancesRequest import RebootInstancesRequest

REGION = "cn-hangzhou"


class Classic:
    """aliyun-python-sdk-core, pointed at 127.0.0.1:port over http."""

    def __init__(self, port: int, key: str = "testAKID", secret: str = "testSecret") -> None:
        self.client = AcsClient(key, secret, REGION, port=port, auto_retry=False)

    def reboot_request(self, ids: list[str], **options: Any) -> RebootInstancesRequest:
        request = RebootInstancesRequest()
        request.set_endpoint("127.0.0.1")
        request.set_protocol_type("http")
        request.set_InstanceIds(ids)
        for name, value in options.items():
            getattr(request, f"set_{name}")(value)
        return request

    def reboot(self, ids: list[str], **options: Any) -> bytes:
        result: bytes = self.client.do_action_with_exception(self.reboot_request(ids, **options))
        return result


def tea(port: int, *, v2: bool = False, key: str = "testAKID", secret: str = "testSecret") -> TeaClient:
    config = Config(
        access_key_id=key,
        access_key_secret=secret,
        endpoint=f"127.0.0.1:{port}",
        protocol="http",
        region_id=REGION,
    )
    if v2:
        config.signature_algorithm = "v2"
    return TeaClient(config)


def tea_reboot(client: TeaClient, ids: list[str], **options: Any) -> Any:
    return client.reboot_instances(
        tea_models.RebootInstancesRequest(region_id=REGION, instance_id=ids, **options)
    )
