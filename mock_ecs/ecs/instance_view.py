"""An instance as DescribeInstances shows it, in the documented example's key order.

Fields the mock does not model (dedicated hosts, spot pricing, GPUs, capacity reservations)
carry the values the service shows for an instance without them.
"""

from __future__ import annotations

import functools
import time

from mock_ecs.ecs.attributes import instance_type_family
from mock_ecs.ecs.lifecycle import Status
from mock_ecs.ecs.listing import InstanceRecord
from mock_ecs.ecs.stop_instances import DEFAULT_STOPPED_MODE
from mock_ecs.protocol.render import Body, Items, Value

# What the service shows as the expiry of a pay-as-you-go instance (one minute before 2100
# in UTC+8, written in UTC).
POSTPAID_EXPIRED_TIME = "2099-12-31T15:59Z"
NOT_APPLICABLE = "Not-applicable"


def minutes(moment: float) -> str:
    """The API's times: UTC to the minute, ``2024-04-14T22:32Z``."""
    return _minute(int(moment // 60))


@functools.lru_cache(maxsize=4096)  # instances made together share their minutes
def _minute(minute: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(minute * 60))


def start_time(record: InstanceRecord, now: float) -> str:
    """When the instance last became Running: the end of an operation that brought it up,
    once over, else the stored moment."""
    schedule = record.state.schedule
    since = schedule.running_since(now) if schedule is not None else None
    if since is None:
        since = record.started_at
    return "" if since is None else minutes(since)


def stopped_mode(record: InstanceRecord, status: Status) -> str:
    if status is not Status.STOPPED:
        return NOT_APPLICABLE
    return record.stopped_mode or DEFAULT_STOPPED_MODE


def expired_time(record: InstanceRecord) -> str:
    if record.instance_charge_type == "PostPaid" or record.expired_at is None:
        return POSTPAID_EXPIRED_TIME
    return minutes(record.expired_at)


def instance_body(record: InstanceRecord, now: float) -> Body:
    state = record.state
    status = state.status_at(now)
    body: dict[str, Value] = {
        "ResourceGroupId": record.resource_group_id,
        "Memory": record.memory,
        "InstanceChargeType": record.instance_charge_type,
        "Cpu": record.cpu,
        "OSName": record.os_name,
        "InstanceNetworkType": "vpc",
        "InnerIpAddress": Items("IpAddress", []),  # classic network only
        "ExpiredTime": expired_time(record),
        "ImageId": record.image_id,
        "EipAddress": {"AllocationId": "", "IpAddress": "", "InternetChargeType": ""},
        "HostName": record.hostname,
    }
    if record.tags:  # the service leaves Tags out of an untagged instance
        body["Tags"] = Items("Tag", [{"TagKey": key, "TagValue": value} for key, value in record.tags])
    body.update(
        {
            "VlanId": "",
            "Status": status.value,
            "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "enabled"},
            "InstanceId": state.id,
            "StoppedMode": stopped_mode(record, status),
            "CpuOptions": {"ThreadsPerCore": 2, "Numa": "", "CoreCount": max(1, record.cpu // 2)},
            "StartTime": start_time(record, now),
            "DeletionProtection": record.deletion_protection,
            "SecurityGroupIds": Items("SecurityGroupId", list(record.security_group_ids)),
            "VpcAttributes": {
                "PrivateIpAddress": Items("IpAddress", [record.private_ip]),
                "VpcId": record.vpc_id,
                "VSwitchId": record.vswitch_id,
                "NatIpAddress": "",
            },
            "InternetChargeType": record.internet_charge_type,
            "InstanceName": record.name,
            "DeploymentSetId": "",
            "InternetMaxBandwidthOut": record.internet_max_bandwidth_out,
            "SerialNumber": record.serial_number,
            "OSType": record.os_type,
            "CreationTime": minutes(record.created_at),
            "AutoReleaseTime": "",
            "Description": record.description,
            "InstanceTypeFamily": instance_type_family(record.instance_type),
            "DedicatedInstanceAttribute": {"Tenancy": "", "Affinity": ""},
            "PublicIpAddress": Items("IpAddress", [record.public_ip] if record.public_ip else []),
            "GPUSpec": "",
            "NetworkInterfaces": Items("NetworkInterface", [_primary_interface(record)]),
            "SpotPriceLimit": 0,
            "DeviceAvailable": True,
            "SaleCycle": "",
            "InstanceType": record.instance_type,
            "OSNameEn": record.os_name_en,
            "SpotStrategy": "NoSpot",
            "KeyPairName": record.key_pair_name,
            "IoOptimized": record.io_optimized,
            "ZoneId": record.zone_id,
            "ClusterId": "",
            "EcsCapacityReservationAttr": {"CapacityReservationPreference": "", "CapacityReservationId": ""},
            "DedicatedHostAttribute": {
                "DedicatedHostId": "",
                "DedicatedHostName": "",
                "DedicatedHostClusterId": "",
            },
            "GPUAmount": 0,
            "OperationLocks": Items(
                "LockReason",
                [{"LockReason": lock.reason.value, "LockMsg": lock.message} for lock in state.locks],
            ),
            "InternetMaxBandwidthIn": record.internet_max_bandwidth_in,
            "Recyclable": False,
            "RegionId": state.region_id,
            "CreditSpecification": "",
        }
    )
    return body


def _primary_interface(record: InstanceRecord) -> Body:
    return {
        "Type": "Primary",
        "PrimaryIpAddress": record.private_ip,
        "NetworkInterfaceId": record.network_interface_id,
        "MacAddress": record.mac_address,
        "PrivateIpSets": Items("PrivateIpSet", [{"PrivateIpAddress": record.private_ip, "Primary": True}]),
    }
