"""DescribeRegions: every region, named in the caller's language (spec §6).

No RegionId is needed. ``InstanceChargeType`` and ``ResourceType`` are validated against
their documented values but filter nothing: every region of the mock sells everything, and
every region's ``Status`` is ``available`` (the documented alternative is ``soldOut``).
"""

from __future__ import annotations

from mock_ecs.ecs.instances import EcsStore, RegionInfo
from mock_ecs.protocol import errors, params
from mock_ecs.protocol.render import Body, Items
from mock_ecs.protocol.request import ApiCall

# The documented values (the SDK's DescribeRegionsRequest): zh-CN, zh-TW, en-US, ja, fr, de, ko.
LANGUAGES = ("zh-CN", "zh-TW", "en-US", "ja", "fr", "de", "ko")
DEFAULT_LANGUAGE = "zh-CN"
# A name missing in the language asked for: English, then Chinese, then the region id, which
# is what the documented example shows for a region without a name (cn-qingdao-nebula).
_FALLBACK_LANGUAGES = ("en-US", "zh-CN")
_CHARGE_TYPES = ("PrePaid", "PostPaid", "SpotWithPriceLimit", "SpotAsPriceGo")
# Compared without case: the documentation's own sample request sends ResourceType=Instance.
_RESOURCE_TYPES = ("instance", "disk", "reservedinstance", "scu")
# The regions that the service's central endpoint answers for: those the SDKs' endpoint
# tables send to it (aliyunsdkcore's data/endpoints.json maps exactly these to the central
# ecs-cn-hangzhou.aliyuncs.com), which DescribeRegions reports as ecs.aliyuncs.com.
_CENTRAL_ENDPOINT = "ecs.aliyuncs.com"
_CENTRAL_REGIONS = frozenset(
    {
        "cn-qingdao",
        "cn-beijing",
        "cn-hangzhou",
        "cn-shanghai",
        "cn-shenzhen",
        "cn-hongkong",
        "ap-southeast-1",
        "us-east-1",
        "us-west-1",
    }
)


def describe_regions(call: ApiCall, store: EcsStore) -> Body:
    language = params.choice(call.params, "AcceptLanguage", LANGUAGES, DEFAULT_LANGUAGE)
    params.choice(call.params, "InstanceChargeType", _CHARGE_TYPES, "PostPaid")
    if call.params.get("ResourceType", "instance").lower() not in _RESOURCE_TYPES:
        raise errors.INVALID_PARAMETER(name="ResourceType")
    return {"Regions": Items("Region", [_region(region, language) for region in store.regions()])}


def endpoint(region_id: str) -> str:
    return _CENTRAL_ENDPOINT if region_id in _CENTRAL_REGIONS else f"ecs.{region_id}.aliyuncs.com"


def local_name(region: RegionInfo, language: str) -> str:
    for candidate in (language, *_FALLBACK_LANGUAGES):
        name = region.local_names.get(candidate)
        if name:
            return name
    return region.id


def _region(region: RegionInfo, language: str) -> Body:
    # Key order of the documented example; Status, documented since, comes last.
    return {
        "RegionId": region.id,
        "RegionEndpoint": endpoint(region.id),
        "LocalName": local_name(region, language),
        "Status": "available",
    }
