"""The rows of one instance spec: what it gives, and believable defaults for the rest."""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from typing import Any

from mock_ecs.ecs import attributes, ids
from mock_ecs.ecs.lifecycle import Status
from mock_ecs.store.fixture_format import InstanceSpec, epoch_seconds


def instance_row(
    spec: InstanceSpec, instance_id: str, seq: int, zone: str, now: float, rng: random.Random
) -> dict[str, Any]:
    """The ``instances`` row of a spec: what it gives, and believable defaults for the rest.

    Also what the benchmark uses to bulk-insert instances.
    """
    cpu, memory = attributes.instance_type_size(spec.instance_type)
    system = attributes.operating_system(spec.image_id)
    created_at = now if spec.created_at is None else epoch_seconds(spec.created_at)
    expired_at = None
    if spec.instance_charge_type == "PrePaid":
        expired_at = (
            created_at + _PREPAID_TERM if spec.expired_time is None else epoch_seconds(spec.expired_time)
        )
    public_ip = spec.public_ip
    if public_ip is None and spec.internet_max_bandwidth_out > 0:
        public_ip = attributes.public_ip(seq)
    return {
        "id": instance_id,
        "seq": seq,
        "account_id": spec.account,
        "region_id": spec.region,
        "zone_id": zone,
        "name": spec.name or instance_id,
        "hostname": spec.hostname or ids.host_name(instance_id),
        "instance_type": spec.instance_type,
        "image_id": spec.image_id,
        "created_at": created_at,
        "description": spec.description,
        "cpu": spec.cpu or cpu,
        "memory": spec.memory or memory,
        "os_name": spec.os_name or system.name,
        "os_name_en": spec.os_name_en or system.name_en,
        "os_type": spec.os_type or system.type,
        "instance_charge_type": spec.instance_charge_type,
        "internet_charge_type": spec.internet_charge_type,
        "internet_max_bandwidth_out": spec.internet_max_bandwidth_out,
        "vpc_id": spec.vpc_id or attributes.vpc_id(spec.account, spec.region),
        "vswitch_id": spec.vswitch_id or attributes.vswitch_id(spec.account, spec.region, zone),
        "private_ip": spec.private_ip or attributes.private_ip(seq),
        "public_ip": public_ip,
        "network_interface_id": attributes.network_interface_id(instance_id, spec.region),
        "mac_address": attributes.mac_address(instance_id),
        "key_pair_name": spec.key_pair_name,
        "resource_group_id": spec.resource_group_id,
        "serial_number": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "deletion_protection": spec.deletion_protection,
        "expired_at": expired_at,
        "started_at": created_at if spec.status is Status.RUNNING else None,
        "status": spec.status.value,
        "stopping_seconds": spec.stopping_seconds,
        "starting_seconds": spec.starting_seconds,
    }


def security_group_rows(spec: InstanceSpec, row: Mapping[str, Any]) -> list[dict[str, Any]]:
    groups = spec.security_group_ids or [attributes.security_group_id(spec.account, spec.region)]
    return [
        {"instance_id": row["id"], "security_group_id": group, "position": position}
        for position, group in enumerate(dict.fromkeys(groups))
    ]


def tag_rows(spec: InstanceSpec, instance_id: str) -> list[dict[str, Any]]:
    return [{"instance_id": instance_id, "key": key, "value": value} for key, value in spec.tags.items()]


def clock_columns(spec: InstanceSpec, row: Mapping[str, Any]) -> tuple[str, ...]:
    """The columns of :func:`instance_row` that count from the mock time of the load."""
    if spec.created_at is not None:
        return ()
    columns = ["created_at"]
    if row["started_at"] is not None:
        columns.append("started_at")
    if spec.instance_charge_type == "PrePaid" and spec.expired_time is None:
        columns.append("expired_at")
    return tuple(columns)


_PREPAID_TERM = 30 * 24 * 3600  # a month: the shortest subscription the console offers
