"""DescribeInstances: an account's instances in a region with their attributes, filtered, a
page at a time (spec §6).

Two paging styles, as documented: ``PageNumber``/``PageSize``, or ``MaxResults`` with the
``NextToken`` of the previous answer. When ``NextToken`` or ``MaxResults`` is given, PageNumber
and PageSize are ignored. Either way the answer carries the token of the page after it (empty
on the last page), and PageNumber, PageSize and TotalCount.
"""

from __future__ import annotations

import json
import re

from mock_ecs.ecs import errors
from mock_ecs.ecs.batch import MAX_INSTANCE_IDS
from mock_ecs.ecs.instance_view import instance_body
from mock_ecs.ecs.instances import EcsStore
from mock_ecs.ecs.lifecycle import LockReason, Status
from mock_ecs.ecs.listing import InstanceFilter, InstanceRecord, Page, Paging
from mock_ecs.ecs.paging import INVALID_MAX_RESULTS, Cursor, decode_token, encode_token, integer
from mock_ecs.protocol import errors as protocol_errors
from mock_ecs.protocol import params
from mock_ecs.protocol.params import Params
from mock_ecs.protocol.render import Body, Items
from mock_ecs.protocol.request import ApiCall

MAX_PAGE_SIZE = 100
MAX_TAGS = 20
_MAX_ADDRESSES = 100
_CHARGE_TYPES = ("PostPaid", "PrePaid")
_INTERNET_CHARGE_TYPES = ("PayByTraffic", "PayByBandwidth")
_NETWORK_TYPES = ("vpc", "classic")
_TAG = re.compile(r"Tag\.([0-9]{1,9})\.([Kk]ey|[Vv]alue)", re.ASCII)


def describe_instances(call: ApiCall, store: EcsStore) -> Body:
    region_id = params.required(call.params, "RegionId")
    if not store.region_exists(region_id):
        raise errors.INVALID_REGION_ID_NOT_FOUND()
    where = read_filter(call.params, call.account_id, region_id)
    paging, page_number = read_paging(call.params)
    if params.boolean(call.params, "DryRun"):
        raise errors.DRY_RUN_OPERATION()
    now = store.mock_now()
    page = store.describe_instances(where, paging, now)
    # Key order of the documented example (RequestId comes first in every answer here).
    return {
        "Instances": Items("Instance", [instance_body(record, now) for record in page.instances]),
        "TotalCount": page.total,
        "NextToken": _next_token(page, page_number),
        "PageSize": paging.size,
        "PageNumber": page_number,
    }


def read_filter(values: Params, account_id: str, region_id: str) -> InstanceFilter:
    """The documented filters; each bad value answers its documented error."""
    status = _choice(values, "Status", [s.value for s in Status], errors.INVALID_STATUS_NOT_FOUND)
    lock_reason = _lock_reason(values)
    charge_type = _choice(
        values, "InstanceChargeType", _CHARGE_TYPES, errors.INVALID_INSTANCE_CHARGE_TYPE_NOT_FOUND
    )
    internet_charge_type = _choice(
        values, "InternetChargeType", _INTERNET_CHARGE_TYPES, errors.INVALID_INTERNET_CHARGE_TYPE
    )
    network_type = _choice(
        values, "InstanceNetworkType", _NETWORK_TYPES, errors.INVALID_NETWORK_TYPE_NOT_FOUND
    )
    instance_ids = _json_list(values, "InstanceIds", MAX_INSTANCE_IDS)
    if instance_ids is not None and len(instance_ids) > MAX_INSTANCE_IDS:
        raise errors.TOO_MANY_INSTANCE_IDS()
    private_ips = _json_list(values, "PrivateIpAddresses", _MAX_ADDRESSES)
    public_ips = _json_list(values, "PublicIpAddresses", _MAX_ADDRESSES)
    inner_ips = _json_list(values, "InnerIpAddresses", _MAX_ADDRESSES)
    eips = _json_list(values, "EipAddresses", _MAX_ADDRESSES)
    io_optimized = params.boolean(values, "IoOptimized") if values.get("IoOptimized") else None
    return InstanceFilter(
        account_id=account_id,
        region_id=region_id,
        instance_ids=None if instance_ids is None else tuple(dict.fromkeys(instance_ids)),
        zone_id=_text(values, "ZoneId"),
        status=None if status is None else Status(status),
        name_pattern=_text(values, "InstanceName"),
        lock_reason=lock_reason,
        instance_type=_text(values, "InstanceType"),
        instance_type_family=_text(values, "InstanceTypeFamily"),
        image_id=_text(values, "ImageId"),
        vpc_id=_text(values, "VpcId"),
        vswitch_id=_text(values, "VSwitchId"),
        security_group_id=_text(values, "SecurityGroupId"),
        private_ips=tuple(private_ips) if private_ips else None,
        public_ips=tuple(public_ips) if public_ips else None,
        instance_charge_type=charge_type,
        internet_charge_type=internet_charge_type,
        key_pair_name=_text(values, "KeyPairName"),
        resource_group_id=_text(values, "ResourceGroupId"),
        io_optimized=io_optimized,
        # Every instance here is in a VPC, without an elastic IP address.
        matches_nothing=network_type == "classic" or bool(inner_ips) or bool(eips),
        tags=_tags(values),
    )


