"""Believable instance attributes: sizes of instance types, operating systems of images, and
network resource ids in the real service's style.

Everything here is a pure function of its inputs, so an instance's defaults are chosen once,
when it is created, and stored; nothing is drawn again when it is described.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass

from mock_ecs.ecs import ids

# vCPUs and memory (MiB) of common instance types, as the service lists them.
_TYPES: dict[str, tuple[int, int]] = {
    "ecs.t5-lc1m1.small": (1, 1024),
    "ecs.t5-lc1m2.small": (1, 2048),
    "ecs.t6-c1m1.large": (2, 2048),
    "ecs.t6-c2m1.large": (2, 1024),
    "ecs.t6-c1m2.large": (2, 4096),
    "ecs.s6-c1m2.large": (2, 4096),
    "ecs.e-c1m2.large": (2, 4096),
    "ecs.u1-c1m2.large": (2, 4096),
    "ecs.n4.small": (1, 2048),
    "ecs.sn1ne.large": (2, 4096),
    "ecs.sn2ne.large": (2, 8192),
}
# Memory per vCPU (GiB) of the families not in the table above, by the family's letter.
_GIB_PER_VCPU = {"c": 2, "g": 4, "r": 8, "hf": 2, "hfc": 2, "hfg": 4, "hfr": 8, "re": 16}
_SIZE = re.compile(r"\.(\d*)(small|medium|large|xlarge)$")
_SIZE_VCPUS = {"small": 1, "medium": 1, "large": 2, "xlarge": 4}


def instance_type_family(instance_type: str) -> str:
    """``ecs.g7.large`` → ``ecs.g7``."""
    return instance_type.rpartition(".")[0] or instance_type


def instance_type_size(instance_type: str) -> tuple[int, int]:
    """(vCPUs, memory in MiB) of an instance type; sizes of unknown types follow the naming
    convention (``<n>xlarge`` has 4n vCPUs; g families 4 GiB per vCPU, c 2, r 8)."""
    if instance_type in _TYPES:
        return _TYPES[instance_type]
    match = _SIZE.search(instance_type)
    cpu = 2
    if match is not None:
        cpu = _SIZE_VCPUS[match.group(2)] * (int(match.group(1)) if match.group(1) else 1)
    family_letters = re.match(r"ecs\.([a-z]+)", instance_type)
    letters = family_letters.group(1) if family_letters else "g"
    gib = _GIB_PER_VCPU.get(letters, _GIB_PER_VCPU.get(letters[0], 4))
    return cpu, cpu * gib * 1024


@dataclass(frozen=True)
class OperatingSystem:
    name: str  # as OSName shows it (the Chinese console name, double space and all)
    name_en: str
    type: str  # linux | windows


# Public image ids start with the distribution; the service's names keep its double spaces.
_IMAGES: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (re.compile(r"^aliyun_3_"), "Alibaba Cloud Linux  3.2104 LTS 64位",
     "Alibaba Cloud Linux  3.2104 LTS 64 bit", "linux"),
    (re.compile(r"^aliyun_2_"), "Alibaba Cloud Linux  2.1903 LTS 64位",
     "Alibaba Cloud Linux  2.1903 LTS 64 bit", "linux"),
    (re.compile(r"^ubuntu_(\d+)_(\d+)_"), "Ubuntu  {0}.{1} 64位", "Ubuntu  {0}.{1} 64 bit", "linux"),
    (re.compile(r"^centos_(\d+)_(\d+)_"), "CentOS  {0}.{1} 64位", "CentOS  {0}.{1} 64 bit", "linux"),
    (re.compile(r"^debian_(\d+)_(\d+)_"), "Debian  {0}.{1} 64位", "Debian  {0}.{1} 64 bit", "linux"),
    (re.compile(r"^rockylinux_(\d+)_(\d+)_"), "Rocky Linux  {0}.{1} 64位",
     "Rocky Linux  {0}.{1} 64 bit", "linux"),
    (re.compile(r"^win(\d{4})"), "Windows Server  {0} 数据中心版 64位中文版",
     "Windows Server  {0} Data Center Edition 64bit Chinese Edition", "windows"),
)  # fmt: skip
_CUSTOM_IMAGE = OperatingSystem("Linux  64位", "Linux  64 bit", "linux")


def operating_system(image_id: str) -> OperatingSystem:
    for pattern, name, name_en, os_type in _IMAGES:
        match = pattern.match(image_id)
        if match is not None:
            return OperatingSystem(name.format(*match.groups()), name_en.format(*match.groups()), os_type)
    return _CUSTOM_IMAGE


# -- network resources ---------------------------------------------------------------------

_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_PRIVATE_NETWORK = ipaddress.IPv4Network("172.16.0.0/12")
_PUBLIC_NETWORK = ipaddress.IPv4Network("47.96.0.0/12")  # an Alibaba Cloud public range
_HOSTS_PER_BLOCK = 250  # .2 to .251 of each /24: no network, gateway or broadcast address


def resource_id(kind: str, region_id: str, *parts: str) -> str:
    """A stable id such as ``vpc-bp1…`` for a resource named by ``parts`` (account, zone…):
    the region's prefix, then ``1`` and 20 characters, as the service writes VPC, vSwitch,
    security group and network interface ids."""
    prefix = ids.region_prefix(region_id)
    digest = hashlib.sha256("/".join((kind, region_id, *parts)).encode()).digest()
    body = "".join(_ID_ALPHABET[byte % len(_ID_ALPHABET)] for byte in digest[:20])
    return f"{kind}-{prefix}1{body}"


def vpc_id(account_id: str, region_id: str) -> str:
    """Each account's default VPC in a region."""
    return resource_id("vpc", region_id, account_id)


def vswitch_id(account_id: str, region_id: str, zone_id: str) -> str:
    """Each account's default vSwitch in a zone."""
    return resource_id("vsw", region_id, account_id, zone_id)


def security_group_id(account_id: str, region_id: str) -> str:
    """Each account's default security group in a region."""
    return resource_id("sg", region_id, account_id)


def network_interface_id(instance_id: str, region_id: str) -> str:
    return resource_id("eni", region_id, instance_id)


def mac_address(instance_id: str) -> str:
    """Alibaba Cloud's OUI ``00:16:3e``, then three bytes of the instance id's hash."""
    digest = hashlib.sha256(instance_id.encode()).digest()
    return "00:16:3e:" + ":".join(f"{byte:02x}" for byte in digest[:3])


def private_ip(seq: int) -> str:
    """A private address in 172.16.0.0/12, distinct for each creation number."""
    return _nth_host(_PRIVATE_NETWORK, seq)


def public_ip(seq: int) -> str:
    return _nth_host(_PUBLIC_NETWORK, seq)


def _nth_host(network: ipaddress.IPv4Network, seq: int) -> str:
    block, host = divmod(seq, _HOSTS_PER_BLOCK)
    offset = block * 256 + host + 2
    if offset >= network.num_addresses:
        raise ValueError(f"no address left in {network} for instance number {seq}")
    return str(network.network_address + offset)
