"""Clients of the official Python SDKs, pointed at a mock-ecs server.

Imported lazily: neither SDK is a dependency of mock-ecs, and a missing one is named.
"""

from __future__ import annotations

from typing import Any

from mock_ecs.testing.errors import SdkNotInstalled


def classic_client(hostname: str, port: int, key: str, secret: str, region_id: str, **options: Any) -> Any:
    try:
        from aliyunsdkcore.client import AcsClient
    except ImportError:
        raise SdkNotInstalled("classic_client()", "aliyun-python-sdk-core") from None
    client = AcsClient(key, secret, region_id, port=port, **options)
    # The client's own endpoint table wins over the ECS package's built-in one, so a request
    # needs no set_endpoint(); requests go over http unless they ask for https.
    client.add_endpoint(region_id, "Ecs", hostname)
    return client


def tea_client(host: str, protocol: str, key: str, secret: str, region_id: str, **config: Any) -> Any:
    try:
        from alibabacloud_ecs20140526.client import Client
    except ImportError:
        raise SdkNotInstalled("tea_client()", "alibabacloud-ecs20140526") from None
    try:
        from alibabacloud_tea_openapi.utils_models import Config
    except ImportError:  # alibabacloud-tea-openapi before 0.4
        from alibabacloud_tea_openapi.models import Config
    settings = {"access_key_id": key, "access_key_secret": secret, "region_id": region_id, **config}
    return Client(Config(endpoint=host, protocol=protocol, **settings))