def read_paging(values: Params) -> tuple[Paging, int]:
    """The page asked for, and its number."""
    token = values.get("NextToken", "")
    if token or values.get("MaxResults", ""):
        size = integer(values, "MaxResults", 10, 1, MAX_PAGE_SIZE, INVALID_MAX_RESULTS)
        if not token:
            return Paging(size=size, after_seq=0), 1
        cursor = decode_token(token)
        return Paging(size=size, after_seq=cursor.after_seq), cursor.page_number + 1
    number = integer(values, "PageNumber", 1, 1, 2**31 - 1)
    size = integer(values, "PageSize", 10, 1, MAX_PAGE_SIZE)
    return Paging(size=size, number=number), number


def _next_token(page: Page[InstanceRecord], page_number: int) -> str:
    if not page.more or page.last_seq is None:
        return ""
    return encode_token(Cursor(page.last_seq, page_number))


def _text(values: Params, name: str) -> str | None:
    return values.get(name) or None  # an empty filter does not filter (documented)


def _choice(
    values: Params, name: str, choices: tuple[str, ...] | list[str], error: protocol_errors.ErrorSpec
) -> str | None:
    value = _text(values, name)
    if value is not None and value not in choices:
        raise error()
    return value


def _lock_reason(values: Params) -> LockReason | None:
    value = _text(values, "LockReason")
    if value is None:
        return None
    # The reference writes ``Recycling`` where the answers say ``recycling``: accept any case.
    reason = next((reason for reason in LockReason if reason.value == value.lower()), None)
    if reason is None:
        raise errors.INVALID_LOCK_REASON_NOT_FOUND()
    return reason


def _json_list(values: Params, name: str, limit: int) -> list[str] | None:
    """A parameter holding a JSON array of strings, such as ``["i-1", "i-2"]``."""
    text = values.get(name, "")
    if not text:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        raise protocol_errors.INVALID_PARAMETER(name=name) from None
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        raise protocol_errors.INVALID_PARAMETER(name=name)
    if name != "InstanceIds" and len(parsed) > limit:
        raise protocol_errors.INVALID_PARAMETER(name=name)
    return parsed


def _tags(values: Params) -> tuple[tuple[str, str | None], ...]:
    """``Tag.N.Key``/``Tag.N.Value`` (N 1 to 20; the lower-case spelling is the deprecated one)."""
    keys: dict[int, str] = {}
    tag_values: dict[int, str] = {}
    for name, value in values.items():
        match = _TAG.fullmatch(name)
        if match is not None:
            target = keys if match.group(2).lower() == "key" else tag_values
            target.setdefault(int(match.group(1)), value)
    numbers = set(keys) | set(tag_values)
    if len(numbers) > MAX_TAGS or any(not 1 <= n <= MAX_TAGS for n in numbers):
        raise errors.INVALID_TAG_COUNT()
    if any(not keys.get(n) for n in tag_values):
        raise errors.INVALID_TAG_MISMATCH()
    return tuple((keys[n], tag_values.get(n)) for n in sorted(keys) if keys[n])
