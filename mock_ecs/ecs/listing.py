"""What DescribeInstances and DescribeInstanceStatus ask of the store: a filter, a page, and
the instances it finds with every attribute they show.

Filters combine with AND (the API's rule). Status is among them, though it is derived from
the schedule and the clock: the store filters on it in SQL, so that paging and TotalCount
stay right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

from mock_ecs.ecs.instances import InstanceState
from mock_ecs.ecs.lifecycle import LockReason, Status


@dataclass(frozen=True)
class InstanceFilter:
    account_id: str
    region_id: str
    instance_ids: tuple[str, ...] | None = None  # None: any; () matches nothing (documented)
    zone_id: str | None = None
    status: Status | None = None
    name_pattern: str | None = None  # ``*`` matches any run of characters
    lock_reason: LockReason | None = None
    instance_type: str | None = None
    instance_type_family: str | None = None
    image_id: str | None = None
    vpc_id: str | None = None
    vswitch_id: str | None = None
    security_group_id: str | None = None
    private_ips: tuple[str, ...] | None = None
    public_ips: tuple[str, ...] | None = None
    instance_charge_type: str | None = None
    internet_charge_type: str | None = None
    key_pair_name: str | None = None
    resource_group_id: str | None = None
    io_optimized: bool | None = None
    matches_nothing: bool = False  # a filter no instance here can meet (classic network, EIPs)
    tags: tuple[tuple[str, str | None], ...] = ()  # (key, value or None for any value)


@dataclass(frozen=True)
class Paging:
    """Either a page by number (``after_seq`` None) or the page after a creation number
    (keyset: NextToken), ``size`` instances at most."""

    size: int
    number: int = 1
    after_seq: int | None = None
    count_total: bool = True


class InstanceRecord(NamedTuple):
    """An instance with everything DescribeInstances shows of it.

    A named tuple rather than a frozen dataclass: as immutable, and built several times
    faster, which a page of 100 instances of 35 fields feels."""

    state: InstanceState
    seq: int
    zone_id: str
    name: str
    hostname: str
    description: str
    instance_type: str
    image_id: str
    cpu: int
    memory: int
    os_name: str
    os_name_en: str
    os_type: str
    instance_charge_type: str
    internet_charge_type: str
    internet_max_bandwidth_out: int
    internet_max_bandwidth_in: int
    vpc_id: str
    vswitch_id: str
    private_ip: str
    public_ip: str | None
    network_interface_id: str
    mac_address: str
    key_pair_name: str
    resource_group_id: str
    serial_number: str
    deletion_protection: bool
    io_optimized: bool
    created_at: float
    expired_at: float | None
    started_at: float | None
    stopped_mode: str | None
    security_group_ids: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class InstanceStatusRecord:
    """What DescribeInstanceStatus shows of an instance: its status now."""

    id: str
    status: Status


Record = TypeVar("Record", InstanceRecord, InstanceStatusRecord)


@dataclass(frozen=True)
class Page(Generic[Record]):
    instances: list[Record]
    total: int  # every match, on all pages
    more: bool  # instances follow this page
    last_seq: int | None = field(default=None)  # creation number of the page's last instance
