"""Realistic resource ids: ``i-`` then the region's prefix, as the real service names them."""

from __future__ import annotations

import hashlib
import json
import random
import re
import string
from collections.abc import Mapping

# Prefixes the real service gives instance ids per region (i-bp… is Hangzhou, i-uf… Shanghai).
_REGION_PREFIXES = {
    "cn-hangzhou": "bp",
    "cn-shanghai": "uf",
    "cn-beijing": "2z",
    "cn-shenzhen": "wz",
    "cn-qingdao": "m5",
    "cn-zhangjiakou": "8v",
    "cn-huhehaote": "hp",
    "cn-chengdu": "2v",
    "cn-hongkong": "j6",
    "ap-southeast-1": "t4",
    "ap-southeast-2": "p0w",
    "ap-southeast-3": "8ps",
    "ap-southeast-5": "k1a",
    "ap-northeast-1": "6we",
    "ap-south-1": "a2d",
    "us-west-1": "rj9",
    "us-east-1": "0xi",
    "eu-central-1": "gw8",
    "eu-west-1": "d7o",
    "me-east-1": "eb3",
}
_ALPHABET = string.ascii_lowercase + string.digits
_ID_LENGTH = 20  # after "i-"


def region_prefix(region_id: str) -> str:
    """The region's prefix of resource ids; a stable two letters for regions not listed."""
    known = _REGION_PREFIXES.get(region_id)
    if known is not None:
        return known
    digest = hashlib.sha256(region_id.encode()).digest()
    return "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in digest[:2])


def instance_id(region_id: str, rng: random.Random) -> str:
    prefix = region_prefix(region_id)
    return "i-" + prefix + "".join(rng.choices(_ALPHABET, k=_ID_LENGTH - len(prefix)))


def host_name(instance_id: str) -> str:
    """The default host name of an instance: ``iZ<id without i->Z``."""
    return f"iZ{instance_id.removeprefix('i-')}Z"


_NUMBERED_INSTANCE_ID = re.compile(r"InstanceId\.\d+")


def request_instance_ids(params: Mapping[str, str]) -> frozenset[str]:
    """The instance ids a request names, whichever way: ``InstanceId``, ``InstanceId.N`` or the
    JSON array ``InstanceIds`` (what a fault rule's ``instance_id`` matches)."""
    named = {
        value
        for name, value in params.items()
        if name == "InstanceId" or _NUMBERED_INSTANCE_ID.fullmatch(name)
    }
    try:
        listed = json.loads(params.get("InstanceIds", "[]"))
    except ValueError:
        listed = []
    if isinstance(listed, list):
        named.update(entry for entry in listed if isinstance(entry, str))
    return frozenset(named)
